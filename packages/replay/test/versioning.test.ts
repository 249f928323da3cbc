// Versioning-aware verdicts: how an execution is versioned is read from its history (the behavior and
// Worker Deployment version on each WorkflowTaskCompleted, or a versioning override); with the build a
// change ships as, executions PINNED to other builds never run it, so they are exempt, not failed.
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { replayHistories, type ReplayResult } from '../src/replay';
import { formatJunit, formatText } from '../src/report';
import { applyVersioning, verdicts, versioningOf } from '../src/versioning';
import { FIXTURES, readJson, replayBundle, withVersioning, type HistoryJson } from './corpus';

const V0 = path.join(FIXTURES, 'v0');
/** A v0 history the current code replays, and one it fails (its draw goes to the new timer). */
const passes = readJson(path.join(V0, 'v0-gate-no-timer-1.json'));
const fails = readJson(path.join(V0, 'v0-gate-timer-1.json'));
const history = (json: HistoryJson) => historyFromJSON(json);
const pinned = { deploymentName: 'backgroundcheck', buildId: 'v1' };

describe('versioningOf', () => {
  test('an unversioned execution', () => {
    expect(versioningOf(history(passes))).toEqual({ behavior: 'none' });
  });

  test('PINNED or AUTO_UPGRADE, and the version, from the completed workflow tasks', () => {
    expect(versioningOf(history(withVersioning(passes, 'PINNED', 'v1')))).toEqual({ behavior: 'PINNED', ...pinned });
    expect(versioningOf(history(withVersioning(passes, 'AUTO_UPGRADE', 'v3')))).toEqual({
      behavior: 'AUTO_UPGRADE',
      deploymentName: 'backgroundcheck',
      buildId: 'v3',
    });
  });

  test('the last completed task wins: an AUTO_UPGRADE execution that moved to a new build', () => {
    const json = withVersioning(passes, 'AUTO_UPGRADE', 'v1');
    const tasks = json.events.filter((e) => e.workflowTaskCompletedEventAttributes);
    expect(tasks.length).toBeGreaterThan(1);
    tasks.at(-1)!.workflowTaskCompletedEventAttributes.deploymentVersion.buildId = 'v2';
    expect(versioningOf(history(json))).toMatchObject({ behavior: 'AUTO_UPGRADE', buildId: 'v2' });
  });

  test('the older fields: the version as "deployment.build" and the deployment name alone', () => {
    const json = structuredClone(passes);
    for (const e of json.events) {
      const task = e.workflowTaskCompletedEventAttributes;
      if (task)
        Object.assign(task, {
          versioningBehavior: 'VERSIONING_BEHAVIOR_PINNED',
          workerDeploymentVersion: 'backgroundcheck.v1.2',
        });
    }
    expect(versioningOf(history(json))).toEqual({
      behavior: 'PINNED',
      deploymentName: 'backgroundcheck',
      buildId: 'v1.2',
    });
  });

  test('a versioning override wins over the tasks; setting one later wins, unsetting it gives the tasks back', () => {
    const json = withVersioning(passes, 'AUTO_UPGRADE', 'v1');
    const started = json.events[0]!.workflowExecutionStartedEventAttributes;
    started.versioningOverride = {
      pinned: {
        behavior: 'PINNED_OVERRIDE_BEHAVIOR_PINNED',
        version: { deploymentName: 'backgroundcheck', buildId: 'v0' },
      },
    };
    expect(versioningOf(history(json))).toEqual({
      behavior: 'PINNED',
      deploymentName: 'backgroundcheck',
      buildId: 'v0',
      override: true,
    });

    const updated = (attributes: object) => ({
      eventId: String(json.events.length + 1),
      eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_OPTIONS_UPDATED',
      workflowExecutionOptionsUpdatedEventAttributes: attributes,
    });
    // Events are checked in order, not by id: append them before the last WorkflowTaskCompleted.
    const lastTask = json.events.map((e) => !!e.workflowTaskCompletedEventAttributes).lastIndexOf(true);
    const moved = structuredClone(json);
    moved.events.splice(lastTask, 0, updated({ versioningOverride: { autoUpgrade: true } }));
    expect(
      versioningOf(historyFromJSON({ events: moved.events.map((e, i) => ({ ...e, eventId: String(i + 1) })) })),
    ).toEqual({
      behavior: 'AUTO_UPGRADE',
      deploymentName: 'backgroundcheck',
      buildId: 'v1',
      override: true,
    });
    const unset = structuredClone(json);
    unset.events.splice(lastTask, 0, updated({ unsetVersioningOverride: true }));
    expect(
      versioningOf(historyFromJSON({ events: unset.events.map((e, i) => ({ ...e, eventId: String(i + 1) })) })),
    ).toEqual({
      behavior: 'AUTO_UPGRADE',
      deploymentName: 'backgroundcheck',
      buildId: 'v1',
    });
  });
});

describe('applyVersioning and verdicts, on real replays of the current code', () => {
  async function replay(histories: Record<string, HistoryJson>, buildId?: string): Promise<ReplayResult[]> {
    const inputs = Object.entries(histories).map(([source, json]) => ({
      source,
      loaded: { history: history(json), workflowType: 'BackgroundCheck' },
    }));
    const results = await replayHistories(inputs, {
      workflowBundle: await replayBundle(),
      workflowTypes: ['BackgroundCheck'],
    });
    applyVersioning(results, buildId);
    return results;
  }
  const brief = (results: ReplayResult[]) => results.map((r) => [r.source, r.status, r.wouldFailIfMoved]);

  test('PINNED to another build: exempt, with whether it would fail if moved; only such failures: safe-while-pinned', async () => {
    const results = await replay(
      { passes: withVersioning(passes, 'PINNED', 'v1'), fails: withVersioning(fails, 'PINNED', 'v1') },
      'v2',
    );
    expect(brief(results)).toEqual([
      ['passes', 'exempt', false],
      ['fails', 'exempt', true],
    ]);
    expect(results[1]!.versioning).toEqual({ behavior: 'PINNED', ...pinned });
    expect(results[1]!.message).toBe(
      'pinned to backgroundcheck:v1, never runs build v2; it WOULD FAIL if moved to it (do not move it with a versioning override).',
    );
    // The divergence is kept: it says what would break if the execution were moved.
    expect(results[1]!.divergence?.change).toBe('timer-added');
    expect(verdicts(results)).toEqual({ BackgroundCheck: 'safe-while-pinned' });
    // The report says why it is exempt, then what would break if it were moved.
    expect(formatText(results)).toContain(
      `EXEMPT  fails\n      exempt:\n        ${results[1]!.message}\n      non-determinism:\n`,
    );
    expect(formatJunit(results)).toContain(`<skipped message="${results[1]!.message}"/>`);
    expect(formatText(results)).toContain(
      'BackgroundCheck: safe-while-pinned (only executions pinned to other builds would fail',
    );
    expect(formatText(results)).toContain('replay: 0 passed, 0 failed, 2 exempt');
  });

  test.each<[string, HistoryJson, string | undefined]>([
    ['AUTO_UPGRADE (moves to the new build)', withVersioning(fails, 'AUTO_UPGRADE', 'v1'), 'v2'],
    ['unversioned', fails, 'v2'],
    ['PINNED to the build being shipped', withVersioning(fails, 'PINNED', 'v2'), 'v2'],
    ['PINNED, with no --build-id to compare', withVersioning(fails, 'PINNED', 'v1'), undefined],
  ])('%s and failing: unsafe', async (_name, json, buildId) => {
    const results = await replay({ passes, fails: json }, buildId);
    expect(brief(results)).toEqual([
      ['passes', 'pass', undefined],
      ['fails', 'fail', undefined],
    ]);
    expect(verdicts(results)).toEqual({ BackgroundCheck: 'unsafe' });
  });

  test('an unsafe execution outweighs pinned ones; everything passing is safe; each workflow type gets its own verdict', () => {
    const result = (
      workflowType: string,
      status: ReplayResult['status'],
      wouldFailIfMoved?: boolean,
    ): ReplayResult => ({ source: 'x', workflowType, status, wouldFailIfMoved });
    expect(verdicts([result('A', 'exempt', true), result('A', 'fail'), result('A', 'pass')])).toEqual({ A: 'unsafe' });
    expect(verdicts([result('A', 'pass'), result('A', 'exempt', false), result('B', 'exempt', true)])).toEqual({
      A: 'safe',
      B: 'safe-while-pinned',
    });
    // Invalid files name no workflow type: they get no verdict (the exit code still fails the run).
    expect(verdicts([{ source: 'bad.json', status: 'invalid', message: 'not valid JSON' }])).toEqual({});
  });
});
