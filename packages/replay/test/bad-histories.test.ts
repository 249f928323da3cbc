// Bad history files get one clear message each (the file, the problem, what to do) and the run goes
// on with the others; no SSN from a bad file reaches the report. (The time bound on a replay that
// never ends is in cli.test.ts: a replay that overran cannot be stopped in this process.)
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '@background-check/test-support';
import { loadHistoryFile } from '../src/load';
import { replayHistories } from '../src/replay';
import { formatText } from '../src/report';
import { corpusByBranch, readJson, replayBundle, type HistoryJson } from './corpus';

const good = corpusByBranch().noTimer[0]!;
const dir = tempDir('bad-histories');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: HistoryJson | unknown[] | string | object): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

const snake = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(snake);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snake(v)]),
  );
};

/** A decoded ("readable") export: each payload replaced by its value, or its data and metadata in clear. */
function decoded(json: HistoryJson, how: 'values' | 'clear-data' | 'clear-encoding'): HistoryJson {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    const record = value as Record<string, unknown>;
    if (Array.isArray(record.payloads)) {
      return {
        payloads: (record.payloads as { data: string; metadata: { encoding: string } }[]).map((p) => {
          const clear = Buffer.from(p.data, 'base64').toString();
          if (how === 'values') return JSON.parse(clear);
          if (how === 'clear-data') return { metadata: p.metadata, data: clear };
          return { metadata: { encoding: Buffer.from(p.metadata.encoding, 'base64').toString() }, data: p.data };
        }),
      };
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, walk(v)]));
  };
  return walk(json) as HistoryJson;
}

const renamed = (name: string) => {
  const json = readJson(good);
  json.events[0]!.workflowExecutionStartedEventAttributes.workflowType.name = name;
  return json;
};

const SAVE =
  /Save it again with `pnpm temporal workflow show --output json`\.|save it again with `pnpm temporal workflow show --output json`\./;
const cases: [name: string, content: () => HistoryJson | unknown[] | string | object, problem: RegExp][] = [
  [
    'cli-table.json',
    () => 'Progress:\n  ID  Time  Type\n   1  2026-11-21T18:02:51Z  WorkflowExecutionStarted\n',
    /^not valid JSON \(.*\)\. It looks like the CLI's table output: add `--output json`\./,
  ],
  // JSON.parse's message quotes the text: here, an SSN.
  ['ssn-in-bad-json.json', () => 'Result: 555-55-5555', /^not valid JSON \([^)]*\)\. Save it again/],
  [
    'no-events.json',
    () => ({ workflowId: 'x' }),
    /^no "events" array at the top level\. An Event History file is \{"events": \[\.\.\.\]\}/,
  ],
  [
    'empty-events.json',
    () => ({ events: [] }),
    /^the "events" array is empty\. Fetch the history of an execution that has run\.$/,
  ],
  ['not-objects.json', () => ({ events: [1, 2] }), /^event #1 is not an event object\.$/],
  [
    'tail-only.json',
    () => ({ events: readJson(good).events.slice(4) }),
    /^the first event is ActivityTaskScheduled, not WorkflowExecutionStarted: the file must hold the whole history, from the start\.$/,
  ],
  [
    'reversed.json',
    () => ({ events: readJson(good).events.reverse() }),
    /^events are in reverse order \(ids 11 down to 1\), as some older Web UI exports are\. Reverse the "events" array, or save it again/,
  ],
  [
    'gap.json',
    () => ({ events: readJson(good).events.filter((e) => e.eventId !== '7') }),
    /^event ids must run 1, 2, 3, … in order; event #7 has id 8\./,
  ],
  [
    'snake-case.json',
    () => snake(readJson(good)) as object,
    /^keys are in snake_case \(e\.g\. "event_id"\); replay needs the camelCase proto JSON/,
  ],
  [
    'no-attributes.json',
    () => ({
      events: readJson(good).events.map((e, i) => (i === 2 ? { eventId: e.eventId, eventType: e.eventType } : e)),
    }),
    /^event #3 has no "…EventAttributes" object/,
  ],
  [
    'decoded-values.json',
    () => decoded(readJson(good), 'values'),
    /^payloads are decoded \(a payload is not \{"metadata":…, "data":…\}\)\. Export the history with encoded payloads/,
  ],
  [
    'decoded-data.json',
    () => decoded(readJson(good), 'clear-data'),
    /^payloads are decoded \(a payload's data is readable text, not base64\)/,
  ],
  [
    'decoded-encoding.json',
    () => decoded(readJson(good), 'clear-encoding'),
    /^payloads are decoded \(a payload's metadata\.encoding is "json\/plain", not base64\)/,
  ],
];

test('each bad file is reported with its problem and what to do; the good ones still replay, in order', async () => {
  const files = [good, ...cases.map(([name, content]) => write(name, content())), path.join(dir, 'missing.json'), good];
  const results = await replayHistories(
    files.map((f) => ({ source: path.basename(f), loaded: loadHistoryFile(f) })),
    { workflowBundle: await replayBundle(), workflowTypes: ['BackgroundCheck'] },
  );
  expect(results.map((r) => r.source)).toEqual(files.map((f) => path.basename(f)));
  expect([results[0]!.status, results.at(-1)!.status]).toEqual(['pass', 'pass']);
  cases.forEach(([name, , problem], i) => {
    const r = results[i + 1]!;
    expect({ name, status: r.status }).toEqual({ name, status: 'invalid' });
    expect(r.message).toMatch(problem);
  });
  expect(results.at(-2)).toMatchObject({ status: 'invalid', message: 'cannot read the file (ENOENT).' });
  // Where the fix is to save the file again, the message says how.
  for (const name of ['ssn-in-bad-json.json', 'gap.json', 'no-attributes.json'])
    expect(results.find((r) => r.source === name)!.message).toMatch(SAVE);

  const report = formatText(results);
  expect(report).toContain('FAIL  reversed.json\n      not a replayable history:\n        events are in reverse order');
  expect(report).toContain(`replay: 2 passed, ${cases.length + 1} failed`);
  // No SSN from a decoded payload or from a JSON error message reaches the report, not even masked.
  expect(report).not.toMatch(/\d{3}-\d{2}-\d{4}/);
  expect(report).not.toMatch(/\*{3}-\*{2}-\d{4}|5555/);
});

test('a workflow type the code does not define fails without a replay, naming the types it does define', async () => {
  const files = [write('unknown-type.json', renamed('BackgroundCheckV9')), good];
  const results = await replayHistories(
    files.map((f) => ({ source: path.basename(f), loaded: loadHistoryFile(f) })),
    { workflowBundle: await replayBundle(), workflowTypes: ['BackgroundCheck'] },
  );
  expect(results.map((r) => r.status)).toEqual(['fail', 'pass']);
  expect(results[0]!.workflowType).toBe('BackgroundCheckV9');
  expect(results[0]!.divergence).toBeUndefined();
  expect(results[0]!.message).toBe(
    'the history is of workflow type "BackgroundCheckV9", which the code does not define (it defines: BackgroundCheck). Removing or renaming a workflow type breaks its open executions: keep the old export.',
  );
  expect(formatText(results)).toContain('BackgroundCheckV9: unsafe');
});
