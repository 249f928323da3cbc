import {
  ActivityFailure,
  ApplicationFailure,
  TimeoutFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  type Client,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { NAMESPACE, TASK_QUEUE, maskSsn, redactSsns, ssnProblem } from '@background-check/common';
import type { BackgroundCheck } from '@background-check/workflows';

/** A problem the user can fix; the command prints the message (no stack) and exits non-zero. */
export class StarterProblem extends Error {
  override name = 'StarterProblem';
}

export interface StartOptions {
  ssn: string;
  workflowId: string;
  namespace?: string;
}

/** Refuses a malformed SSN with the message the starter prints (never echoing the value). */
export function checkSsn(ssn: unknown): void {
  const problem = ssnProblem(ssn);
  if (problem) {
    throw new StarterProblem(`Invalid --ssn: ${problem}. Use the form ###-##-####, e.g. --ssn 555-55-5555. Nothing was started.`);
  }
}

/** Starts BackgroundCheck on the shared task queue; refuses a malformed SSN before anything starts. */
export async function startBackgroundCheck(client: Client, { ssn, workflowId, namespace = NAMESPACE }: StartOptions): Promise<WorkflowHandleWithFirstExecutionRunId<typeof BackgroundCheck>> {
  checkSsn(ssn);
  try {
    return await client.workflow.start<typeof BackgroundCheck>('BackgroundCheck', {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: [ssn],
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new StarterProblem(
        [
          `A workflow with id "${workflowId}" is already running in namespace "${namespace}".`,
          'Wait for it to finish (a worker must be running: `pnpm start:worker`), start another with --workflow-id <new-id>,',
          `or stop it: pnpm temporal workflow terminate --workflow-id ${workflowId} --namespace ${namespace}`,
        ].join('\n'),
      );
    }
    throw err;
  }
}

/** One plain sentence for a failed execution: the root cause, with SSNs masked. */
export function describeFailure(err: unknown): string {
  if (!(err instanceof WorkflowFailedError)) return redactSsns((err as Error)?.message ?? String(err));
  let cause: unknown = err.cause;
  const chain: string[] = [];
  while (cause) {
    if (cause instanceof TimeoutFailure) {
      chain.push(`timed out (${String(cause.timeoutType).replace(/^TIMEOUT_TYPE_/, '').toLowerCase().replace(/_/g, '-')} timeout)`);
    } else if (cause instanceof ActivityFailure) {
      chain.push(`activity ${cause.activityType} failed`);
    } else if (cause instanceof ApplicationFailure) {
      chain.push(cause.message);
    } else if (cause instanceof Error) {
      chain.push(cause.message);
    }
    cause = (cause as { cause?: unknown }).cause;
  }
  return redactSsns(`Background check failed: ${chain.join(': ') || err.message}`);
}

export { maskSsn };
