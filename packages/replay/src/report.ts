import { verdicts, type Verdict } from './versioning';
import type { ReplayResult } from './replay';

export interface ReportOptions {
  /** Show Core's whole message (default: cut to one readable line). */
  verbose?: boolean;
  elapsedMs?: number;
}

const LABELS = { pass: 'PASS', fail: 'FAIL', exempt: 'EXEMPT', inconclusive: 'INCONCLUSIVE', invalid: 'FAIL' } as const;
const VERDICT_WORDS: Record<Verdict, string> = {
  safe: 'safe',
  'safe-while-pinned':
    'safe-while-pinned (only executions pinned to other builds would fail: do not move them with a versioning override)',
  unsafe:
    'unsafe (an execution that will run this code would fail: ship the change behind patched() or as a new pinned build)',
};

const cut = (text: string, verbose?: boolean) => (verbose || text.length <= 240 ? text : `${text.slice(0, 237)}...`);

/** The lines under a result that is not a plain pass. */
export function explanationLines(r: ReplayResult, verbose?: boolean): string[] {
  const d = r.divergence;
  // Why an execution is exempt comes first; its divergence then says what would break if it were moved.
  const exempt = r.status === 'exempt' && r.message ? ['exempt:', `  ${r.message}`] : [];
  if (d) {
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
  }
  const heading = { invalid: 'not a replayable history:', exempt: 'exempt:', inconclusive: 'inconclusive:' }[
    r.status as string
  ];
  const lines = [heading ?? 'replay failed:', ...(r.message ?? '').split('\n').map((l) => `  ${l}`)];
  if (r.status === 'fail' && r.sdkMessage && verbose) lines.push(`  SDK: ${r.sdkMessage}`);
  return lines;
}

function counts(results: ReplayResult[]) {
  const n = (...s: string[]) => results.filter((r) => s.includes(r.status)).length;
  return { passed: n('pass'), failed: n('fail', 'invalid'), exempt: n('exempt'), inconclusive: n('inconclusive') };
}

/** One line per history, the reason indented under anything but a pass, the verdicts, then the totals. */
export function formatText(results: ReplayResult[], { verbose, elapsedMs }: ReportOptions = {}): string {
  const lines: string[] = [];
  for (const r of results) {
    lines.push(`${LABELS[r.status]}  ${r.source}`);
    if (r.status !== 'pass') lines.push(...explanationLines(r, verbose).map((l) => `      ${l}`));
  }
  lines.push('');
  for (const [type, verdict] of Object.entries(verdicts(results))) lines.push(`${type}: ${VERDICT_WORDS[verdict]}`);
  if (elapsedMs !== undefined)
    lines.push(`Replayed ${results.length} ${results.length === 1 ? 'history' : 'histories'} in ${(elapsedMs / 1000).toFixed(1)} s.`);
  const c = counts(results);
  const extra = [c.exempt && `${c.exempt} exempt`, c.inconclusive && `${c.inconclusive} inconclusive`].filter(Boolean);
  lines.push(`replay: ${c.passed} passed, ${c.failed} failed${extra.map((e) => `, ${e}`).join('')}`);
  return lines.join('\n');
}

/** One object per history, and the verdicts: for CI steps that read JSON. */
export function formatJson(results: ReplayResult[]): string {
  const histories = results.map(({ history: _history, ...r }) => r);
  return JSON.stringify({ histories, verdicts: verdicts(results), summary: counts(results) }, null, 2);
}

const xml = (s: string) =>
  s.replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`);

/** JUnit XML: one test case per history; a failure's message is its explanation. */
export function formatJunit(results: ReplayResult[], { elapsedMs }: ReportOptions = {}): string {
  const c = counts(results);
  const cases = results.map((r) => {
    const head = `    <testcase classname="replay.${xml(r.workflowType ?? 'unknown')}" name="${xml(r.source)}">`;
    const body = explanationLines(r).join('\n');
    const summary =
      r.divergence && r.status !== 'exempt'
        ? `${r.divergence.summary} (event ${r.divergence.eventId})`
        : (r.message ?? r.status);
    const inner = {
      pass: '',
      fail: `\n      <failure message="${xml(summary)}" type="${r.divergence?.change ?? 'replay-failed'}">${xml(body)}</failure>\n    `,
      invalid: `\n      <error message="${xml(summary)}" type="invalid">${xml(body)}</error>\n    `,
      inconclusive: `\n      <error message="${xml(summary)}" type="inconclusive">${xml(body)}</error>\n    `,
      exempt: `\n      <skipped message="${xml(summary)}"/>\n    `,
    }[r.status];
    return `${head}${inner}</testcase>`;
  });
  const time = ((elapsedMs ?? 0) / 1000).toFixed(3);
  const errors = results.filter((r) => r.status === 'invalid' || r.status === 'inconclusive').length;
  const failures = results.filter((r) => r.status === 'fail').length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="replay" tests="${results.length}" failures="${failures}" errors="${errors}" time="${time}">`,
    `  <testsuite name="replay" tests="${results.length}" failures="${failures}" errors="${errors}" skipped="${c.exempt}" time="${time}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
