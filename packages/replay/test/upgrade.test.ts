// The upgrade story: histories recorded from a dev server before the sleep was added (fixtures/v0),
// with patched() (fixtures/v1-patched) and with deprecatePatch() (fixtures/v2-deprecated), replayed
// against each version of the code.
import path from 'node:path';
import { listHistoryFiles } from '../src/load';
import { replayHistories, type ReplayResult } from '../src/replay';
import { FIXTURES, bundleVariant, corpusFiles, inputsOf, probeDraws, replayBundle, tookTimerBranch } from './corpus';

const [v0, v1, v2] = ['v0', 'v1-patched', 'v2-deprecated'].map((dir) => listHistoryFiles(path.join(FIXTURES, dir)));
const PATCH = 'background-check-random-sleep';

async function replay(code: string, files: string[]): Promise<Map<string, ReplayResult>> {
  const workflowBundle = code === 'current' ? await replayBundle() : await bundleVariant(code);
  const results = await replayHistories(inputsOf(files), { workflowBundle, workflowTypes: ['BackgroundCheck'] });
  return new Map(results.map((r) => [r.source, r]));
}

/** file → status, for every file (named by its base name, as inputsOf does). */
const statuses = (results: Map<string, ReplayResult>) =>
  Object.fromEntries([...results].map(([file, r]) => [file, r.status]));
const expected = (files: string[], status: (file: string) => 'pass' | 'fail') =>
  Object.fromEntries(files.map((f) => [path.basename(f), status(f)]));

/** Version-0 histories split by the number the current code draws for them (its random gate). */
let v0Sleeps: string[];
let v0Skips: string[];

beforeAll(async () => {
  const draws = await probeDraws(v0);
  v0Sleeps = v0.filter((f) => draws.get(f)! < 50);
  v0Skips = v0.filter((f) => draws.get(f)! >= 50);
});

test('the fixtures hold version-0 histories on both sides of the current gate, and v1/v2 histories of both branches', () => {
  expect(v0Sleeps.length).toBeGreaterThan(0);
  expect(v0Skips.length).toBeGreaterThan(0);
  for (const files of [v1, v2]) {
    const slept = files.filter(tookTimerBranch);
    expect(slept.length).toBeGreaterThan(0);
    expect(slept.length).toBeLessThan(files.length);
  }
});

test("the chapter's failing test: the code with the sleep fails exactly the version-0 histories whose draw goes to the timer", async () => {
  const results = await replay('current', v0);
  expect(statuses(results)).toEqual(expected(v0, (f) => (v0Sleeps.includes(f) ? 'fail' : 'pass')));
  for (const file of v0Sleeps) {
    expect(results.get(path.basename(file))!.divergence).toMatchObject({
      change: 'timer-added',
      eventId: 5,
      eventType: 'ActivityTaskScheduled',
      history: 'scheduled activity ssnTrace',
      code: 'started a 60 s timer',
    });
  }
});

test('step 1, patched(): the versioned workflow replays version-0 histories and its own, both branches', async () => {
  const results = await replay('v1-patched', [...v0, ...v1]);
  expect(statuses(results)).toEqual(expected([...v0, ...v1], () => 'pass'));
});

test('step 2, deprecatePatch(): replays patched histories and the corpus, no longer the version-0 ones that would sleep', async () => {
  const files = [...v0, ...v1, ...v2, ...corpusFiles()];
  const results = await replay('v2-deprecated', files);
  expect(statuses(results)).toEqual(expected(files, (f) => (v0Sleeps.includes(f) ? 'fail' : 'pass')));
});

test('step 3, the call removed (the current code): replays deprecatePatch histories, not patched() ones, and says why', async () => {
  const results = await replay('current', [...v1, ...v2]);
  expect(statuses(results)).toEqual({ ...expected(v1, () => 'fail'), ...expected(v2, () => 'pass') });
  for (const file of v1) {
    expect(results.get(path.basename(file))!.divergence).toMatchObject({
      change: 'patch-removed',
      eventId: 5,
      eventType: 'MarkerRecorded',
      history: `recorded patch marker "${PATCH}"`,
      code: `no patched('${PATCH}') call`,
      fix: expect.stringContaining('deprecatePatch(id)'),
    });
  }
});
