import type { History } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import type { ReplayResult } from './replay';

export interface Versioning {
  behavior: 'PINNED' | 'AUTO_UPGRADE' | 'none';
  deploymentName?: string; // the Worker Deployment version it last ran on (or is pinned to by an override)
  buildId?: string;
  override?: boolean; // set when a versioning override, not the worker, decided the behavior
}

/** A version's names, empty ones left out. */
const named = (deploymentName?: string | null, buildId?: string | null) => ({
  deploymentName: deploymentName || undefined,
  buildId: buildId || undefined,
});

function fromOverride(o: temporal.api.workflow.v1.IVersioningOverride | null | undefined): Versioning | undefined {
  if (o?.autoUpgrade || o?.behavior === 2) return { behavior: 'AUTO_UPGRADE', override: true };
  const v = o?.pinned?.version;
  if (v) return { behavior: 'PINNED', ...named(v.deploymentName, v.buildId), override: true };
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
    const updated = e.workflowExecutionOptionsUpdatedEventAttributes;
    const task = e.workflowTaskCompletedEventAttributes;
    if (started) override = fromOverride(started.versioningOverride);
    if (updated)
      override = updated.unsetVersioningOverride ? undefined : (fromOverride(updated.versioningOverride) ?? override);
    if (!task) continue;
    const behavior = task.versioningBehavior === 1 ? 'PINNED' : task.versioningBehavior === 2 ? 'AUTO_UPGRADE' : 'none';
    const legacy = task.workerDeploymentVersion?.split('.');
    const name = task.deploymentVersion?.deploymentName ?? task.workerDeploymentName ?? legacy?.[0];
    const buildId = task.deploymentVersion?.buildId ?? legacy?.slice(1).join('.');
    found = behavior === 'none' ? { behavior } : { behavior, ...named(name, buildId) };
  }
  return override?.behavior === 'PINNED' ? override : { ...found, ...override };
}

const RANK = { safe: 0, 'safe-while-pinned': 1, unsafe: 2 };
export type Verdict = keyof typeof RANK;

/**
 * With `buildId` (the build the change ships as): a PINNED execution on another build never runs the new code, so
 * it is exempt, not failed; its message says whether it would fail if moved. Everything else must replay.
 */
export function applyVersioning(results: ReplayResult[], buildId: string | undefined): void {
  for (const r of results) {
    const v = r.history && (r.versioning = versioningOf(r.history));
    const judged = r.status === 'pass' || r.status === 'fail';
    if (buildId === undefined || v?.behavior !== 'PINNED' || v.buildId === buildId || !judged) continue;
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
    if (RANK[verdict] >= RANK[out[r.workflowType] ?? 'safe']) out[r.workflowType] = verdict;
  }
  return out;
}
