// `pnpm test:replay` in CI (a child process, on fixture files only): the JSON and JUnit reports, --out,
// --shard for a CI matrix, --build-id's versioning-aware verdicts with their exit codes, and --jobs (replay workers
// in child processes) giving the same report as one worker.
import fs from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { repoRoot } from '@background-check/common';
import { killAllChildren, tempDir } from '@background-check/test-support';
import { listHistoryFiles } from '../src/load';
import {
  STUCK_FIXTURE,
  bundleVariant,
  jsonReport,
  readJson,
  replayBundle,
  testReplay,
  variantPath,
  verdictLines,
  withVersioning,
} from './corpus';

const root = repoRoot();
const FIX = 'packages/replay/test/fixtures';
const V0 = `${FIX}/v0`;
const STUCK = path.relative(root, STUCK_FIXTURE);
const BUGGY = path.relative(root, variantPath('task-failure'));
/** The catalogue's non-deterministic changes (see catalogue.test.ts): each fails some of the corpus. */
const FAILING_VARIANTS = [
  'add-activity',
  'remove-activity',
  'switch-activity-type',
  'add-timer',
  'v0-before-sleep',
  'reorder-activity-and-timer',
  'add-child-workflow',
  'add-local-activity',
];
const tmp = tempDir('replay-cli-reports');
/** The CLI's name for each file: its path from the repository root. */
const sources = (...targets: string[]) =>
  targets.flatMap((t) => listHistoryFiles(path.join(root, t))).map((f) => path.relative(root, f));
const BAD = path.relative(root, path.join(tmp, 'bad', 'table.json'));
/** A corpus history (it completed). */
const good = () => sources('histories')[0]!;

// Each test runs the CLI as child processes, a few at a time, on a machine that may be busy.
jest.setTimeout(240_000);

beforeAll(async () => {
  fs.mkdirSync(path.join(tmp, 'bad'));
  fs.writeFileSync(
    path.join(root, BAD),
    'Progress:\n  ID  Time  Type\n   1  2026-11-21T18:02:51Z  WorkflowExecutionStarted\n',
  );
  // Built once here: the runs then find them fresh instead of racing to write them.
  await replayBundle();
  for (const name of ['task-failure', ...FAILING_VARIANTS]) await bundleVariant(name);
}, 300_000);
afterAll(async () => {
  await killAllChildren();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('--output json --out FILE: one object per history (its workflow id, status, divergence), the verdicts, the stuck counts, the totals; the text report on the terminal', async () => {
  const r = await testReplay(
    [path.join(root, V0), path.join(root, STUCK), path.join(root, BAD), '--output', 'json', '--out', 'report.json'],
    { cwd: tmp },
  );
  expect(r.code).toBe(1);
  // Paths are shown as the user named them: relative to where they ran the command.
  const shown = (file: string) => path.relative(tmp, path.join(root, file));
  expect(r.stdout).toContain(`FAIL  ${shown(`${V0}/v0-gate-timer-1.json`)}\n      non-determinism:`);
  expect(r.stdout).toContain(`FIXED  ${shown(STUCK)}\n`);
  expect(r.stdout).toContain('Report (json) written to report.json.');
  const report = jsonReport(fs.readFileSync(path.join(tmp, 'report.json'), 'utf8'));
  const unversioned = { behavior: 'UNVERSIONED' };
  expect(report.histories).toEqual([
    {
      source: shown(`${V0}/v0-gate-no-timer-1.json`),
      workflowId: 'v0-gate-no-timer-1',
      workflowType: 'BackgroundCheck',
      status: 'pass',
      versioning: unversioned,
    },
    ...['v0-gate-timer-1', 'v0-gate-timer-2'].map((name) => ({
      source: shown(`${V0}/${name}.json`),
      workflowId: name,
      workflowType: 'BackgroundCheck',
      status: 'fail',
      versioning: unversioned,
      divergence: {
        eventId: 5,
        eventType: 'ActivityTaskScheduled',
        history: 'scheduled activity ssnTrace',
        code: 'started a 60 s timer',
        change: 'timer-added',
        summary: 'a timer (sleep) was added',
        fix: expect.stringContaining("patched('my-change')"),
      },
      sdkMessage:
        '[TMPRL1100] Nondeterminism error: Timer machine does not handle this event: HistoryEvent(id: 5, ActivityTaskScheduled)',
    })),
    {
      source: shown(STUCK),
      workflowId: 'last-task-failed',
      workflowType: 'BackgroundCheck',
      status: 'fixed',
      versioning: unversioned,
      message: `stuck: its last workflow task failed (Unexpected token 'p', "pass" is not valid JSON); this code gets past it.`,
    },
    {
      source: shown(BAD),
      workflowId: 'table',
      status: 'invalid',
      message: expect.stringMatching(/^not valid JSON .*It looks like the CLI's table output: add `--output json`\./),
    },
  ]);
  expect(report.verdicts).toEqual({ BackgroundCheck: 'unsafe' });
  expect(report.stuck).toEqual({ BackgroundCheck: { fixed: 1, stillFailing: 0 } });
  expect(report.summary).toEqual({ passed: 2, failed: 3, exempt: 0, fixed: 1, stillFailing: 0 });
});

test('--output json for a stuck execution the code still fails: status still-failing, with the error; a plain failure counted apart', async () => {
  // The buggy code fails a completed history too: that one is a plain failure, not a stuck execution.
  const r = await testReplay([STUCK, good(), '-o', 'json', '--workflows', BUGGY]);
  const report = jsonReport(r.stdout);
  expect(report.histories.map((h) => [h.source, h.status])).toEqual([
    [STUCK, 'still-failing'],
    [good(), 'fail'],
  ]);
  expect(report.histories[0]!.message).toMatch(
    /^stuck: its last workflow task failed \(.*\); this code still fails it: the code fails the workflow task at the end of the history: SyntaxError: .*not valid JSON/,
  );
  expect(report.verdicts).toEqual({ BackgroundCheck: 'unsafe' });
  expect(report.stuck).toEqual({ BackgroundCheck: { fixed: 0, stillFailing: 1 } });
  expect(report.summary).toEqual({ passed: 0, failed: 2, exempt: 0, fixed: 0, stillFailing: 1 });
  expect(r.code).toBe(1);
});

test('--output junit: a valid JUnit XML document, one testcase per history, the explanation as the failure message', async () => {
  const [r, still] = await Promise.all([
    testReplay([V0, STUCK, BAD, 'histories', '--output', 'junit']),
    testReplay([STUCK, '--format', 'junit', '--workflows', BUGGY]),
  ]);
  expect(r.code).toBe(1);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => name === 'testcase',
  });
  expect(XMLValidator.validate(r.stdout)).toBe(true);
  const doc = parser.parse(r.stdout);
  const corpus = sources('histories');
  const total = String(3 + 2 + corpus.length);
  expect(doc.testsuites).toMatchObject({ name: 'replay', tests: total, failures: '2', errors: '1' });
  expect(doc.testsuites.testsuite).toMatchObject({ tests: total, failures: '2', errors: '1', skipped: '0' });
  const cases = doc.testsuites.testsuite.testcase as Record<string, unknown>[];
  expect(cases.map((c) => c.name)).toEqual([...sources(V0), STUCK, BAD, ...corpus]);
  const byName = new Map(cases.map((c) => [c.name, c]));
  expect(byName.get(`${V0}/v0-gate-timer-1.json`)).toEqual({
    name: `${V0}/v0-gate-timer-1.json`,
    classname: 'replay.BackgroundCheck',
    failure: { message: 'a timer (sleep) was added (event 5)', type: 'timer-added', '#text': expect.any(String) },
  });
  expect((byName.get(`${V0}/v0-gate-timer-1.json`) as { failure: Record<string, string> }).failure['#text']).toContain(
    'Diverged at event 5 (ActivityTaskScheduled):\n    history: scheduled activity ssnTrace\n    code:    started a 60 s timer instead',
  );
  // Fixed: the deploy unsticks it, a pass.
  expect(byName.get(STUCK)).toEqual({ name: STUCK, classname: 'replay.BackgroundCheck' });
  expect(byName.get(BAD)).toMatchObject({
    classname: 'replay.unknown',
    error: { type: 'invalid', message: expect.stringMatching(/^not valid JSON/) },
  });
  for (const file of corpus) expect(byName.get(file)).toEqual({ name: file, classname: 'replay.BackgroundCheck' });

  expect(XMLValidator.validate(still.stdout)).toBe(true);
  const stillDoc = parser.parse(still.stdout);
  expect(stillDoc.testsuites).toMatchObject({ tests: '1', failures: '1', errors: '0' });
  expect(stillDoc.testsuites.testsuite.testcase[0]).toMatchObject({
    name: STUCK,
    failure: {
      type: 'still-failing',
      message: expect.stringMatching(/^stuck: .*this code still fails it: .*SyntaxError/),
    },
  });
  expect(still.code).toBe(1);
});

test('--shard K/N: the N shards together replay every history exactly once, each naming its own', async () => {
  const targets = ['histories', V0, `${FIX}/v1-patched`, `${FIX}/v2-deprecated`, `${FIX}/sources`];
  const all = sources(...targets);
  const shards = await Promise.all([1, 2, 3].map((k) => testReplay([...targets, '--shard', `${k}/3`])));
  const named = shards.map((s) => verdictLines(s.stdout).map((l) => l.replace(/^\S+ {2}/, '')));
  expect(named.flat().sort()).toEqual([...all].sort());
  shards.forEach((s, i) =>
    expect(s.stderr).toContain(`Shard ${i + 1}/3: ${named[i]!.length} histories (0 from the server).`),
  );
  expect(named.filter((n) => n.length > 0).length).toBeGreaterThan(1);
});

test('--build-id (with the default deployment, backgroundcheck): executions pinned to another version are exempt, and say whether they would fail if moved', async () => {
  const pinned = ['v0-gate-no-timer-1.json', 'v0-gate-timer-1.json'].map((f) => {
    const file = path.join(tmp, 'pinned', f);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(withVersioning(readJson(path.join(root, V0, f)), 'PINNED', 'v1')));
    return path.relative(root, file);
  });
  const [moved, same, otherDeployment] = await Promise.all([
    testReplay([...pinned, '--build-id', 'v2', '--output', 'json']),
    testReplay([...pinned, '--build-id', 'v1']),
    testReplay([...pinned, '--deployment-name', 'elsewhere', '--build-id', 'v1']),
  ]);
  const report = jsonReport(moved.stdout);
  const versioning = { behavior: 'PINNED', version: { deploymentName: 'backgroundcheck', buildId: 'v1' } };
  expect(report.histories).toEqual([
    expect.objectContaining({
      status: 'exempt',
      replayStatus: 'pass',
      versioning,
      message: 'pinned to backgroundcheck:v1, never runs backgroundcheck:v2; it would also replay on it.',
    }),
    expect.objectContaining({
      status: 'exempt',
      replayStatus: 'fail',
      versioning,
      message: expect.stringContaining('it WOULD FAIL if moved to it'),
    }),
  ]);
  expect(report.verdicts).toEqual({ BackgroundCheck: 'safe-while-pinned' });
  expect(report.summary).toEqual({ passed: 0, failed: 0, exempt: 2, fixed: 0, stillFailing: 0 });
  expect(moved.code).toBe(0);
  // Pinned to the version being shipped (the default deployment, build v1): they run this code, so they must replay.
  expect(verdictLines(same.stdout)).toEqual([`PASS  ${pinned[0]}`, `FAIL  ${pinned[1]}`]);
  expect(same.stdout).toContain('BackgroundCheck: unsafe');
  expect(same.code).toBe(1);
  // The same build id in another deployment is another version.
  expect(verdictLines(otherDeployment.stdout)).toEqual(pinned.map((f) => `EXEMPT  ${f}`));
  expect(otherDeployment.stdout).toContain(
    `EXEMPT  ${pinned[0]}\n      exempt:\n        pinned to backgroundcheck:v1, never runs elsewhere:v1; it would also replay on it.\n`,
  );
  expect(otherDeployment.stdout).toContain('BackgroundCheck: safe-while-pinned (');
  expect(otherDeployment.code).toBe(0);
});

/** The same check with one replay worker in this process and with two in child processes. */
async function withJobs(args: string[]) {
  const [one, two] = await Promise.all([
    testReplay([...args, '-o', 'json', '--jobs', '1']),
    testReplay([...args, '-o', 'json', '--jobs', '2']),
  ]);
  return { one, two, report: jsonReport(one.stdout) };
}

test('--jobs 2 gives the report --jobs 1 gives, byte for byte, and the same exit code: the corpus, the version-0 histories, a stuck one', async () => {
  const { one, two, report } = await withJobs(['histories', V0, STUCK]);
  expect(report.histories.map((h) => h.status)).toEqual([
    ...sources('histories').map(() => 'pass'),
    'pass',
    'fail',
    'fail',
    'fixed',
  ]);
  expect(two.stdout).toBe(one.stdout);
  expect([one.code, two.code]).toEqual([1, 1]);
}, 120_000);

test.each(FAILING_VARIANTS)(
  '--jobs 2 gives the report --jobs 1 gives for the %s variant (--workflows), explanations included',
  async (name) => {
    const { one, two, report } = await withJobs([
      'histories',
      V0,
      '--workflows',
      path.relative(root, variantPath(name)),
    ]);
    const failed = report.histories.filter((h) => h.status === 'fail');
    expect(failed.length).toBeGreaterThan(0);
    for (const h of failed) expect(h.divergence?.summary).toBeTruthy();
    expect(two.stdout).toBe(one.stdout);
    expect([one.code, two.code]).toEqual([1, 1]);
  },
  120_000,
);
