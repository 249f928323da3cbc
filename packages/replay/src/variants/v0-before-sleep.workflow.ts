import { proxyActivities } from '@temporalio/workflow';
import type * as activities from '@background-check/activities';

const { ssnTrace } = proxyActivities<typeof activities>({
  scheduleToCloseTimeout: '5 seconds',
});

/**
 * Version 0: the chapter's workflow before the sleep was added. Its histories are kept in
 * fixtures/v0/; the catalogue also uses it as "the timer removed" from the current code.
 */
export async function BackgroundCheck(ssn: string): Promise<string> {
  return await ssnTrace(ssn);
}
