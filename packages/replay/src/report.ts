import { verdicts, type Verdict } from './versioning';
import type { ReplayResult } from './replay';

/** `verbose`: Core's whole message (default: cut to one readable line). */
export type ReportOptions = { verbose?: boolean; elapsedMs?: number };

const LABELS = { pass: 'PASS', fail: 'FAIL', exempt: 'EXEMPT', inconclusive: 'INCONCLUSIVE', invalid: 'FAIL' } as const;
const VERDICT_WORDS: Record<Verdict, string> = {
  safe: 'safe',
  'safe-while-pinned':
    'safe-while-pinned (only executions pinned to other builds would fail: do not move them with a versioning override)',
  unsafe:
    'unsafe (an execution that will run this code would fail: ship the change behind patched() or as a new pinned build)',
};

const cut = (text: string, verbose?: boolean) => (verbose || text.length <= 240 ? text : `${text.slice(0, 237)}...`);
const count = (results: ReplayResult[], ...statuses: string[]) =>
  results.filter((r) => statuses.includes(r.status)).length;

/** The lines under a result that is not a plain pass. */
export function explanationLines(r: ReplayResult, verbose?: boolean): string[] {
  const d = r.divergence;
  // Why an execution is exempt comes first; its divergence then says what would break if it were moved.
  const exempt = r.status === 'exempt' && r.message ? ['exempt:', `  ${r.message}`] : [];
  if (d)
    return [
      ...exempt,
      'non-determinism:',
      `  Diverged at event ${d.eventId ?? '?'} (${d.eventType ?? '?'}):`,
      `    history: ${d.history}`,
      `    code:    ${d.code} instead`,
      `  Likely change: ${d.summary}.`,
      `  Fix: ${d.fix}`,
      ...(r.sdkMessage ? [`  SDK: ${cut(r.sdkMessage, verbose)}`] : []),
    ];
  const heading =
    { invalid: 'not a replayable history:', fail: 'replay failed:' }[r.status as 'fail'] ?? `${r.status}:`;
  const lines = [heading, ...(r.message ?? '').split('\n').map((l) => `  ${l}`)];
  if (r.status === 'fail' && r.sdkMessage && verbose) lines.push(`  SDK: ${r.sdkMessage}`);
  return lines;
}

const counts = (results: ReplayResult[]) => ({
  passed: count(results, 'pass'),
  failed: count(results, 'fail', 'invalid'),
  exempt: count(results, 'exempt'),
  inconclusive: count(results, 'inconclusive'),
});

/** One line per history, the reason indented under anything but a pass, the verdicts, then the totals. */
export function formatText(results: ReplayResult[], { verbose, elapsedMs }: ReportOptions = {}): string {
  const lines = results.flatMap((r) => [
    `${LABELS[r.status]}  ${r.source}`,
    ...(r.status === 'pass' ? [] : explanationLines(r, verbose).map((l) => `      ${l}`)),
  ]);
  lines.push('', ...Object.entries(verdicts(results)).map(([type, verdict]) => `${type}: ${VERDICT_WORDS[verdict]}`));
  const { length } = results;
  if (elapsedMs !== undefined)
    lines.push(`Replayed ${length} ${length === 1 ? 'history' : 'histories'} in ${(elapsedMs / 1000).toFixed(1)} s.`);
  const c = counts(results);
  const extra = [c.exempt && `, ${c.exempt} exempt`, c.inconclusive && `, ${c.inconclusive} inconclusive`];
  return [...lines, `replay: ${c.passed} passed, ${c.failed} failed${extra.filter(Boolean).join('')}`].join('\n');
}

/** One object per history, and the verdicts: for CI steps that read JSON. */
export function formatJson(results: ReplayResult[]): string {
  const histories = results.map(({ history: _history, ...r }) => r);
  return JSON.stringify({ histories, verdicts: verdicts(results), summary: counts(results) }, null, 2);
}

const xml = (s: string) =>
  s.replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`);

/** JUnit XML: one test case per history; a failure's message is its explanation. */
export function formatJunit(results: ReplayResult[], { elapsedMs = 0 }: ReportOptions = {}): string {
  const cases = results.map((r) => {
    const head = `    <testcase classname="replay.${xml(r.workflowType ?? 'unknown')}" name="${xml(r.source)}">`;
    if (r.status === 'pass') return `${head}</testcase>`;
    const d = r.status === 'exempt' ? undefined : r.divergence;
    const message = `message="${xml(d ? `${d.summary} (event ${d.eventId})` : (r.message ?? r.status))}"`;
    const [tag, type] = r.status === 'fail' ? ['failure', d?.change ?? 'replay-failed'] : ['error', r.status];
    const body = `<${tag} ${message} type="${type}">${xml(explanationLines(r).join('\n'))}</${tag}>`;
    return `${head}\n      ${r.status === 'exempt' ? `<skipped ${message}/>` : body}\n    </testcase>`;
  });
  const [failures, errors] = [count(results, 'fail'), count(results, 'invalid', 'inconclusive')];
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
