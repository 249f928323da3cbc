import { log, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type * as activities from '@background-check/activities';

const { ssnTrace } = proxyActivities<typeof activities>({
  scheduleToCloseTimeout: '5 seconds',
});

/** Safe change: logging statements added, changed and removed (no command, no event). */
export async function BackgroundCheck(ssn: string): Promise<string> {
  log.info('Background check started', { workflowId: workflowInfo().workflowId });
  const randomNumber = Math.floor(Math.random() * 100) + 1;
  log.debug('Drew a number', { randomNumber });
  if (randomNumber < 50) {
    await sleep('60 seconds');
  }
  const result = await ssnTrace(ssn);
  log.info('Background check finished', { result });
  return result;
}
