import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { SAMPLE_SSN, TASK_QUEUE, WORKFLOW_TYPE, eventTypeName, withTimeout } from '@background-check/common';

export type Branch = 'timer' | 'activity';

/** The execution's result, bounded: a test waits for no workflow forever. */
export async function resultWithin<T = unknown>(client: Client, workflowId: string, timeoutMs: number): Promise<T> {
  return await withTimeout(
    client.workflow.getHandle(workflowId).result() as Promise<T>,
    timeoutMs,
    `workflow ${workflowId}'s result`,
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls until the check passes; throws with the description after the bound. */
export async function until<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}.`);
    await sleep(intervalMs);
  }
}

export function eventTypes(history: History): string[] {
  return (history.events ?? []).map((e) => eventTypeName(e.eventType));
}

export function countEvents(history: History, type: string): number {
  return eventTypes(history).filter((t) => t === type).length;
}

export async function startBackgroundChecks(
  client: Client,
  workflowIds: string[],
  ssn: string = SAMPLE_SSN,
): Promise<WorkflowHandle[]> {
  return await Promise.all(
    workflowIds.map((workflowId) =>
      client.workflow.start(WORKFLOW_TYPE, { taskQueue: TASK_QUEUE, workflowId, args: [ssn] }),
    ),
  );
}

/**
 * Which branch the run took, read from its history once its first workflow task completed: a
 * TimerStarted (it sleeps 60 s first) or an ActivityTaskScheduled (straight to the SSN trace).
 */
export async function branchOf(client: Client, workflowId: string, timeoutMs = 30_000): Promise<Branch> {
  return await until(`the first workflow task of ${workflowId}`, timeoutMs, async () => {
    const types = eventTypes(await client.workflow.getHandle(workflowId).fetchHistory());
    if (types.includes('TimerStarted')) return 'timer';
    if (types.includes('ActivityTaskScheduled')) return 'activity';
    return undefined;
  });
}

/**
 * The branch a run takes is drawn from its run id, which the server assigns: no start option can
 * choose it. So start runs in batches and keep the ones that took the wanted branch. Each run takes
 * a branch with probability ~1/2, so `batchSize * maxBatches` runs make missing it practically
 * impossible (a batch of 12 misses with p < 0.0003; four batches with p < 1e-14), and the bound
 * keeps it from ever looping. A worker must be running. Returns the ids of both kinds.
 */
export async function startUntilBranch(
  client: Client,
  prefix: string,
  wanted: Branch,
  {
    want = 1,
    batchSize = 12,
    maxBatches = 4,
    ssn = SAMPLE_SSN,
  }: { want?: number; batchSize?: number; maxBatches?: number; ssn?: string } = {},
): Promise<{ wanted: string[]; others: string[] }> {
  const found: string[] = [];
  const others: string[] = [];
  for (let batch = 0; batch < maxBatches && found.length < want; batch++) {
    const ids = Array.from({ length: batchSize }, (_, i) => `${prefix}-${batch}-${i}`);
    await startBackgroundChecks(client, ids, ssn);
    const branches = await Promise.all(ids.map((id) => branchOf(client, id)));
    ids.forEach((id, i) => (branches[i] === wanted && found.length < want ? found : others).push(id));
  }
  if (found.length < want)
    throw new Error(
      `Only ${found.length} of ${batchSize * maxBatches} runs took the ${wanted} branch (wanted ${want}).`,
    );
  return { wanted: found, others };
}

/** Terminates those of the executions that are still running (others a test started but does not need). */
export async function terminateRunning(
  client: Client,
  workflowIds: string[],
  reason = 'not needed by this test',
): Promise<void> {
  for (const id of workflowIds) {
    const handle = client.workflow.getHandle(id);
    if ((await handle.describe()).status.name !== 'RUNNING') continue;
    try {
      await handle.terminate(reason);
    } catch (err) {
      // It may close between describe() and terminate(): then there is nothing left to stop.
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
  }
}
