import { log, patched, proxyActivities, sleep } from '@temporalio/workflow';
import type * as activities from '@background-check/activities';

const { ssnTrace } = proxyActivities<typeof activities>({
  scheduleToCloseTimeout: '5 seconds',
});

// The patch id: recorded in the history (a marker) by executions that took the new path.
const SLEEP_PATCH = 'background-check-random-sleep';

/**
 * Version 1 of the upgrade story: the sleep added behind `patched()`. An execution that started
 * on version 0 replays without the marker, so `patched()` is false and it keeps the old path;
 * new executions record the marker and take the new one.
 */
export async function BackgroundCheck(ssn: string): Promise<string> {
  if (patched(SLEEP_PATCH)) {
    const randomNumber = Math.floor(Math.random() * 100) + 1;
    if (randomNumber < 50) {
      await sleep('60 seconds');
      log.info('Sleeping for 60 seconds');
    }
  }
  return await ssnTrace(ssn);
}
