// The upgrade story (README: "Changing the workflow safely"): histories recorded from the dev server
// before the sleep was added (fixtures/v0), with patched() (fixtures/v1-patched) and with
// deprecatePatch() (fixtures/v2-deprecated), replayed against each version of the code.
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { prebuiltBundle } from '@background-check/worker';
import { probeDraws } from './probe';
import { replayHistories, type FileResult } from './replay';
import { corpusFiles, FIXTURES } from './test-support';
import { listHistoryFiles } from './validate';
import { bundleVariant, type VariantName } from './variants';

const v0 = listHistoryFiles(path.join(FIXTURES, 'v0'));
const v1 = listHistoryFiles(path.join(FIXTURES, 'v1-patched'));
const v2 = listHistoryFiles(path.join(FIXTURES, 'v2-deprecated'));

async function replay(code: VariantName | 'current', files: string[]): Promise<Map<string, FileResult>> {
  const workflowBundle = code === 'current' ? await prebuiltBundle() : await bundleVariant(code);
  const results = await replayHistories(files, { workflowBundle, workflowTypes: ['BackgroundCheck'], processes: 0 });
  return new Map(results.map((r) => [r.file, r]));
}

function outcomes(results: Map<string, FileResult>): Record<string, boolean> {
  return Object.fromEntries([...results].map(([file, r]) => [path.basename(file), r.ok]));
}

/** Version-0 histories split by the number the current code draws for them (its random gate). */
let v0Sleeps: string[];
let v0Skips: string[];

beforeAll(async () => {
  const draws = await probeDraws(
    await bundleVariant('draw-probe'),
    v0.map((f) => ({ workflowId: f, history: historyFromJSON(JSON.parse(fs.readFileSync(f, 'utf8'))) })),
  );
  v0Sleeps = v0.filter((f) => draws.get(f)!.randomNumber < 50);
  v0Skips = v0.filter((f) => draws.get(f)!.randomNumber >= 50);
});

test('the fixtures hold version-0 histories on both sides of the current gate, and v1/v2 histories of both branches', () => {
  expect(v0Sleeps.length).toBeGreaterThan(0);
  expect(v0Skips.length).toBeGreaterThan(0);
  for (const dir of [v1, v2]) {
    const timers = dir.filter((f) => fs.readFileSync(f, 'utf8').includes('TIMER_STARTED'));
    expect(timers.length).toBeGreaterThan(0);
    expect(timers.length).toBeLessThan(dir.length);
  }
});

test("the chapter's failing test: the code with the sleep fails version-0 histories whose draw goes to the timer", async () => {
  const results = await replay('current', v0);
  expect(outcomes(results)).toEqual(Object.fromEntries(v0.map((f) => [path.basename(f), v0Skips.includes(f)])));
  for (const file of v0Sleeps) {
    const x = results.get(file)!.explanation!;
    expect(x.kind).toBe('added-timer');
    expect(x.eventId).toBe(5);
    expect(x.history?.description).toBe('scheduled activity ssnTrace');
    expect(x.code?.description).toBe('started a 60 s timer');
  }
});

test('step 1, patched(): the versioned workflow replays version-0 histories and its own, both branches', async () => {
  const results = await replay('v1-patched', [...v0, ...v1]);
  expect(outcomes(results)).toEqual(Object.fromEntries([...v0, ...v1].map((f) => [path.basename(f), true])));
});

test('step 2, deprecatePatch(): replays patched histories, no longer the version-0 ones that would sleep', async () => {
  const results = await replay('v2-deprecated', [...v0, ...v1, ...v2, ...corpusFiles()]);
  const expected = Object.fromEntries([...v0, ...v1, ...v2, ...corpusFiles()].map((f) => [path.basename(f), !v0Sleeps.includes(f)]));
  expect(outcomes(results)).toEqual(expected);
});

test('step 3, the call removed (the current code): replays deprecatePatch histories, but not patched() ones', async () => {
  const results = await replay('current', [...v1, ...v2]);
  expect(outcomes(results)).toEqual(Object.fromEntries([...v1.map((f) => [path.basename(f), false]), ...v2.map((f) => [path.basename(f), true])]));
  for (const file of v1) {
    const x = results.get(file)!.explanation!;
    expect(x.kind).toBe('removed-patch');
    expect(x.fix).toContain("deprecatePatch('background-check-random-sleep')");
  }
});
