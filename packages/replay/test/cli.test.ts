// `pnpm test:replay` as a user runs it (a child process, on fixture files only): PASS or FAIL per history
// with the explanation, the exit codes (0 safe; 1 unsafe, invalid or inconclusive; 2 usage), --timeout,
// --verbose. The CI reports (--format, --out, --shard, --build-id) are in cli-reports.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@background-check/common';
import { killAllChildren, tempDir } from '@background-check/test-support';
import { corpusByBranch, readJson, replayBundle, testReplay, verdictLines, type HistoryJson } from './corpus';

const root = repoRoot();
const V0 = 'packages/replay/test/fixtures/v0';
const INCONCLUSIVE = 'packages/replay/test/fixtures/inconclusive/last-task-failed.json';
const tmp = tempDir('replay-cli');
const good = path.relative(root, corpusByBranch().noTimer[0]!);

/** Writes a history (or any text) under the test's temp folder; returns its path as the report shows it. */
function write(name: string, json: HistoryJson | string): string {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json));
  return path.relative(root, file);
}

// Built once here: the runs then find it fresh instead of racing to write it.
beforeAll(() => replayBundle(), 120_000);
afterAll(async () => {
  await killAllChildren();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('the committed corpus passes: one PASS line each, the verdict, exit 0', async () => {
  const r = await testReplay([]);
  const corpus = fs.readdirSync(path.join(root, 'histories')).sort();
  expect(verdictLines(r.stdout)).toEqual(corpus.map((f) => `PASS  histories/${f}`));
  expect(r.stdout).toContain('BackgroundCheck: safe\n');
  expect(r.stdout).toMatch(new RegExp(`\\nreplay: ${corpus.length} passed, 0 failed\\n`));
  expect(r.code).toBe(0);
});

test('a history from before the sleep fails with the explanation: exit 1', async () => {
  const r = await testReplay([V0, 'histories']);
  expect(r.stdout).toContain(`PASS  ${V0}/v0-gate-no-timer-1.json\n`);
  expect(r.stdout).toContain(
    [
      `FAIL  ${V0}/v0-gate-timer-1.json`,
      '      non-determinism:',
      '        Diverged at event 5 (ActivityTaskScheduled):',
      '          history: scheduled activity ssnTrace',
      '          code:    started a 60 s timer instead',
      '        Likely change: a timer (sleep) was added.',
      "        Fix: Keep executions that started on the old code on the old path: `if (patched('my-change')) { new } else { old }`, or ship the change as a new Worker Deployment version with PINNED workflows (see docs/walkthrough.md).",
      '        SDK: [TMPRL1100] Nondeterminism error: Timer machine does not handle this event: HistoryEvent(id: 5, ActivityTaskScheduled)',
      `FAIL  ${V0}/v0-gate-timer-2.json`,
    ].join('\n'),
  );
  expect(r.stdout).toContain('BackgroundCheck: unsafe (an execution that will run this code would fail');
  expect(r.stdout).toMatch(/\nreplay: 5 passed, 2 failed\n/);
  expect(r.code).toBe(1);
});

test('usage mistakes: exit 2 with what was wrong, before any replay; --help: the usage with every option, exit 0', async () => {
  const cases: [string[], RegExp][] = [
    [['--bogus'], /^Unknown option '--bogus'\.\n\nUsage: pnpm test:replay/],
    [['--format', 'xml'], /^--format takes text, json or junit, not "xml"\./],
    [['--shard', '3/2'], /^--shard takes K\/N with 1 <= K <= N \(e\.g\. 2\/4\), not "3\/2"\./],
    [['--shard', 'half'], /^--shard takes K\/N .*not "half"\./],
    [['--query', "WorkflowId = 'x'"], /^--query and --limit go with --server\./],
    [
      ['no/such/folder'],
      new RegExp(
        `^${path.join(root, 'no/such/folder')} does not exist\\. Name a history JSON file or a folder of them\\.`,
      ),
    ],
  ];
  const [help, ...runs] = await Promise.all([testReplay(['--help']), ...cases.map(([args]) => testReplay(args))]);
  runs.forEach((r, i) => {
    expect({ args: cases[i]![0], code: r.code, stdout: r.stdout }).toEqual({ args: cases[i]![0], code: 2, stdout: '' });
    expect(r.stderr).toMatch(cases[i]![1]);
  });
  for (const option of [
    '--server',
    '--query',
    '--limit',
    '--build-id',
    '--shard',
    '--format',
    '--out',
    '--timeout',
    '--verbose',
  ]) {
    expect(help!.stdout).toContain(option);
  }
  expect(help!.code).toBe(0);
});

test('--timeout bounds a replay that never ends; the others still run', async () => {
  // Without its first WorkflowTaskCompleted, ids renumbered, a history passes the file checks, but Core's replay of it never ends.
  const { events } = readJson(good);
  expect(events[3]!.workflowTaskCompletedEventAttributes).toBeDefined();
  const rest = events.filter((e) => e.eventId !== '4').map((e, i) => ({ ...e, eventId: String(i + 1) }));
  const runaway = write('runaway/runaway.json', { events: rest });
  const r = await testReplay([runaway, good, '--timeout', '2']);
  expect(verdictLines(r.stdout)).toEqual([`FAIL  ${runaway}`, `PASS  ${good}`]);
  expect(r.stdout).toContain(`FAIL  ${runaway}\n      replay failed:\n        the replay did not finish within 2 s.\n`);
  expect(r.stdout).toMatch(/\nreplay: 1 passed, 1 failed\n/);
  expect(r.code).toBe(1);
  expect(r.seconds).toBeLessThan(30);
});

test('a history whose last workflow task failed is inconclusive, with the recorded failure, never PASS: exit 1', async () => {
  const r = await testReplay([INCONCLUSIVE]);
  expect(r.stdout).toContain(
    `INCONCLUSIVE  ${INCONCLUSIVE}\n      inconclusive:\n        the last workflow task failed (Unexpected token 'p', "pass" is not valid JSON); replay cannot judge it.\n`,
  );
  expect(r.stdout).not.toMatch(/^PASS/m);
  expect(r.stdout).toMatch(/\nreplay: 0 passed, 0 failed, 1 inconclusive\n/);
  expect(r.code).toBe(1);
});

test('bad files: each named with its problem and what to do, the others still replay; an empty folder is named', async () => {
  const gap = write('gap/gap.json', { events: readJson(good).events.filter((e) => e.eventId !== '7') });
  fs.copyFileSync(path.join(root, good), path.join(tmp, 'gap', 'good.json'));
  const empty = path.join(tmp, 'empty');
  fs.mkdirSync(empty);
  const [r, none] = await Promise.all([testReplay([path.dirname(gap)]), testReplay([empty])]);
  expect(r.stdout).toContain(
    `FAIL  ${gap}\n      not a replayable history:\n        event ids must run 1, 2, 3, … in order; event #7 has id 8. Events are missing, repeated or out of order: save it again with \`pnpm temporal workflow show --output json\`.`,
  );
  expect(r.stdout).toContain(`PASS  ${path.relative(root, path.join(tmp, 'gap', 'good.json'))}`);
  expect(r.code).toBe(1);
  expect(none.stderr.trim()).toBe(
    `No *.json histories under ${empty}. Save one with \`pnpm temporal workflow show --output json\`.`,
  );
  expect(none.code).toBe(1);
});

test('--verbose adds the SDK message under a replay error', async () => {
  // Payloads written with the codec, replayed without its key.
  const json = readJson(good);
  json.events[0]!.workflowExecutionStartedEventAttributes.input.payloads[0].metadata.encoding =
    Buffer.from('binary/encrypted').toString('base64');
  const file = write('encrypted/encrypted.json', json);
  const [plain, verbose] = await Promise.all([testReplay([file]), testReplay([file, '--verbose'])]);
  const explanation = `FAIL  ${file}\n      replay failed:\n        the workflow code failed while replaying: Unknown encoding: binary/encrypted. The history's payloads are encrypted: set BACKGROUNDCHECK_CODEC_KEY to the key they were written with (see packages/codec).\n`;
  expect(plain.stdout).toContain(explanation);
  expect(plain.stdout).not.toContain('SDK:');
  expect(verbose.stdout).toContain(`${explanation}        SDK: Unknown encoding: binary/encrypted\n`);
  expect([plain.code, verbose.code]).toEqual([1, 1]);
});
