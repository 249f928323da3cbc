// The chapter's catalogue of changes, as tests: each change is a workflow variant kept beside the
// tests (src/variants/), replayed against the committed corpus (histories/). The corpus holds both
// sides of the random gate, and every expectation is per side, so no test passes by luck.
import fs from 'node:fs';
import path from 'node:path';
import { bundleVariant, type VariantName } from './variants';
import { replayHistories, type FileResult } from './replay';
import { corpusByBranch } from './test-support';

const { timer, noTimer } = corpusByBranch();

async function replayVariant(name: VariantName): Promise<{ timer: FileResult[]; noTimer: FileResult[] }> {
  const bundle = await bundleVariant(name);
  const results = await replayHistories([...timer, ...noTimer], { workflowBundle: bundle, workflowTypes: ['BackgroundCheck'], processes: 0 });
  return { timer: results.slice(0, timer.length), noTimer: results.slice(timer.length) };
}

function expectAllPass(results: FileResult[]): void {
  expect(results.map((r) => ({ file: path.basename(r.file), ok: r.ok, message: r.message }))).toEqual(results.map((r) => ({ file: path.basename(r.file), ok: true, message: undefined })));
}

function expectAllFail(results: FileResult[]): void {
  for (const r of results) {
    expect({ file: path.basename(r.file), ok: r.ok, kind: r.kind }).toEqual({ file: path.basename(r.file), ok: false, kind: 'nondeterminism' });
    expect(r.explanation).toBeDefined();
  }
}


describe('the corpus', () => {
  test('holds both sides of the random gate, and the current code replays all of it', async () => {
    expect(timer.length).toBeGreaterThan(0);
    expect(noTimer.length).toBeGreaterThan(0);
    const { prebuiltBundle } = await import('@background-check/worker');
    const results = await replayHistories([...timer, ...noTimer], { workflowBundle: await prebuiltBundle(), workflowTypes: ['BackgroundCheck'], processes: 0 });
    expectAllPass(results);
  });
});

describe('non-deterministic changes make the corpus fail, with an explanation', () => {
  test('adding an activity call', async () => {
    const r = await replayVariant('add-activity');
    expectAllFail([...r.timer, ...r.noTimer]);
    for (const x of [...r.timer, ...r.noTimer].map((f) => f.explanation!)) {
      expect(x.kind).toBe('added-activity');
      expect(x.eventType).toBe('WorkflowExecutionCompleted');
      expect(x.history?.description).toBe('completed the workflow');
      expect(x.code?.description).toBe('scheduled activity federalBackgroundCheck');
    }
  });

  test('removing an activity call', async () => {
    const r = await replayVariant('remove-activity');
    expectAllFail([...r.timer, ...r.noTimer]);
    for (const x of [...r.timer, ...r.noTimer].map((f) => f.explanation!)) {
      expect(x.kind).toBe('removed-activity');
      expect(x.eventType).toBe('ActivityTaskScheduled');
      expect(x.history?.description).toBe('scheduled activity ssnTrace');
      expect(x.code?.description).toBe('completed the workflow (returned)');
    }
  });

  test('switching the activity type', async () => {
    const r = await replayVariant('switch-activity-type');
    expectAllFail([...r.timer, ...r.noTimer]);
    for (const x of [...r.timer, ...r.noTimer].map((f) => f.explanation!)) {
      expect(x.kind).toBe('changed-activity-type');
      expect(x.alternatives).toEqual([]); // checked by replaying the history with the type changed
      expect(x.history?.description).toBe('scheduled activity ssnTrace');
      expect(x.code?.description).toBe('scheduled activity ssnTraceV2');
    }
  });

  test('adding a timer', async () => {
    const r = await replayVariant('add-timer');
    expectAllFail([...r.timer, ...r.noTimer]);
    for (const f of [...r.timer, ...r.noTimer]) {
      const x = f.explanation!;
      expect(x.kind).toBe('added-timer');
      expect(x.history?.description).toBe('scheduled activity ssnTrace');
      expect(x.code?.description).toBe('started a 1 s timer');
    }
    // Where the timer branch's 60 s timer fired, the code then starts its new one: event 10, not 5.
    for (const f of r.timer) expect(f.explanation!.eventId).toBeGreaterThan(5);
    for (const f of r.noTimer) expect(f.explanation!.eventId).toBe(5);
  });

  test('removing the timer: histories that slept fail, the others still replay', async () => {
    const r = await replayVariant('v0-before-sleep');
    expectAllFail(r.timer);
    for (const x of r.timer.map((f) => f.explanation!)) {
      expect(x.kind).toBe('removed-timer');
      expect(x.alternatives).toEqual([]); // checked: the history with the timer taken out replays
      expect(x.eventType).toBe('TimerStarted');
      expect(x.history?.description).toBe('started a 60 s timer');
      expect(x.code?.description).toBe('scheduled activity ssnTrace');
    }
    expectAllPass(r.noTimer);
  });

  test('reordering the activity and the timer: histories that slept fail, the others still replay', async () => {
    const r = await replayVariant('reorder-activity-and-timer');
    expectAllFail(r.timer);
    for (const x of r.timer.map((f) => f.explanation!)) {
      expect(x.kind).toBe('reordered-activity-and-timer');
      expect(x.alternatives).toEqual([]); // checked: without the timer in the history, the code starts it later
      expect(x.history?.description).toBe('started a 60 s timer');
      expect(x.code?.description).toBe('scheduled activity ssnTrace');
    }
    expectAllPass(r.noTimer);
  });
});

describe('safe changes replay the whole corpus', () => {
  test('logging statements added, changed and removed', async () => {
    const r = await replayVariant('change-logging');
    expectAllPass([...r.timer, ...r.noTimer]);
  });

  test('other ActivityOptions (timeouts, retry policy)', async () => {
    const r = await replayVariant('change-activity-options');
    expectAllPass([...r.timer, ...r.noTimer]);
  });

  test('new code inside the activity: it never enters the workflow bundle', async () => {
    const r = await replayVariant('change-activity-code');
    expectAllPass([...r.timer, ...r.noTimer]);
    const { code } = await bundleVariant('change-activity-code');
    const activitySource = fs.readFileSync(path.join(__dirname, 'variants', 'change-activity-code.activities.ts'), 'utf8');
    expect(activitySource).toContain('CHANGED-ACTIVITY-CODE');
    expect(code).not.toContain('CHANGED-ACTIVITY-CODE');
  });
});
