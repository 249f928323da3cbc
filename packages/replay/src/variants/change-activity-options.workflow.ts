import { log, proxyActivities, sleep } from '@temporalio/workflow';
import type * as activities from '@background-check/activities';

// Safe change: other timeouts and a retry policy (ActivityOptions are not checked on replay).
const { ssnTrace } = proxyActivities<typeof activities>({
  scheduleToCloseTimeout: '30 seconds',
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3, initialInterval: '2 seconds' },
});

export async function BackgroundCheck(ssn: string): Promise<string> {
  const randomNumber = Math.floor(Math.random() * 100) + 1;
  if (randomNumber < 50) {
    await sleep('60 seconds');
    log.info('Sleeping for 60 seconds');
  }
  return await ssnTrace(ssn);
}
