// Workflow executions in tests: bounded waits for results and conditions, starts, histories.
import { setTimeout } from 'node:timers/promises';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { SAMPLE_SSN, TASK_QUEUE, WORKFLOW_TYPE, withTimeout } from '@background-check/common';

/** The execution's result, bounded: a test waits for no workflow forever. */
export async function resultWithin<T = unknown>(client: Client, workflowId: string, timeoutMs: number): Promise<T> {
  const result = client.workflow.getHandle(workflowId).result() as Promise<T>;
  return await withTimeout(result, timeoutMs, `workflow ${workflowId}'s result`);
}

/** Polls until the check returns a value; throws with the description after the bound. */
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
    await setTimeout(intervalMs);
  }
}

/** Each event's type as the CLI's table prints it, read from the attributes it carries: timerFiredEventAttributes -> TimerFired. */
export const eventTypes = (history: History): string[] =>
  (history.events ?? []).map((e) => {
    const key = Object.keys(e).find((k) => k.endsWith('EventAttributes') && e[k as keyof typeof e]) ?? 'unknown';
    return key[0]!.toUpperCase() + key.slice(1).replace(/EventAttributes$/, '');
  });

export const countEvents = (history: History, type: string): number =>
  eventTypes(history).filter((t) => t === type).length;

export async function startBackgroundChecks(client: Client, workflowIds: string[], ssn = SAMPLE_SSN) {
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
export async function branchOf(client: Client, workflowId: string): Promise<'timer' | 'activity'> {
  return await until(`the first workflow task of ${workflowId}`, 30_000, async () => {
    const types = eventTypes(await client.workflow.getHandle(workflowId).fetchHistory());
    if (types.includes('TimerStarted')) return 'timer';
    if (types.includes('ActivityTaskScheduled')) return 'activity';
    return undefined;
  });
}

/**
 * The server draws the branch from the run id, so no start option can choose it: start runs in
 * batches and keep those that took the wanted branch (each does with p ~1/2; a batch of 12 misses
 * with p < 0.0003, and the bound keeps it from looping). A worker must be running. Returns the ids of both kinds.
 */
export async function startUntilBranch(
  client: Client,
  prefix: string,
  wanted: 'timer' | 'activity',
  { want = 1, batchSize = 12, maxBatches = 4, ssn = SAMPLE_SSN } = {},
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
export async function terminateRunning(client: Client, workflowIds: string[]): Promise<void> {
  for (const id of workflowIds) {
    const handle = client.workflow.getHandle(id);
    if ((await handle.describe()).status.name !== 'RUNNING') continue;
    // It may close between describe() and terminate(): then there is nothing left to stop.
    await handle.terminate('not needed by this test').catch((err: unknown) => {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    });
  }
}
