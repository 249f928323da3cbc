import { proxyActivities, proxySinks, type Sinks } from '@temporalio/workflow';
import type * as activities from '@background-check/activities';

export interface ProbeSinks extends Sinks {
  probe: { draw(randomNumber: number, now: number): void };
}

const { ssnTrace } = proxyActivities<typeof activities>({
  scheduleToCloseTimeout: '5 seconds',
});
const { probe } = proxySinks<ProbeSinks>();

/**
 * Version 0 plus the current code's draw, reported through a sink that is called during replay too.
 * Replaying a history here reveals the number the current code draws for that execution (and the
 * workflow clock), without running anything: the random gate, made visible.
 */
export async function BackgroundCheck(ssn: string): Promise<string> {
  probe.draw(Math.floor(Math.random() * 100) + 1, Date.now());
  return await ssnTrace(ssn);
}
