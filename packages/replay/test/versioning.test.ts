// Versioning-aware verdicts: how an execution is versioned is read from its history (the behavior and Worker
// Deployment Version on each WorkflowTaskCompleted, an inherited pinned version, or a versioning override in any form
// the server writes); with the version a change ships as, executions that will not run it next are exempt, not failed.
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { replayHistories, type ReplayResult } from '../src/replay';
import { applyVersioning, stuckCounts, verdicts, versioningOf } from '../src/versioning';
import {
  FIXTURES,
  STUCK_FIXTURE,
  readJson,
  replayBundle,
  withOptionsUpdated,
  withStartFields,
  withTaskFields,
  withVersioning,
  type HistoryJson,
} from './corpus';

const V0 = path.join(FIXTURES, 'v0');
/** A v0 history the current code replays, and one it fails (its draw goes to the new timer). */
const passes = readJson(path.join(V0, 'v0-gate-no-timer-1.json'));
const fails = readJson(path.join(V0, 'v0-gate-timer-1.json'));
const history = (json: HistoryJson) => historyFromJSON(json);
const version = (buildId: string, deploymentName = 'backgroundcheck') => ({ deploymentName, buildId });
const v0 = version('v0');
const v1 = version('v1');
const v2 = version('v2');
/** The history's start, up to its first workflow task in flight: no task has completed yet. */
const beforeFirstTask = (json: HistoryJson) => ({ events: json.events.slice(0, 3) });
const pinnedOverride = (v: object) => ({ pinned: { behavior: 'PINNED_OVERRIDE_BEHAVIOR_PINNED', version: v } });

describe('versioningOf', () => {
  test('an unversioned execution', () => {
    expect(versioningOf(history(passes))).toEqual({ behavior: 'UNVERSIONED' });
  });

  test('PINNED or AUTO_UPGRADE, and the Worker Deployment Version, from the completed workflow tasks', () => {
    expect(versioningOf(history(withVersioning(passes, 'PINNED', 'v1')))).toEqual({ behavior: 'PINNED', version: v1 });
    expect(versioningOf(history(withVersioning(passes, 'AUTO_UPGRADE', 'v3')))).toEqual({
      behavior: 'AUTO_UPGRADE',
      version: version('v3'),
    });
    const otherDeployment = { versioningBehavior: 'VERSIONING_BEHAVIOR_PINNED', deploymentVersion: version('v1', 'x') };
    expect(versioningOf(history(withTaskFields(passes, otherDeployment)))).toEqual({
      behavior: 'PINNED',
      version: version('v1', 'x'),
    });
  });

  test('the last completed task wins: an AUTO_UPGRADE execution that moved to a new build', () => {
    const json = withTaskFields(withVersioning(passes, 'AUTO_UPGRADE', 'v1'), { deploymentVersion: v2 }, -1);
    expect(versioningOf(history(json))).toEqual({ behavior: 'AUTO_UPGRADE', version: v2 });
  });

  // historyFromJSON turns the JSON names into numbers; a history object built by hand may hold the names.
  const byHand = () => {
    const h = history(withTaskFields(passes, { deploymentVersion: v1 }));
    for (const task of h.events!.map((e) => e.workflowTaskCompletedEventAttributes).filter(Boolean))
      Object.assign(task!, { versioningBehavior: 'VERSIONING_BEHAVIOR_PINNED' });
    return h;
  };
  test.each([
    [
      'the JSON name',
      history(withTaskFields(passes, { versioningBehavior: 'VERSIONING_BEHAVIOR_PINNED', deploymentVersion: v1 })),
    ],
    ['a JSON number', history(withTaskFields(passes, { versioningBehavior: 1, deploymentVersion: v1 }))],
    ['the name, in a history built by hand', byHand()],
  ])('the behavior as %s', (_name, h) => {
    expect(versioningOf(h)).toEqual({ behavior: 'PINNED', version: v1 });
  });

  test.each<[string, object, object]>([
    [
      'the deprecated "deployment.buildId" string (build ids may contain dots)',
      { workerDeploymentVersion: 'backgroundcheck.v1.2' },
      version('v1.2'),
    ],
    [
      'that string, with the deployment name beside it as the server writes it',
      { workerDeploymentVersion: 'backgroundcheck.v1', workerDeploymentName: 'backgroundcheck' },
      v1,
    ],
    [
      'the older deployment {seriesName, buildId}',
      { deployment: { seriesName: 'backgroundcheck', buildId: 'v1' } },
      v1,
    ],
  ])('the version from %s', (_name, fields, expected) => {
    const json = withTaskFields(passes, { versioningBehavior: 'VERSIONING_BEHAVIOR_PINNED', ...fields });
    expect(versioningOf(history(json))).toEqual({ behavior: 'PINNED', version: expected });
  });

  test('"__unversioned__" names no version', () => {
    const json = withTaskFields(passes, { workerDeploymentVersion: '__unversioned__' });
    expect(versioningOf(history(json))).toEqual({ behavior: 'UNVERSIONED' });
  });

  // An override at start wins over what the tasks (AUTO_UPGRADE on v1 here) recorded.
  test.each<[string, object, object]>([
    ['pinned', pinnedOverride(v0), { behavior: 'PINNED', version: v0, override: 'pinned' }],
    [
      'pinned, its behavior as a number',
      { pinned: { behavior: 1, version: v0 } },
      { behavior: 'PINNED', version: v0, override: 'pinned' },
    ],
    [
      'the deprecated behavior with pinnedVersion',
      { behavior: 'VERSIONING_BEHAVIOR_PINNED', pinnedVersion: 'backgroundcheck.v0' },
      { behavior: 'PINNED', version: v0, override: 'pinned' },
    ],
    [
      'the deprecated behavior with pinnedVersion "deployment:buildId"',
      { behavior: 1, pinnedVersion: 'backgroundcheck:v0.1' },
      { behavior: 'PINNED', version: version('v0.1'), override: 'pinned' },
    ],
    [
      'the deprecated behavior with deployment',
      { behavior: 1, deployment: { seriesName: 'backgroundcheck', buildId: 'v0' } },
      { behavior: 'PINNED', version: v0, override: 'pinned' },
    ],
    [
      'the deprecated behavior AUTO_UPGRADE',
      { behavior: 'VERSIONING_BEHAVIOR_AUTO_UPGRADE' },
      { behavior: 'AUTO_UPGRADE', version: v1, override: 'auto-upgrade' },
    ],
  ])('a versioning override at start: %s', (_name, versioningOverride, expected) => {
    const json = withStartFields(withVersioning(passes, 'AUTO_UPGRADE', 'v1'), { versioningOverride });
    expect(versioningOf(history(json))).toEqual(expected);
  });

  test('autoUpgrade: a PINNED execution moved to AUTO_UPGRADE keeps the version it last ran on', () => {
    const json = withStartFields(withVersioning(passes, 'PINNED', 'v1'), { versioningOverride: { autoUpgrade: true } });
    expect(versioningOf(history(json))).toEqual({ behavior: 'AUTO_UPGRADE', version: v1, override: 'auto-upgrade' });
  });

  test('an override set later wins; unsetting it gives the tasks back; other option updates leave it', () => {
    const pinnedAtStart = withStartFields(withVersioning(passes, 'AUTO_UPGRADE', 'v1'), {
      versioningOverride: pinnedOverride(v0),
    });
    const later = withOptionsUpdated(pinnedAtStart, { versioningOverride: pinnedOverride(v2) }, -1);
    expect(versioningOf(history(later))).toEqual({ behavior: 'PINNED', version: v2, override: 'pinned' });
    const unset = withOptionsUpdated(pinnedAtStart, { unsetVersioningOverride: true }, -1);
    expect(versioningOf(history(unset))).toEqual({ behavior: 'AUTO_UPGRADE', version: v1 });
    const priority = withOptionsUpdated(pinnedAtStart, { priority: { priorityKey: 2 } }, -1);
    expect(versioningOf(history(priority))).toEqual({ behavior: 'PINNED', version: v0, override: 'pinned' });
  });

  describe('a one-time override: the next workflow task goes to its version until one completes there', () => {
    const pinnedV1 = withVersioning(passes, 'PINNED', 'v1');
    const oneTime = (target: object) => ({ versioningOverride: { oneTime: { targetDeploymentVersion: target } } });

    test('pending: no task has completed since', () => {
      expect(versioningOf(history(withOptionsUpdated(pinnedV1, oneTime(v2))))).toEqual({
        behavior: 'PINNED',
        version: v1,
        override: 'one-time',
        nextTaskOn: v2,
      });
    });

    test('still pending after a task that completed on another version (one already in flight)', () => {
      expect(versioningOf(history(withOptionsUpdated(pinnedV1, oneTime(v2), -1)))).toMatchObject({
        override: 'one-time',
        nextTaskOn: v2,
      });
    });

    test('consumed by the next task that completes on its version: that worker decides again', () => {
      const json = withTaskFields(withOptionsUpdated(pinnedV1, oneTime(v2), -1), { deploymentVersion: v2 }, -1);
      expect(versioningOf(history(json))).toEqual({ behavior: 'PINNED', version: v2 });
      const autoUpgrade = withTaskFields(json, { versioningBehavior: 'VERSIONING_BEHAVIOR_AUTO_UPGRADE' }, -1);
      expect(versioningOf(history(autoUpgrade))).toEqual({ behavior: 'AUTO_UPGRADE', version: v2 });
    });
  });

  test("a child or continue-as-new run is PINNED to its parent's version until its own tasks say otherwise", () => {
    const inherited = withStartFields(passes, { inheritedPinnedVersion: v1 });
    expect(versioningOf(history(beforeFirstTask(inherited)))).toEqual({ behavior: 'PINNED', version: v1 });
    const deprecated = withStartFields(passes, { parentPinnedWorkerDeploymentVersion: 'backgroundcheck.v1' });
    expect(versioningOf(history(beforeFirstTask(deprecated)))).toEqual({ behavior: 'PINNED', version: v1 });
    const movedOn = withTaskFields(inherited, {
      versioningBehavior: 'VERSIONING_BEHAVIOR_AUTO_UPGRADE',
      deploymentVersion: v1,
    });
    expect(versioningOf(history(movedOn))).toEqual({ behavior: 'AUTO_UPGRADE', version: v1 });
  });
});

/** A result as replayHistories gives it, its status given. */
const result = (json: HistoryJson, status: ReplayResult['status'], workflowType = 'BackgroundCheck'): ReplayResult => ({
  source: 'x',
  workflowId: 'x',
  workflowType,
  status,
  history: history(json),
});

describe('applyVersioning, on real replays of the current code (shipping backgroundcheck:v2)', () => {
  const oneTimeTo = (v: object) => ({ versioningOverride: { oneTime: { targetDeploymentVersion: v } } });
  // Ways an execution may be versioned, each applied to a passing and a failing v0 history (none changes the replay).
  const ways: Record<string, (json: HistoryJson) => HistoryJson> = {
    unversioned: (json) => json,
    'PINNED to backgroundcheck:v1': (json) => withVersioning(json, 'PINNED', 'v1'),
    'PINNED to other:v2 (the same build id in another deployment)': (json) =>
      withTaskFields(json, {
        versioningBehavior: 'VERSIONING_BEHAVIOR_PINNED',
        deploymentVersion: version('v2', 'other'),
      }),
    'PINNED to backgroundcheck:v2': (json) => withVersioning(json, 'PINNED', 'v2'),
    'AUTO_UPGRADE on v1': (json) => withVersioning(json, 'AUTO_UPGRADE', 'v1'),
    'PINNED to v1, an autoUpgrade override': (json) =>
      withStartFields(withVersioning(json, 'PINNED', 'v1'), { versioningOverride: { autoUpgrade: true } }),
    'a pinned override to v1': (json) => withStartFields(json, { versioningOverride: pinnedOverride(v1) }),
    'PINNED to v1, a pinned override to v2': (json) =>
      withStartFields(withVersioning(json, 'PINNED', 'v1'), { versioningOverride: pinnedOverride(v2) }),
    'a deprecated pinned override to v1 (pinnedVersion)': (json) =>
      withStartFields(json, { versioningOverride: { behavior: 1, pinnedVersion: 'backgroundcheck.v1' } }),
    'a deprecated pinned override to v1 (deployment)': (json) =>
      withStartFields(json, {
        versioningOverride: { behavior: 1, deployment: { seriesName: 'backgroundcheck', buildId: 'v1' } },
      }),
    'a one-time override to v1, pending': (json) => withStartFields(json, oneTimeTo(v1)),
    'PINNED to v1, a one-time override to v2, pending': (json) =>
      withStartFields(withVersioning(json, 'PINNED', 'v1'), oneTimeTo(v2)),
  };
  const results = new Map<string, ReplayResult>();
  const brief = (way: string) =>
    (['passes', 'fails'] as const).map((f) => {
      const r = results.get(`${way}/${f}`)!;
      return [r.status, r.replayStatus];
    });

  beforeAll(async () => {
    const inputs = Object.entries(ways).flatMap(([way, edit]) =>
      Object.entries({ passes, fails }).map(([f, json]) => ({
        source: `${way}/${f}`,
        workflowId: `${way}/${f}`,
        loaded: { history: history(edit(json)), workflowType: 'BackgroundCheck' },
      })),
    );
    const replayed = await replayHistories(inputs, {
      workflowBundle: await replayBundle(),
      workflowTypes: ['BackgroundCheck'],
    });
    applyVersioning(replayed, v2);
    for (const r of replayed) results.set(r.source, r);
  });

  test.each([
    'PINNED to backgroundcheck:v1',
    'PINNED to other:v2 (the same build id in another deployment)',
    'a pinned override to v1',
    'a deprecated pinned override to v1 (pinnedVersion)',
    'a deprecated pinned override to v1 (deployment)',
    'a one-time override to v1, pending',
  ])('%s: exempt, what its replay said kept', (way) => {
    expect(brief(way)).toEqual([
      ['exempt', 'pass'],
      ['exempt', 'fail'],
    ]);
  });

  test.each([
    'unversioned',
    'PINNED to backgroundcheck:v2',
    'AUTO_UPGRADE on v1',
    'PINNED to v1, an autoUpgrade override',
    'PINNED to v1, a pinned override to v2',
    'PINNED to v1, a one-time override to v2, pending',
  ])('%s: judged', (way) => {
    expect(brief(way)).toEqual([
      ['pass', undefined],
      ['fail', undefined],
    ]);
  });

  test('the message names both versions, and whether it would fail if moved; the divergence is kept', () => {
    const pinned = results.get('PINNED to backgroundcheck:v1/fails')!;
    expect(pinned.versioning).toEqual({ behavior: 'PINNED', version: v1 });
    expect(pinned.message).toBe(
      'pinned to backgroundcheck:v1, never runs backgroundcheck:v2; it WOULD FAIL if moved to it (do not move it with a versioning override).',
    );
    expect(pinned.divergence?.change).toBe('timer-added');
    expect(results.get('PINNED to other:v2 (the same build id in another deployment)/passes')!.message).toBe(
      'pinned to other:v2, never runs backgroundcheck:v2; it would also replay on it.',
    );
    expect(results.get('a one-time override to v1, pending/fails')!.message).toBe(
      'a one-time versioning override sends its next workflow task to backgroundcheck:v1, not backgroundcheck:v2; it WOULD FAIL if moved to it (do not move it with a versioning override).',
    );
    expect(results.get('unversioned/fails')!.versioning).toEqual({ behavior: 'UNVERSIONED' });
  });

  test('only exempt executions fail: safe-while-pinned; a judged one fails: unsafe', () => {
    const of = (...keys: string[]) => keys.map((k) => results.get(k)!);
    expect(verdicts(of('PINNED to backgroundcheck:v1/passes', 'PINNED to backgroundcheck:v1/fails'))).toEqual({
      BackgroundCheck: 'safe-while-pinned',
    });
    expect(verdicts(of('PINNED to backgroundcheck:v1/fails', 'AUTO_UPGRADE on v1/fails'))).toEqual({
      BackgroundCheck: 'unsafe',
    });
  });
});

describe('applyVersioning, whatever the replay said', () => {
  const pinnedV1 = withVersioning(passes, 'PINNED', 'v1');

  test('a real stuck execution pinned to another version, which the current code gets past (fixed): exempt', async () => {
    const stuck = withVersioning(readJson(STUCK_FIXTURE), 'PINNED', 'v1');
    const input = {
      source: 'stuck',
      workflowId: 'stuck',
      loaded: { history: history(stuck), workflowType: 'BackgroundCheck' },
    };
    const [r] = await replayHistories([input], {
      workflowBundle: await replayBundle(),
      workflowTypes: ['BackgroundCheck'],
    });
    applyVersioning([r!], v2);
    expect(r).toMatchObject({
      status: 'exempt',
      replayStatus: 'fixed',
      versioning: { behavior: 'PINNED', version: v1 },
    });
  });

  test.each<[ReplayResult['status'], string]>([
    ['pass', 'it would also replay on it.'],
    ['fail', 'it WOULD FAIL if moved to it (do not move it with a versioning override).'],
    [
      'fixed',
      'it is stuck, and this code gets past its failing task: moving it there with a versioning override would unstick it.',
    ],
    ['still-failing', 'it is stuck, and would still fail there.'],
  ])('PINNED to another version and %s: exempt', (status, moved) => {
    const r = result(pinnedV1, status);
    applyVersioning([r], v2);
    expect(r).toMatchObject({ status: 'exempt', replayStatus: status });
    expect(r.message).toBe(`pinned to backgroundcheck:v1, never runs backgroundcheck:v2; ${moved}`);
  });

  test('without a target version nothing is exempt, but each result with a history gets its versioning', () => {
    const r = result(pinnedV1, 'still-failing');
    applyVersioning([r]);
    expect(r).toMatchObject({ status: 'still-failing', versioning: { behavior: 'PINNED', version: v1 } });
    expect(r.replayStatus).toBeUndefined();
  });

  test('an invalid result is never exempt', () => {
    const invalid = { ...result(pinnedV1, 'invalid'), message: 'not a replayable history' };
    const noHistory: ReplayResult = { source: 'bad.json', workflowId: 'bad', status: 'invalid' };
    applyVersioning([invalid, noHistory], v2);
    expect(invalid).toMatchObject({ status: 'invalid', message: 'not a replayable history' });
    expect(noHistory).toEqual({ source: 'bad.json', workflowId: 'bad', status: 'invalid' });
  });
});

describe('verdicts and stuckCounts', () => {
  const pinnedV1 = withVersioning(passes, 'PINNED', 'v1');
  /** The results with versioning applied for v2 (those pinned to v1 become exempt). */
  const applied = (...rs: ReplayResult[]) => (applyVersioning(rs, v2), rs);

  test('a judged execution that fails, or is stuck and still fails, is unsafe; it outweighs exempt ones', () => {
    expect(verdicts(applied(result(passes, 'pass'), result(passes, 'fail'), result(pinnedV1, 'fail')))).toEqual({
      BackgroundCheck: 'unsafe',
    });
    expect(verdicts(applied(result(passes, 'fixed'), result(passes, 'still-failing')))).toEqual({
      BackgroundCheck: 'unsafe',
    });
  });

  test('only exempt executions that would fail or still fail: safe-while-pinned; each type its own verdict', () => {
    const rs = applied(
      result(passes, 'pass', 'A'),
      result(pinnedV1, 'still-failing', 'A'),
      result(passes, 'fixed', 'B'),
      result(pinnedV1, 'pass', 'B'),
      result(pinnedV1, 'fixed', 'B'),
      result(pinnedV1, 'fail', 'C'),
    );
    expect(verdicts(rs)).toEqual({ A: 'safe-while-pinned', B: 'safe', C: 'safe-while-pinned' });
    // Invalid files name no workflow type: they get no verdict (the exit code still fails the run).
    expect(verdicts([{ source: 'bad.json', workflowId: 'bad', status: 'invalid' }])).toEqual({});
  });

  test('stuck executions that will run the change: how many it unsticks, how many still fail', () => {
    const rs = applied(
      result(passes, 'fixed', 'A'),
      result(passes, 'fixed', 'A'),
      result(passes, 'still-failing', 'A'),
      result(pinnedV1, 'still-failing', 'A'), // exempt: it never runs the change
      result(pinnedV1, 'fixed', 'A'),
      result(passes, 'pass', 'A'),
      result(passes, 'still-failing', 'B'),
      result(passes, 'fail', 'C'),
    );
    expect(stuckCounts(rs)).toEqual({ A: { fixed: 2, stillFailing: 1 }, B: { fixed: 0, stillFailing: 1 } });
  });
});
