// The chapter's catalogue of changes, as tests: each change is a workflow variant kept beside the tests
// (fixtures/variants/), replayed against the committed corpus (histories/). The corpus holds both sides of
// the random gate, and every expectation is per side, so no test passes by luck.
import fs from 'node:fs';
import path from 'node:path';
import { replayHistories, type ReplayResult } from '../src/replay';
import { bundleVariant, corpusByBranch, inputsOf, variantPath } from './corpus';

const { timer, noTimer } = corpusByBranch();

async function replayVariant(
  name: string,
): Promise<{ timer: ReplayResult[]; noTimer: ReplayResult[]; all: ReplayResult[] }> {
  const workflowBundle = await bundleVariant(name);
  const all = await replayHistories(inputsOf([...timer, ...noTimer]), {
    workflowBundle,
    workflowTypes: ['BackgroundCheck'],
  });
  return { timer: all.slice(0, timer.length), noTimer: all.slice(timer.length), all };
}

const statuses = (results: ReplayResult[]) =>
  results.map((r) => `${r.source}: ${r.status}${r.message ? ` (${r.message})` : ''}`);
const expectAll = (results: ReplayResult[], status: 'pass' | 'fail') =>
  expect(statuses(results)).toEqual(results.map((r) => `${r.source}: ${status}`));
const divergences = (results: ReplayResult[]) => results.map((r) => r.divergence!);

describe('non-deterministic changes make the corpus fail, with an explanation', () => {
  test('adding an activity call', async () => {
    const r = await replayVariant('add-activity');
    expect(r.all.map((x) => x.status)).toEqual(r.all.map(() => 'fail'));
    for (const d of divergences(r.all)) {
      expect(d).toMatchObject({
        change: 'activity-added',
        eventType: 'WorkflowExecutionCompleted',
        history: 'completed the workflow',
      });
      expect(d.code).toBe('scheduled activity federalBackgroundCheck');
    }
  });

  test('removing an activity call', async () => {
    const r = await replayVariant('remove-activity');
    for (const d of divergences(r.all)) {
      expect(d).toMatchObject({ change: 'activity-removed', eventType: 'ActivityTaskScheduled' });
      expect([d.history, d.code]).toEqual(['scheduled activity ssnTrace', 'completed the workflow (returned)']);
    }
  });

  test('switching the activity type (checked by replaying the history with the type changed)', async () => {
    const r = await replayVariant('switch-activity-type');
    for (const d of divergences(r.all)) {
      expect(d.change).toBe('activity-type-switched');
      expect([d.history, d.code]).toEqual(['scheduled activity ssnTrace', 'scheduled activity ssnTraceV2']);
    }
  });

  test('adding a timer: where the 60 s timer fired, the code then starts its new one', async () => {
    const r = await replayVariant('add-timer');
    for (const d of divergences(r.all)) {
      expect(d.change).toBe('timer-added');
      expect([d.history, d.code]).toEqual(['scheduled activity ssnTrace', 'started a 1 s timer']);
    }
    for (const d of divergences(r.timer)) expect(d.eventId).toBeGreaterThan(5);
    for (const d of divergences(r.noTimer)) expect(d.eventId).toBe(5);
  });

  test('removing the timer: histories that slept fail (checked: without the timer they replay), the others pass', async () => {
    const r = await replayVariant('v0-before-sleep');
    for (const d of divergences(r.timer)) {
      expect(d).toMatchObject({ change: 'timer-removed', eventType: 'TimerStarted', history: 'started a 60 s timer' });
      expect(d.code).toBe('scheduled activity ssnTrace');
    }
    expectAll(r.noTimer, 'pass');
  });

  test('reordering the activity and the timer: told apart from a removal by replaying without the timer', async () => {
    const r = await replayVariant('reorder-activity-and-timer');
    for (const d of divergences(r.timer)) {
      expect(d.change).toBe('reordered');
      expect([d.history, d.code]).toEqual(['started a 60 s timer', 'scheduled activity ssnTrace']);
    }
    expectAll(r.noTimer, 'pass');
  });

  test('adding a child workflow', async () => {
    const r = await replayVariant('add-child-workflow');
    for (const d of divergences(r.all)) {
      expect(d).toMatchObject({ change: 'child-workflow-added', history: 'scheduled activity ssnTrace' });
      expect(d.code).toBe('started child workflow CreditCheck');
      expect(d.summary).toBe('a child workflow was added');
    }
    // Core dumps the whole event for child workflows: the SDK line is cut to one readable line.
    expect(r.all[0]!.sdkMessage).not.toContain('\n');
  });

  test('adding a local activity: the code line says it is local', async () => {
    const r = await replayVariant('add-local-activity');
    for (const d of divergences(r.all)) {
      expect(d).toMatchObject({ change: 'local-activity-added', summary: 'a local activity was added' });
      expect(d.code).toBe('scheduled local activity ssnTrace');
    }
  });
});

describe('safe changes replay the whole corpus', () => {
  test.each(['change-logging', 'change-activity-options', 'change-activity-code'] as const)('%s', async (name) => {
    expectAll((await replayVariant(name)).all, 'pass');
  });

  test('new code inside the activity never enters the workflow bundle', async () => {
    const { code } = await bundleVariant('change-activity-code');
    const activity = path.join(path.dirname(variantPath('change-activity-code')), 'change-activity-code.activities.ts');
    expect(fs.readFileSync(activity, 'utf8')).toContain('CHANGED-ACTIVITY-CODE');
    expect(code).not.toContain('CHANGED-ACTIVITY-CODE');
  });
});
