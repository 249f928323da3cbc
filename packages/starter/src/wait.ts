import type { Client, WorkflowHandle } from '@temporalio/client';
import { TASK_QUEUE, withTimeout } from '@background-check/common';
import { StarterProblem } from './starter';

/** The execution's result, or a clear error once the bound passes (the execution keeps running). */
export async function waitForResult<T>(handle: WorkflowHandle<() => Promise<T>>, timeoutMs: number): Promise<T> {
  return await withTimeout(
    handle.result(),
    timeoutMs,
    () =>
      new StarterProblem(
        `No result within ${timeoutMs / 1000} s for workflow ${handle.workflowId}. It is still running on the server: ` +
          'is a worker running (`pnpm start:worker`)? Wait longer with --timeout SECONDS.',
      ),
  );
}

/** How many workers poll the task queue for workflow tasks; undefined when the server won't say. */
export async function countPollers(client: Client, namespace: string): Promise<number | undefined> {
  try {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: TASK_QUEUE, kind: 1 /* NORMAL */ },
      taskQueueType: 1 /* WORKFLOW */,
    });
    return pollers?.length ?? 0;
  } catch {
    return undefined;
  }
}
