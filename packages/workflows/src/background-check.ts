import { log, proxyActivities, sleep } from '@temporalio/workflow';
// Type-only: activity code never enters the workflow bundle, only its signature does.
import type * as activities from '@background-check/activities';

const { ssnTrace } = proxyActivities<typeof activities>({
  scheduleToCloseTimeout: '5 seconds',
  // Unset, an attempt's own timeout defaults to the whole 5 s: an attempt lost with a crashed
  // worker would use it all up and fail the check. 2 s leaves time to retry on another worker.
  // (An ActivityOptions change: existing histories still replay.)
  startToCloseTimeout: '2 seconds',
});

/**
 * The chapter's Background Check workflow.
 *
 * In the workflow sandbox `Math.random()` is the workflow's deterministic random (the TypeScript
 * counterpart of Python's `workflow.random()`): it is seeded from the run, so a replay draws the
 * same numbers and takes the same branch as the first execution.
 */
export async function BackgroundCheck(ssn: string): Promise<string> {
  const randomNumber = Math.floor(Math.random() * 100) + 1; // 1..100
  if (randomNumber < 50) {
    // A durable timer: the server records TimerStarted/TimerFired; a worker restart doesn't reset it.
    await sleep('60 seconds');
    // The workflow logger is replay-aware: this line is not printed again when history replays.
    log.info('Sleeping for 60 seconds');
  }
  return await ssnTrace(ssn);
}
