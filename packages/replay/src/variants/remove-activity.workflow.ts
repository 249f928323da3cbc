import { log, sleep } from '@temporalio/workflow';

/** Non-deterministic change: the activity call removed (the workflow decides by itself). */
export async function BackgroundCheck(_ssn: string): Promise<string> {
  const randomNumber = Math.floor(Math.random() * 100) + 1;
  if (randomNumber < 50) {
    await sleep('60 seconds');
    log.info('Sleeping for 60 seconds');
  }
  return 'pass';
}
