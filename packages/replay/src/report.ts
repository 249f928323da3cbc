import path from 'node:path';
import { formatExplanation } from './explain';
import type { FileResult } from './replay';

export interface ReportOptions {
  /** Paths are shown relative to this folder. */
  root: string;
  elapsedMs?: number;
  /** Show the SDK's whole error under each explanation (default: Core's sentence only). */
  verbose?: boolean;
}

const KIND_LABELS: Record<NonNullable<FileResult['kind']>, string> = {
  'invalid-file': 'not a replayable history',
  'unknown-workflow-type': 'unknown workflow type',
  nondeterminism: 'non-determinism',
  'replay-error': 'replay error',
  timeout: 'timed out',
};

/** The lines under a FAIL: the problem, or for non-determinism the explanation. */
export function failureLines(r: FileResult, verbose = false): string[] {
  const lines = [`${KIND_LABELS[r.kind ?? 'replay-error']}:`];
  if (r.explanation) {
    lines.push(...formatExplanation(r.explanation).map((l) => `  ${l}`));
    if (verbose) lines.push(`  SDK error: ${r.explanation.raw}`);
  } else {
    lines.push(...(r.message ?? 'failed').split('\n').map((l) => `  ${l}`));
  }
  return lines;
}

/** One line per file, PASS or FAIL, the reason indented under a failure, then the totals. */
export function formatReport(results: FileResult[], { root, elapsedMs, verbose }: ReportOptions): string {
  const lines: string[] = [];
  for (const r of results) {
    const name = path.relative(root, r.file) || r.file;
    lines.push(`${r.ok ? 'PASS' : 'FAIL'}  ${name}`);
    if (!r.ok) for (const line of failureLines(r, verbose)) lines.push(`      ${line}`);
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  lines.push('');
  if (elapsedMs !== undefined) lines.push(`Replayed ${results.length} histories in ${(elapsedMs / 1000).toFixed(1)} s.`);
  lines.push(`replay: ${passed} passed, ${failed} failed`);
  return lines.join('\n');
}
