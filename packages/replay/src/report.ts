import path from 'node:path';
import type { FileResult } from './replay';

export interface ReportOptions {
  /** Paths are shown relative to this folder. */
  root: string;
  elapsedMs?: number;
}

/** One line per file, PASS or FAIL, the reason indented under a failure, then the totals. */
export function formatReport(results: FileResult[], { root, elapsedMs }: ReportOptions): string {
  const lines: string[] = [];
  for (const r of results) {
    const name = path.relative(root, r.file) || r.file;
    lines.push(`${r.ok ? 'PASS' : 'FAIL'}  ${name}`);
    if (!r.ok) {
      for (const line of (r.message ?? 'failed').split('\n')) lines.push(`      ${line}`);
    }
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  lines.push('');
  if (elapsedMs !== undefined) lines.push(`Replayed ${results.length} histories in ${(elapsedMs / 1000).toFixed(1)} s.`);
  lines.push(`replay: ${passed} passed, ${failed} failed`);
  return lines.join('\n');
}
