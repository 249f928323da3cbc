import { log, proxyActivities, sleep } from '@temporalio/workflow';
import type * as activities from '@background-check/activities';

// A second check the business asked for; its type is all the workflow needs.
interface MoreActivities {
  federalBackgroundCheck(ssn: string): Promise<string>;
}

const { ssnTrace, federalBackgroundCheck } = proxyActivities<typeof activities & MoreActivities>({
  scheduleToCloseTimeout: '5 seconds',
});

/** Non-deterministic change: an activity call added after the SSN trace. */
export async function BackgroundCheck(ssn: string): Promise<string> {
  const randomNumber = Math.floor(Math.random() * 100) + 1;
  if (randomNumber < 50) {
    await sleep('60 seconds');
    log.info('Sleeping for 60 seconds');
  }
  const trace = await ssnTrace(ssn);
  await federalBackgroundCheck(ssn);
  return trace;
}
