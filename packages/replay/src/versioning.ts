import type { WorkerDeploymentVersion } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import type { ReplayResult } from './replay';

export type { WorkerDeploymentVersion }; // { deploymentName, buildId }: the SDK's type

/** How an execution is versioned, read from its history (the JSON report's `versioning`). */
export interface Versioning {
  /** PINNED stays on `version`; AUTO_UPGRADE moves to the current version; UNVERSIONED runs on unversioned workers. */
  behavior: 'PINNED' | 'AUTO_UPGRADE' | 'UNVERSIONED';
  /** PINNED: the version it is pinned to; otherwise the version its last workflow task completed on. */
  version?: WorkerDeploymentVersion;
  /** A versioning override in force (it wins over what the workers recorded). */
  override?: 'pinned' | 'auto-upgrade' | 'one-time';
  /** A pending one-time override: the version its next workflow task goes to. */
  nextTaskOn?: WorkerDeploymentVersion;
}

type ProtoVersion = { deploymentName?: string | null; buildId?: string | null } | null | undefined;
type Override = temporal.api.workflow.v1.IVersioningOverride | null | undefined;
const { VersioningBehavior } = temporal.api.enums.v1;
const { PinnedOverrideBehavior } = temporal.api.workflow.v1.VersioningOverride;

/**
 * An enum value's proto name, e.g. 'VERSIONING_BEHAVIOR_PINNED': historyFromJSON gives numbers, while a history
 * object built by hand may hold the name itself.
 */
const enumName = (protoEnum: Record<number, string>, value: number | string | null | undefined) =>
  typeof value === 'string' ? value : value == null ? undefined : protoEnum[value];

const BEHAVIORS: Record<string, Versioning['behavior']> = {
  VERSIONING_BEHAVIOR_PINNED: 'PINNED',
  VERSIONING_BEHAVIOR_AUTO_UPGRADE: 'AUTO_UPGRADE',
};
const behaviorOf = (value: number | string | null | undefined) =>
  BEHAVIORS[enumName(VersioningBehavior, value) ?? ''] ?? 'UNVERSIONED';

/** A version with both names, or none. */
const versionOf = (v: ProtoVersion): WorkerDeploymentVersion | undefined =>
  v?.deploymentName && v.buildId ? { deploymentName: v.deploymentName, buildId: v.buildId } : undefined;

/** The deprecated Deployment {seriesName, buildId}. */
const fromDeployment = (d: { seriesName?: string | null; buildId?: string | null } | null | undefined) =>
  versionOf({ deploymentName: d?.seriesName, buildId: d?.buildId });

/**
 * The deprecated string form "deployment.buildId" (or "deployment:buildId", which the server accepts too): deployment
 * names hold neither delimiter, build ids may. The server's "__unversioned__" holds none: no version.
 */
function parseVersion(s: string | null | undefined): WorkerDeploymentVersion | undefined {
  const at = s?.search(/[.:]/) ?? -1;
  return at > 0 ? versionOf({ deploymentName: s!.slice(0, at), buildId: s!.slice(at + 1) }) : undefined;
}

export const versionName = (v: WorkerDeploymentVersion) => `${v.deploymentName}:${v.buildId}`;
const sameVersion = (a?: WorkerDeploymentVersion, b?: WorkerDeploymentVersion) =>
  !!a && !!b && a.deploymentName === b.deploymentName && a.buildId === b.buildId;

/** Every form of versioning override the server writes: pinned, autoUpgrade, oneTime, and the deprecated behavior. */
function overrideOf(o: Override): Pick<Versioning, 'override' | 'version'> | undefined {
  if (enumName(PinnedOverrideBehavior, o?.pinned?.behavior) === 'PINNED_OVERRIDE_BEHAVIOR_PINNED')
    return { override: 'pinned', version: versionOf(o?.pinned?.version) };
  if (o?.autoUpgrade) return { override: 'auto-upgrade' };
  if (o?.oneTime) return { override: 'one-time', version: versionOf(o.oneTime.targetDeploymentVersion) };
  const behavior = behaviorOf(o?.behavior);
  if (behavior === 'AUTO_UPGRADE') return { override: 'auto-upgrade' };
  if (behavior === 'PINNED') {
    return { override: 'pinned', version: parseVersion(o?.pinnedVersion) ?? fromDeployment(o?.deployment) };
  }
}

/**
 * How an execution is versioned, from its history. Each WorkflowTaskCompleted records the behavior and the version
 * the task completed on (the last one counts); a run started with an inherited pinned version is PINNED to it until
 * its own tasks say otherwise. A versioning override, set at start or later, wins, except a one-time override: it
 * sends the next workflow task to its version, and the first task that completes there consumes it.
 */
export function versioningOf(history: History): Versioning {
  let base: Versioning = { behavior: 'UNVERSIONED' };
  let override: Pick<Versioning, 'override' | 'version'> | undefined;
  for (const e of history.events ?? []) {
    const started = e.workflowExecutionStartedEventAttributes;
    const updated = e.workflowExecutionOptionsUpdatedEventAttributes;
    const task = e.workflowTaskCompletedEventAttributes;
    if (started) {
      const inherited =
        versionOf(started.inheritedPinnedVersion) ?? parseVersion(started.parentPinnedWorkerDeploymentVersion);
      if (inherited) base = { behavior: 'PINNED', version: inherited };
      override = overrideOf(started.versioningOverride);
    }
    if (updated?.unsetVersioningOverride) override = undefined;
    else if (updated?.versioningOverride) override = overrideOf(updated.versioningOverride);
    if (task) {
      const version =
        versionOf(task.deploymentVersion) ??
        parseVersion(task.workerDeploymentVersion) ??
        fromDeployment(task.deployment);
      base = { behavior: behaviorOf(task.versioningBehavior), version };
      if (override?.override === 'one-time' && sameVersion(override.version, version)) override = undefined;
    }
  }
  if (override?.override === 'pinned')
    return { behavior: 'PINNED', version: override.version ?? base.version, override: 'pinned' };
  if (override?.override === 'auto-upgrade') return { ...base, behavior: 'AUTO_UPGRADE', override: 'auto-upgrade' };
  if (override?.override === 'one-time') return { ...base, override: 'one-time', nextTaskOn: override.version };
  return base;
}

/** What a replay of an exempt execution says about moving it to the new version (with a versioning override). */
const IF_MOVED = {
  pass: 'it would also replay on it.',
  fail: 'it WOULD FAIL if moved to it (do not move it with a versioning override).',
  fixed:
    'it is stuck, and this code gets past its failing task: moving it there with a versioning override would unstick it.',
  'still-failing': 'it is stuck, and would still fail there.',
};

/**
 * With `target` (the Worker Deployment Version the change ships as), an execution that will not run the target's code
 * next is exempt, whatever its replay said: one PINNED to another version, or with a pending one-time override to
 * another version. Its replay's status is kept in `replayStatus`. Every result with a history gets its `versioning`.
 */
export function applyVersioning(results: ReplayResult[], target?: WorkerDeploymentVersion): void {
  for (const r of results) {
    if (!r.history) continue;
    const v = (r.versioning = versioningOf(r.history));
    const runsNext = v.nextTaskOn ?? (v.behavior === 'PINNED' ? v.version : undefined);
    const said = r.status;
    if (!target || !runsNext || sameVersion(runsNext, target) || said === 'invalid' || said === 'exempt') continue;
    const where = v.nextTaskOn
      ? `a one-time versioning override sends its next workflow task to ${versionName(runsNext)}, not ${versionName(target)}`
      : `pinned to ${versionName(runsNext)}, never runs ${versionName(target)}`;
    r.replayStatus = said;
    r.status = 'exempt';
    r.message = `${where}; ${IF_MOVED[said]}`;
  }
}

const RANK = { safe: 0, 'safe-while-pinned': 1, unsafe: 2 };
export type Verdict = keyof typeof RANK;
const fails = (status?: ReplayResult['status']) => status === 'fail' || status === 'still-failing';

/**
 * One verdict per workflow type: `unsafe` when an execution that will run the new code fails (or, stuck, still
 * fails); `safe-while-pinned` when only exempt executions would; else `safe`.
 */
export function verdicts(results: ReplayResult[]): Record<string, Verdict> {
  const out: Record<string, Verdict> = {};
  for (const r of results) {
    if (!r.workflowType || r.status === 'invalid') continue;
    const verdict: Verdict = fails(r.status)
      ? 'unsafe'
      : r.status === 'exempt' && fails(r.replayStatus)
        ? 'safe-while-pinned'
        : 'safe';
    if (RANK[verdict] >= RANK[out[r.workflowType] ?? 'safe']) out[r.workflowType] = verdict;
  }
  return out;
}

/**
 * Per workflow type with stuck executions that will run the new code (exempt ones left out): how many it unsticks
 * (`fixed`) and how many still fail.
 */
export function stuckCounts(results: ReplayResult[]): Record<string, { fixed: number; stillFailing: number }> {
  const out: Record<string, { fixed: number; stillFailing: number }> = {};
  for (const r of results) {
    if (!r.workflowType || (r.status !== 'fixed' && r.status !== 'still-failing')) continue;
    const counts = (out[r.workflowType] ??= { fixed: 0, stillFailing: 0 });
    if (r.status === 'fixed') counts.fixed++;
    else counts.stillFailing++;
  }
  return out;
}
