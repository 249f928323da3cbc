import {
  ActivityFailure,
  TimeoutFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { VersioningOverride } from '@temporalio/common';
import { NAMESPACE, TASK_QUEUE, UserError, redactSsns, ssnProblem, withTimeout } from '@background-check/common';
import type { BackgroundCheck } from '@background-check/workflows';

export interface StartOptions {
  ssn: string;
  workflowId: string;
  namespace?: string;
  /** Pin the execution to a Worker Deployment version (a canary of a build that is not current yet). */
  versioningOverride?: VersioningOverride;
}

/** Refuses a malformed SSN with the message the starter prints (never echoing the value). */
export function checkSsn(ssn: unknown): void {
  const problem = ssnProblem(ssn);
  if (problem) {
    throw new UserError(
      `Invalid --ssn: ${problem}. Use the form ###-##-#### (three digits, two digits, four digits). Nothing was started.`,
    );
  }
}

/** Starts BackgroundCheck on the shared task queue; refuses a malformed SSN before anything starts. */
export async function startBackgroundCheck(
  client: Client,
  { ssn, workflowId, namespace = NAMESPACE, versioningOverride }: StartOptions,
) {
  checkSsn(ssn);
  try {
    return await client.workflow.start<typeof BackgroundCheck>('BackgroundCheck', {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: [ssn],
      versioningOverride,
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    throw new UserError(
      `A workflow with id "${workflowId}" is already running in namespace "${namespace}".\n` +
        'Wait for it to finish (a worker must be running: `pnpm start:worker`), start another with --workflow-id <new-id>,\n' +
        `or stop it: pnpm temporal workflow terminate --workflow-id ${workflowId} --namespace ${namespace}`,
    );
  }
}

/** The execution's result, or a clear error once the bound passes (the execution keeps running). */
export async function waitForResult<T>(handle: WorkflowHandle<() => Promise<T>>, timeoutMs: number): Promise<T> {
  const late = () =>
    new UserError(
      `No result within ${timeoutMs / 1000} s for workflow ${handle.workflowId}. It is still running on the server: ` +
        'is a worker running (`pnpm start:worker`)? Wait longer with --timeout SECONDS.',
    );
  try {
    return await withTimeout(handle.result(), timeoutMs, late);
  } catch (err) {
    throw err instanceof WorkflowFailedError ? new UserError(describeFailure(err)) : err;
  }
}

/** One plain sentence for a failed execution: the chain of causes, with SSNs masked. */
export function describeFailure(err: unknown): string {
  if (!(err instanceof WorkflowFailedError)) return redactSsns((err as Error)?.message ?? String(err));
  const chain: string[] = [];
  for (let cause: unknown = err.cause; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof TimeoutFailure) {
      chain.push(
        `timed out (${String(cause.timeoutType)
          .replace(/^TIMEOUT_TYPE_/, '')
          .toLowerCase()
          .replace(/_/g, '-')} timeout)`,
      );
    } else if (cause instanceof ActivityFailure) {
      chain.push(`activity ${cause.activityType} failed`);
    } else {
      chain.push(cause.message);
    }
  }
  return redactSsns(`Background check failed: ${chain.join(': ') || err.message}`);
}
