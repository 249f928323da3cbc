import type { ReplayResult } from './replay';
import { stuckCounts, verdicts, type Verdict } from './versioning';

/** `verbose`: Core's whole message (default: cut to one readable line). */
export type ReportOptions = { verbose?: boolean; elapsedMs?: number };

const LABELS: Record<ReplayResult['status'], string> = {
  pass: 'PASS',
  fail: 'FAIL',
  invalid: 'FAIL',
  exempt: 'EXEMPT',
  fixed: 'FIXED',
  'still-failing': 'STILL-FAILING',
};
const VERDICT_WORDS: Record<Verdict, string> = {
  safe: 'safe',
  'safe-while-pinned':
    'safe-while-pinned (only executions pinned to other versions would fail: do not move them with a versioning override)',
  unsafe:
    'unsafe (an execution that will run this code would fail: ship the change behind patched() or as a new Worker Deployment Version with PINNED workflows)',
};

const cut = (text: string, verbose?: boolean) => (verbose || text.length <= 240 ? text : `${text.slice(0, 237)}...`);
const count = (results: ReplayResult[], ...statuses: string[]) =>
  results.filter((r) => statuses.includes(r.status)).length;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The lines under a result that is not a plain pass: why, then where the code and the history part ways. */
export function explanationLines(r: ReplayResult, verbose?: boolean): string[] {
  const heading = { invalid: 'not a replayable history:', fail: r.divergence ? undefined : 'replay failed:' }[
    r.status as 'fail'
  ];
  const lines = r.message ? [heading ?? `${r.status}:`, ...r.message.split('\n').map((l) => `  ${l}`)] : [];
  const d = r.divergence;
  if (d)
    lines.push(
      'non-determinism:',
      `  Diverged at event ${d.eventId ?? '?'} (${d.eventType ?? '?'}):`,
      `    history: ${d.history}`,
      `    code:    ${d.code} instead`,
      `  Likely change: ${d.summary}.`,
      `  Fix: ${d.fix}`,
    );
  if (r.sdkMessage && (d || verbose)) lines.push(`  SDK: ${cut(r.sdkMessage, verbose)}`);
  return lines;
}

const counts = (results: ReplayResult[]) => ({
  passed: count(results, 'pass', 'fixed'),
  failed: count(results, 'fail', 'invalid', 'still-failing'),
  exempt: count(results, 'exempt'),
  fixed: count(results, 'fixed'),
  stillFailing: count(results, 'still-failing'),
});

/** A result's lines in the text report: its status and name, and the reason under anything but a pass. */
export function resultLines(r: ReplayResult, verbose?: boolean): string[] {
  const lines = r.status === 'pass' ? [] : explanationLines(r, verbose).map((l) => `      ${l}`);
  return [`${LABELS[r.status]}  ${r.source}`, ...lines];
}

/** The closing lines: one verdict per workflow type (with the stuck executions it unsticks), the totals. */
export function summaryLines(results: ReplayResult[], { elapsedMs }: ReportOptions = {}): string[] {
  const stuck = stuckCounts(results);
  const lines = Object.entries(verdicts(results)).map(([type, verdict]) => {
    const { fixed = 0, stillFailing = 0 } = stuck[type] ?? {};
    const unsticks = fixed ? `; it unsticks ${plural(fixed, 'stuck execution')}` : '';
    const still = stillFailing
      ? `; ${plural(stillFailing, 'stuck execution')} still fail${stillFailing === 1 ? 's' : ''}`
      : '';
    return `${type}: ${VERDICT_WORDS[verdict]}${unsticks}${still}`;
  });
  const fromFiles = results.filter((r) => !r.runId);
  const ids = new Set(fromFiles.map((r) => r.workflowId));
  if (fromFiles.length > 0)
    lines.push(
      ids.size === 1 && fromFiles.length > 1
        ? `Saved histories replayed with workflow id "${[...ids][0]}".`
        : 'Saved histories hold no workflow id: each was replayed with its file name as the id (--workflow-id sets one).',
    );
  const { length } = results;
  if (elapsedMs !== undefined)
    lines.push(`Replayed ${plural(length, 'history').replace(/ys$/, 'ies')} in ${(elapsedMs / 1000).toFixed(1)} s.`);
  const c = counts(results);
  const extra = [
    c.exempt && `, ${c.exempt} exempt`,
    c.fixed && `, ${c.fixed} fixed`,
    c.stillFailing && `, ${c.stillFailing} still failing`,
  ];
  return [...lines, `replay: ${c.passed} passed, ${c.failed} failed${extra.filter(Boolean).join('')}`];
}

/** One line per history, the reason indented under anything but a pass, the verdicts, then the totals. */
export function formatText(results: ReplayResult[], options: ReportOptions = {}): string {
  return [...results.flatMap((r) => resultLines(r, options.verbose)), '', ...summaryLines(results, options)].join('\n');
}

/** One object per history, and the verdicts: for CI steps that read JSON. */
export function formatJson(results: ReplayResult[]): string {
  const histories = results.map(({ history: _history, ...r }) => r);
  const summary = counts(results);
  return JSON.stringify({ histories, verdicts: verdicts(results), stuck: stuckCounts(results), summary }, null, 2);
}

const xml = (s: string) =>
  s.replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`);

/** JUnit XML: one test case per history; a failure's message is its explanation. */
export function formatJunit(results: ReplayResult[], { elapsedMs = 0 }: ReportOptions = {}): string {
  const cases = results.map((r) => {
    const head = `    <testcase classname="replay.${xml(r.workflowType ?? 'unknown')}" name="${xml(r.source)}">`;
    if (r.status === 'pass' || r.status === 'fixed') return `${head}</testcase>`;
    const d = r.status === 'exempt' ? undefined : r.divergence;
    const message = `message="${xml(d ? `${d.summary} (event ${d.eventId})` : (r.message ?? r.status))}"`;
    if (r.status === 'exempt') return `${head}\n      <skipped ${message}/>\n    </testcase>`;
    const [tag, type] = r.status === 'invalid' ? ['error', 'invalid'] : ['failure', d?.change ?? r.status];
    const body = `<${tag} ${message} type="${type}">${xml(explanationLines(r).join('\n'))}</${tag}>`;
    return `${head}\n      ${body}\n    </testcase>`;
  });
  const [failures, errors] = [count(results, 'fail', 'still-failing'), count(results, 'invalid')];
  const totals = `tests="${results.length}" failures="${failures}" errors="${errors}"`;
  const time = `time="${(elapsedMs / 1000).toFixed(3)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="replay" ${totals} ${time}>`,
    `  <testsuite name="replay" ${totals} skipped="${count(results, 'exempt')}" ${time}>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
