import { deprecatePatch, log, proxyActivities, sleep } from '@temporalio/workflow';
import type * as activities from '@background-check/activities';

const { ssnTrace } = proxyActivities<typeof activities>({
  scheduleToCloseTimeout: '5 seconds',
});

const SLEEP_PATCH = 'background-check-random-sleep';

/**
 * Version 2 of the upgrade story: once no version-0 execution is open any more, the old path goes.
 * `deprecatePatch()` still records the marker so version-1 workers may run side by side; a
 * version-1 history replays here, a version-0 history that took the timer branch no longer does.
 */
export async function BackgroundCheck(ssn: string): Promise<string> {
  deprecatePatch(SLEEP_PATCH);
  const randomNumber = Math.floor(Math.random() * 100) + 1;
  if (randomNumber < 50) {
    await sleep('60 seconds');
    log.info('Sleeping for 60 seconds');
  }
  return await ssnTrace(ssn);
}
