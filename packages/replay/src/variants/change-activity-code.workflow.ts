import { log, proxyActivities, sleep } from '@temporalio/workflow';
import type * as activities from './change-activity-code.activities';

const { ssnTrace } = proxyActivities<typeof activities>({
  scheduleToCloseTimeout: '5 seconds',
});

/** Safe change: the workflow calls a rewritten activity (same type, new code inside). */
export async function BackgroundCheck(ssn: string): Promise<string> {
  const randomNumber = Math.floor(Math.random() * 100) + 1;
  if (randomNumber < 50) {
    await sleep('60 seconds');
    log.info('Sleeping for 60 seconds');
  }
  return await ssnTrace(ssn);
}
