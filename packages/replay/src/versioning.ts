import type { History } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import type { ReplayResult } from './replay';

export interface Versioning {
  behavior: 'PINNED' | 'AUTO_UPGRADE' | 'none';
  /** The Worker Deployment version the execution last ran on (or is pinned to by an override). */
  deploymentName?: string;
  buildId?: string;
  /** Set when a versioning override, not the worker, decided the behavior. */
  override?: boolean;
}

type Override = temporal.api.workflow.v1.IVersioningOverride | null | undefined;
const BEHAVIORS: Record<number, Versioning['behavior'] | undefined> = { 1: 'PINNED', 2: 'AUTO_UPGRADE' };

function fromOverride(o: Override): Versioning | undefined {
  if (!o) return undefined;
  if (o.autoUpgrade || o.behavior === 2) return { behavior: 'AUTO_UPGRADE', override: true };
  const pinned = o.pinned?.version;
  if (pinned)
    return {
      behavior: 'PINNED',
      deploymentName: pinned.deploymentName ?? undefined,
      buildId: pinned.buildId ?? undefined,
      override: true,
    };
  return undefined;
}

/**
 * How an execution is versioned, from its history: each WorkflowTaskCompleted records the behavior and
 * the deployment version the task ran on; a versioning override (at start, or set later) wins over them.
 */
export function versioningOf(history: History): Versioning {
  let found: Versioning = { behavior: 'none' };
  let override: Versioning | undefined;
  for (const e of history.events ?? []) {
    const started = e.workflowExecutionStartedEventAttributes;
    if (started) override = fromOverride(started.versioningOverride);
    if (e.workflowExecutionOptionsUpdatedEventAttributes) {
      const updated = e.workflowExecutionOptionsUpdatedEventAttributes;
      override = updated.unsetVersioningOverride ? undefined : (fromOverride(updated.versioningOverride) ?? override);
    }
    const task = e.workflowTaskCompletedEventAttributes;
    if (!task) continue;
    const behavior = BEHAVIORS[task.versioningBehavior ?? 0] ?? 'none';
    const legacy = task.workerDeploymentVersion?.split('.');
    const deploymentName =
      task.deploymentVersion?.deploymentName ?? task.workerDeploymentName ?? legacy?.[0] ?? undefined;
    const buildId = task.deploymentVersion?.buildId ?? legacy?.slice(1).join('.') ?? undefined;
    found =
      behavior === 'none'
        ? { behavior }
        : { behavior, deploymentName: deploymentName || undefined, buildId: buildId || undefined };
  }
  if (override?.behavior === 'PINNED') return override;
  return override ? { ...found, ...override } : found;
}

export type Verdict = 'safe' | 'safe-while-pinned' | 'unsafe';

/**
 * With `buildId` (the build the change ships as): a PINNED execution on another build never runs the new
 * code, so it is exempt, not failed; its message says whether it would fail if moved. Everything else
 * must replay.
 */
export function applyVersioning(results: ReplayResult[], buildId: string | undefined): void {
  for (const r of results) {
    if (!r.history) continue;
    const v = versioningOf(r.history);
    r.versioning = v;
    if (buildId === undefined || v.behavior !== 'PINNED' || v.buildId === buildId) continue;
    if (r.status !== 'pass' && r.status !== 'fail') continue;
    const wouldFail = r.status === 'fail';
    r.message = `pinned to ${v.deploymentName}:${v.buildId}, never runs build ${buildId}; ${wouldFail ? 'it WOULD FAIL if moved to it (do not move it with a versioning override)' : 'it would also replay on it'}.`;
    r.status = 'exempt';
    r.wouldFailIfMoved = wouldFail;
  }
}

/** One verdict per workflow type: `unsafe` when an execution that will run the new code fails. */
export function verdicts(results: ReplayResult[]): Record<string, Verdict> {
  const out: Record<string, Verdict> = {};
  for (const r of results) {
    // A history replay could not judge says nothing about safety: it is reported, and the exit code is 1.
    if (!r.workflowType || r.status === 'inconclusive') continue;
    const verdict: Verdict =
      r.status === 'fail' ? 'unsafe' : r.status === 'exempt' && r.wouldFailIfMoved ? 'safe-while-pinned' : 'safe';
    const rank = { safe: 0, 'safe-while-pinned': 1, unsafe: 2 };
    if (rank[verdict] >= rank[out[r.workflowType] ?? 'safe']) out[r.workflowType] = verdict;
  }
  return out;
}
