import { log, proxyActivities, sleep } from '@temporalio/workflow';
import type * as activities from '@background-check/activities';

const { ssnTrace } = proxyActivities<typeof activities>({
  scheduleToCloseTimeout: '5 seconds',
});

/** Non-deterministic change: the activity moved before the timer (same calls, other order). */
export async function BackgroundCheck(ssn: string): Promise<string> {
  const randomNumber = Math.floor(Math.random() * 100) + 1;
  const result = await ssnTrace(ssn);
  if (randomNumber < 50) {
    await sleep('60 seconds');
    log.info('Sleeping for 60 seconds');
  }
  return result;
}
