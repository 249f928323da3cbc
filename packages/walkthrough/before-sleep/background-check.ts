import { proxyActivities } from '@temporalio/workflow';
// Type-only: activity code never enters the workflow bundle, only its signature does.
import type * as activities from '@background-check/activities';

const { ssnTrace } = proxyActivities<typeof activities>({
  scheduleToCloseTimeout: '5 seconds',
  // Unset, an attempt's own timeout defaults to the whole 5 s: an attempt lost with a crashed
  // worker would use it all up and fail the check. 2 s leaves time to retry on another worker.
  // (An ActivityOptions change: existing histories still replay.)
  startToCloseTimeout: '2 seconds',
});

/** The chapter's Background Check workflow as the earlier chapter left it: one SSN trace. */
export async function BackgroundCheck(ssn: string): Promise<string> {
  return await ssnTrace(ssn);
}
