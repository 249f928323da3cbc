// `pnpm test:replay` in CI (a child process, on fixture files only): the JSON and JUnit reports, --out,
// --shard for a CI matrix, and --build-id's versioning-aware verdicts with their exit codes.
import fs from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { repoRoot } from '@background-check/common';
import { killAllChildren, tempDir } from '@background-check/test-support';
import { listHistoryFiles } from '../src/load';
import { readJson, replayBundle, testReplay, verdictLines, withVersioning } from './corpus';

const root = repoRoot();
const FIX = 'packages/replay/test/fixtures';
const V0 = `${FIX}/v0`;
const INCONCLUSIVE = `${FIX}/inconclusive/last-task-failed.json`;
const tmp = tempDir('replay-cli-reports');
/** The CLI's name for each file: its path from the repository root. */
const sources = (...targets: string[]) =>
  targets.flatMap((t) => listHistoryFiles(path.join(root, t))).map((f) => path.relative(root, f));
const BAD = path.relative(root, path.join(tmp, 'bad', 'table.json'));

beforeAll(async () => {
  fs.mkdirSync(path.join(tmp, 'bad'));
  fs.writeFileSync(
    path.join(root, BAD),
    'Progress:\n  ID  Time  Type\n   1  2026-11-21T18:02:51Z  WorkflowExecutionStarted\n',
  );
  // Built once here: the runs then find it fresh instead of racing to write it.
  await replayBundle();
}, 120_000);
afterAll(async () => {
  await killAllChildren();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('--format json --out FILE: one object per history, the divergence for failures, the verdicts; the text report on the terminal', async () => {
  const r = await testReplay(
    [
      path.join(root, V0),
      path.join(root, INCONCLUSIVE),
      path.join(root, BAD),
      '--format',
      'json',
      '--out',
      'report.json',
    ],
    { cwd: tmp },
  );
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(`FAIL  ${V0}/v0-gate-timer-1.json\n      non-determinism:`);
  expect(r.stdout).toContain('Report (json) written to report.json.');
  const report = JSON.parse(fs.readFileSync(path.join(tmp, 'report.json'), 'utf8')) as Record<string, unknown>;
  const unversioned = { behavior: 'none' };
  expect(report.histories).toEqual([
    {
      source: `${V0}/v0-gate-no-timer-1.json`,
      workflowType: 'BackgroundCheck',
      status: 'pass',
      versioning: unversioned,
    },
    ...['v0-gate-timer-1.json', 'v0-gate-timer-2.json'].map((f) => ({
      source: `${V0}/${f}`,
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
      source: INCONCLUSIVE,
      workflowType: 'BackgroundCheck',
      status: 'inconclusive',
      versioning: unversioned,
      message: `the last workflow task failed (Unexpected token 'p', "pass" is not valid JSON); replay cannot judge it.`,
    },
    {
      source: BAD,
      status: 'invalid',
      message: expect.stringMatching(/^not valid JSON .*It looks like the CLI's table output: add `--output json`\./),
    },
  ]);
  expect(report.verdicts).toEqual({ BackgroundCheck: 'unsafe' });
  expect(report.summary).toEqual({ passed: 1, failed: 3, exempt: 0, inconclusive: 1 });
});

test('--format junit: a valid JUnit XML document, one testcase per history, the explanation as the failure message', async () => {
  const r = await testReplay([V0, INCONCLUSIVE, BAD, 'histories', '--format', 'junit']);
  expect(r.code).toBe(1);
  expect(XMLValidator.validate(r.stdout)).toBe(true);
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => name === 'testcase',
  }).parse(r.stdout);
  const corpus = sources('histories');
  const total = String(3 + 2 + corpus.length);
  expect(doc.testsuites).toMatchObject({ name: 'replay', tests: total, failures: '2', errors: '2' });
  expect(doc.testsuites.testsuite).toMatchObject({ tests: total, failures: '2', errors: '2', skipped: '0' });
  const cases = doc.testsuites.testsuite.testcase as Record<string, unknown>[];
  expect(cases.map((c) => c.name)).toEqual([...sources(V0), INCONCLUSIVE, BAD, ...corpus]);
  const byName = new Map(cases.map((c) => [c.name, c]));
  expect(byName.get(`${V0}/v0-gate-timer-1.json`)).toEqual({
    name: `${V0}/v0-gate-timer-1.json`,
    classname: 'replay.BackgroundCheck',
    failure: { message: 'a timer (sleep) was added (event 5)', type: 'timer-added', '#text': expect.any(String) },
  });
  expect((byName.get(`${V0}/v0-gate-timer-1.json`) as { failure: Record<string, string> }).failure['#text']).toContain(
    'Diverged at event 5 (ActivityTaskScheduled):\n    history: scheduled activity ssnTrace\n    code:    started a 60 s timer instead',
  );
  expect(byName.get(INCONCLUSIVE)).toMatchObject({
    error: { type: 'inconclusive', message: expect.stringMatching(/^the last workflow task failed/) },
  });
  expect(byName.get(BAD)).toMatchObject({
    classname: 'replay.unknown',
    error: { type: 'invalid', message: expect.stringMatching(/^not valid JSON/) },
  });
  for (const file of corpus) expect(byName.get(file)).toEqual({ name: file, classname: 'replay.BackgroundCheck' });
});

test('--shard K/N: the N shards together replay every history exactly once, each naming its own', async () => {
  const targets = ['histories', V0, `${FIX}/v1-patched`, `${FIX}/v2-deprecated`, `${FIX}/sources`];
  const all = sources(...targets);
  const shards = await Promise.all([1, 2, 3].map((k) => testReplay([...targets, '--shard', `${k}/3`])));
  const named = shards.map((s) => verdictLines(s.stdout).map((l) => l.replace(/^\S+ {2}/, '')));
  expect(named.flat().sort()).toEqual([...all].sort());
  shards.forEach((s, i) =>
    expect(s.stderr).toContain(`Shard ${i + 1}/3: ${named[i]!.length} of ${all.length} histories.`),
  );
  expect(named.filter((n) => n.length > 0).length).toBeGreaterThan(1);
});

test('--build-id: executions pinned to another build are exempt, and the verdict says which would fail if moved', async () => {
  const pinned = ['v0-gate-no-timer-1.json', 'v0-gate-timer-1.json'].map((f) => {
    const file = path.join(tmp, 'pinned', f);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(withVersioning(readJson(path.join(root, V0, f)), 'PINNED', 'v1')));
    return path.relative(root, file);
  });
  const [moved, same] = await Promise.all([
    testReplay([...pinned, '--build-id', 'v2', '--format', 'json']),
    testReplay([...pinned, '--build-id', 'v1']),
  ]);
  const report = JSON.parse(moved!.stdout) as Record<string, unknown>;
  const versioning = { behavior: 'PINNED', deploymentName: 'backgroundcheck', buildId: 'v1' };
  expect(report.histories).toEqual([
    expect.objectContaining({
      status: 'exempt',
      versioning,
      wouldFailIfMoved: false,
      message: 'pinned to backgroundcheck:v1, never runs build v2; it would also replay on it.',
    }),
    expect.objectContaining({
      status: 'exempt',
      versioning,
      wouldFailIfMoved: true,
      message: expect.stringContaining('it WOULD FAIL if moved to it'),
    }),
  ]);
  expect(report.verdicts).toEqual({ BackgroundCheck: 'safe-while-pinned' });
  expect(moved!.code).toBe(0);
  // Pinned to the build being shipped: they run this code, so they must replay.
  expect(verdictLines(same!.stdout)).toEqual([`PASS  ${pinned[0]}`, `FAIL  ${pinned[1]}`]);
  expect(same!.stdout).toContain('BackgroundCheck: unsafe');
  expect(same!.code).toBe(1);
});
