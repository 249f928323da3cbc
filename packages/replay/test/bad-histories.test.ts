// Bad history files get one clear message each (file and problem), the run goes on with the others,
// and every replay is bounded in time, even one that would hang the SDK.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prebuiltBundle } from '@background-check/worker';
import { formatReport } from './report';
import { replayHistories } from './replay';
import { replayInShards } from './shard-pool';
import { corpusByBranch } from './test-support';

const good = corpusByBranch().noTimer[0]!;
const goodJson = () => JSON.parse(fs.readFileSync(good, 'utf8')) as { events: Record<string, unknown>[] };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bad-histories-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

const snake = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(snake);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snake(v)]));
};

/** What a decoded ("readable") Web UI export does to payloads: their values, in place of the encoded payload. */
const decoded = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(decoded);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (Array.isArray(record.payloads)) {
    return { payloads: (record.payloads as { data: string }[]).map((p) => JSON.parse(Buffer.from(p.data, 'base64').toString())) };
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, decoded(v)]));
};

const cases: [name: string, content: () => unknown, problem: RegExp][] = [
  ['cli-table.json', () => 'Progress:\n  ID  Time  Type\n   1  2023-10-25T20:28:03Z  WorkflowExecutionStarted\n', /not valid JSON .*table output: add `--output json`/],
  ['no-events.json', () => ({ workflowId: 'x' }), /no "events" array at the top level/],
  ['empty-events.json', () => ({ events: [] }), /the "events" array is empty/],
  ['tail-only.json', () => ({ events: goodJson().events.slice(4) }), /the first event is ActivityTaskScheduled \(id 5\), not WorkflowExecutionStarted/],
  ['reversed.json', () => ({ events: goodJson().events.reverse() }), /events are in reverse order \(ids 11 down to 1\).*Reverse the "events" array/],
  ['gap.json', () => ({ events: goodJson().events.filter((e) => e.eventId !== '7') }), /event ids must run 1, 2, 3, … in order; event #7 has id 8/],
  ['snake-case.json', () => snake(goodJson()), /keys are in snake_case \(e\.g\. "event_id"\)/],
  ['decoded-payloads.json', () => decoded(goodJson()), /payloads are decoded \(a payload is a plain string, not \{"metadata":…, "data":…\}\)/],
  [
    'unknown-type.json',
    () => {
      const json = goodJson();
      (json.events[0]!.workflowExecutionStartedEventAttributes as { workflowType: { name: string } }).workflowType.name = 'BackgroundCheckV9';
      return json;
    },
    /workflow type "BackgroundCheckV9", which the current workflow code does not define \(it defines: BackgroundCheck\)/,
  ],
];

test('each bad file is named with its problem; the good ones still replay, in order', async () => {
  const files = [good, ...cases.map(([name, content]) => write(name, content())), good];
  const results = await replayHistories(files, { workflowBundle: await prebuiltBundle(), workflowTypes: ['BackgroundCheck'], processes: 0 });
  expect(results.map((r) => r.file)).toEqual(files);
  expect(results[0]!.ok).toBe(true);
  expect(results[results.length - 1]!.ok).toBe(true);
  cases.forEach(([name, , problem], i) => {
    const r = results[i + 1]!;
    expect({ name, ok: r.ok, kind: r.kind }).toEqual({ name, ok: false, kind: name === 'unknown-type.json' ? 'unknown-workflow-type' : 'invalid-file' });
    expect(r.message).toMatch(problem);
  });
  const report = formatReport(results, { root: dir });
  expect(report).toContain('FAIL  reversed.json');
  expect(report).toContain('replay: 2 passed, 9 failed');
  // No SSN from a decoded payload reaches the report.
  expect(report).not.toMatch(/\d{3}-\d{2}-\d{4}/);
});

test('a replay that hangs (events in reverse order, past the checks) is stopped at its time bound; the next one still runs', async () => {
  const reversed = write('hangs.json', { events: goodJson().events.reverse() });
  const { codePath } = await prebuiltBundle();
  const started = Date.now();
  const outcomes = await replayInShards([reversed, good], { bundlePath: codePath, processes: 1, historyTimeoutMs: 3_000 });
  expect(outcomes[0]).toEqual(expect.objectContaining({ ok: false, timedOut: true, message: expect.stringMatching(/did not finish within 3 s/) }));
  expect(outcomes[1]).toEqual(expect.objectContaining({ ok: true }));
  expect(Date.now() - started).toBeLessThan(60_000);
});
