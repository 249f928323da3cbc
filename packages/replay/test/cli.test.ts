// `pnpm test:replay` (the same program as `temporal workflow replay`) as a user runs it (a child process, on
// fixture files only): PASS, FAIL, FIXED or STILL-FAILING per history with the explanation, the exit codes (0 safe;
// 1 unsafe, invalid or still failing; 2 usage), the CLI conventions (help, __complete, -o), --workflow-id with
// files, --workflows, --timeout, --verbose. The CI reports (--output, --out, --shard, --build-id, --jobs) are in
// cli-reports.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@background-check/common';
import { killAllChildren, tempDir } from '@background-check/test-support';
import {
  STUCK_FIXTURE,
  corpusByBranch,
  jsonReport,
  readJson,
  replayBundle,
  testReplay,
  testReplays,
  variantPath,
  verdictLines,
  type HistoryJson,
} from './corpus';

const root = repoRoot();
const V0 = 'packages/replay/test/fixtures/v0';
const STUCK = path.relative(root, STUCK_FIXTURE);
const BUGGY = path.relative(root, variantPath('task-failure'));
const tmp = tempDir('replay-cli');
const good = path.relative(root, corpusByBranch().noTimer[0]!);

/** Writes a history (or any text) under the test's temp folder; returns its path as the report shows it. */
function write(name: string, json: HistoryJson | string): string {
  const file = path.join(tmp, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof json === 'string' ? json : JSON.stringify(json));
  return path.relative(root, file);
}

// Each test runs the CLI as child processes, a few at a time, on a machine that may be busy.
jest.setTimeout(240_000);

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
  expect(r.stdout).toContain('\nBackgroundCheck: safe\n');
  expect(r.stdout).toContain(
    '\nSaved histories hold no workflow id: each was replayed with its file name as the id (--workflow-id sets one).\n',
  );
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
      "        Fix: Keep executions that started on the old code on the old path: `if (patched('my-change')) { new } else { old }`, or ship the change as a new Worker Deployment Version with PINNED workflows (https://docs.temporal.io/worker-versioning).",
      '        SDK: [TMPRL1100] Nondeterminism error: Timer machine does not handle this event: HistoryEvent(id: 5, ActivityTaskScheduled)',
      `FAIL  ${V0}/v0-gate-timer-2.json`,
    ].join('\n'),
  );
  expect(r.stdout).toContain('BackgroundCheck: unsafe (an execution that will run this code would fail');
  expect(r.stdout).toMatch(/\nreplay: 5 passed, 2 failed\n/);
  expect(r.code).toBe(1);
});

test('usage mistakes: exit 2 with what was wrong and the usage, before any replay', async () => {
  const cases: [string[], RegExp][] = [
    [['--bogus'], /^Unknown option '--bogus'\.\n\nUsage: temporal workflow replay /],
    [['--format', 'xml'], /^--output takes text, json or junit, not "xml"\.\n\nUsage: /],
    [['-o', 'xml'], /^--output takes text, json or junit, not "xml"\./],
    [['--shard', '3/2'], /^--shard takes K\/N with 1 <= K <= N \(e\.g\. 2\/4\), not "3\/2"\./],
    [['--shard', 'half'], /^--shard takes K\/N .*not "half"\./],
    [['--jobs', '0'], /^--jobs takes a whole number of at least 1, not "0"\./],
    [['--limit', '5'], /^--limit goes with --server or --query\./],
    [['-r', 'some-run-id'], /^--run-id goes with --workflow-id\./],
    [['--run-id', 'some-run-id', good], /^--run-id goes with --workflow-id\./],
    [['-w', 'x', '-q', "WorkflowId = 'x'"], /^Give one of --workflow-id and --query/],
    [['--deployment-name', 'backgroundcheck'], /^--deployment-name goes with --build-id\./],
    [['--workflows', 'no/such/workflows.ts'], /^--workflows: .*no\/such\/workflows\.ts does not exist\./],
    [
      ['no/such/folder'],
      new RegExp(
        `^${path.join(root, 'no/such/folder')} does not exist\\. Name a history JSON file or a folder of them\\.`,
      ),
    ],
  ];
  const runs = await testReplays(cases.map(([args]) => args));
  runs.forEach((r, i) => {
    expect({ args: cases[i]![0], code: r.code, stdout: r.stdout }).toEqual({ args: cases[i]![0], code: 2, stdout: '' });
    expect(r.stderr).toMatch(cases[i]![1]);
    expect(r.stderr).toContain('\n\nUsage: temporal workflow replay');
  });
}, 240_000);

test('--help and `help` (as `temporal help workflow replay` forwards it): the usage with every option, exit 0', async () => {
  const [help, word] = await Promise.all([testReplay(['--help']), testReplay(['help'])]);
  expect(help.stdout).toMatch(/^Usage: temporal workflow replay /);
  for (const option of [
    '--server',
    '--query',
    '--limit',
    '--workflow-id',
    '--run-id',
    '--workflows',
    '--deployment-name',
    '--build-id',
    '--output',
    '--format',
    '--out',
    '--jobs',
    '--shard',
    '--timeout',
    '--verbose',
    '--address',
  ]) {
    expect(help.stdout).toContain(option);
  }
  expect(word.stdout).toBe(help.stdout);
  expect([help.code, word.code]).toEqual([0, 0]);
});

test("__complete (cobra's protocol, as `temporal __complete workflow replay ...` forwards it): the flags that fit, then :4; files otherwise", async () => {
  const [flags, short, file] = await Promise.all([
    testReplay(['__complete', '--wor']),
    testReplay(['__complete', 'histories', '-']),
    testReplay(['__complete', 'histories', '']),
  ]);
  expect(flags.stdout.trim().split('\n')).toEqual(['--workflow-id', '--workflows', ':4']);
  expect(short.stdout.trim().split('\n')).toEqual(expect.arrayContaining(['-w', '-r', '-q', '-o', '-v', ':4']));
  expect(short.stdout.trim().split('\n').at(-1)).toBe(':4');
  expect(file.stdout.trim()).toBe(':0');
  expect([flags.code, short.code, file.code]).toEqual([0, 0, 0]);
});

test('-o json is --format json, byte for byte', async () => {
  const [short, long] = await Promise.all([testReplay([V0, '-o', 'json']), testReplay([V0, '--format', 'json'])]);
  expect(jsonReport(short.stdout).histories.map((h) => h.status)).toEqual(['pass', 'fail', 'fail']);
  expect(short.stdout).toBe(long.stdout);
  expect([short.code, long.code]).toEqual([1, 1]);
});

test("--workflow-id with files: the id their replays see, in the report; without it, each file's base name", async () => {
  const files = [`${V0}/v0-gate-no-timer-1.json`, good];
  const [given, named] = await Promise.all([
    testReplay([...files, '-w', 'bgc-given-id', '-o', 'json']),
    testReplay([...files, '--workflow-id', 'bgc-given-id']),
  ]);
  const byDefault = await testReplay([...files, '-o', 'json']);
  expect(jsonReport(given.stdout).histories.map((h) => [h.source, h.workflowId])).toEqual(
    files.map((f) => [f, 'bgc-given-id']),
  );
  expect(jsonReport(byDefault.stdout).histories.map((h) => [h.source, h.workflowId])).toEqual(
    files.map((f) => [f, path.basename(f, '.json')]),
  );
  expect(named.stdout).toContain('\nSaved histories replayed with workflow id "bgc-given-id".\n');
  expect([given.code, named.code, byDefault.code]).toEqual([0, 0, 0]);
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

test('a stuck execution (its last workflow task failed) that the current code gets past: FIXED, counted in the verdict, exit 0', async () => {
  const r = await testReplay([STUCK, good]);
  expect(verdictLines(r.stdout)).toEqual([`FIXED  ${STUCK}`, `PASS  ${good}`]);
  expect(r.stdout).toContain(
    `FIXED  ${STUCK}\n      fixed:\n        stuck: its last workflow task failed (Unexpected token 'p', "pass" is not valid JSON); this code gets past it.\n`,
  );
  expect(r.stdout).toContain('\nBackgroundCheck: safe; it unsticks 1 stuck execution\n');
  expect(r.stdout).toMatch(/\nreplay: 2 passed, 0 failed, 1 fixed\n/);
  expect(r.code).toBe(0);
});

test('code that still throws in the failed task (--workflows: the buggy variant): STILL-FAILING with the error it throws now, exit 1', async () => {
  const r = await testReplay([STUCK, '--workflows', BUGGY]);
  expect(verdictLines(r.stdout)).toEqual([`STILL-FAILING  ${STUCK}`]);
  expect(r.stdout).toContain(
    `STILL-FAILING  ${STUCK}\n      still-failing:\n        stuck: its last workflow task failed (Unexpected token 'p', "pass" is not valid JSON); this code still fails it: the code fails the workflow task at the end of the history: SyntaxError: Unexpected token 'p', "pass" is not valid JSON. The execution would be stuck there.\n`,
  );
  expect(r.stdout).toContain('; 1 stuck execution still fails\n');
  expect(r.stdout).toMatch(/\nBackgroundCheck: unsafe \(.*\); 1 stuck execution still fails\n/);
  expect(r.stdout).toMatch(/\nreplay: 0 passed, 1 failed, 1 still failing\n/);
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
    `No *.json histories under ${empty}. Save one with \`temporal workflow show --workflow-id ID --output json\`.`,
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
