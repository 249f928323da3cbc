import { log, proxyActivities, sleep } from '@temporalio/workflow';

// The activity renamed: same input, same output, another activity type.
interface RenamedActivities {
  ssnTraceV2(ssn: string): Promise<string>;
}

const { ssnTraceV2 } = proxyActivities<RenamedActivities>({
  scheduleToCloseTimeout: '5 seconds',
});

/** Non-deterministic change: the activity type used by the call switched. */
export async function BackgroundCheck(ssn: string): Promise<string> {
  const randomNumber = Math.floor(Math.random() * 100) + 1;
  if (randomNumber < 50) {
    await sleep('60 seconds');
    log.info('Sleeping for 60 seconds');
  }
  return await ssnTraceV2(ssn);
}
