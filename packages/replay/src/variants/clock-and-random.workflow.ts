import { log, proxySinks, sleep, uuid4, type Sinks } from '@temporalio/workflow';

export interface IntrinsicSinks extends Sinks {
  intrinsic: { values(step: string, random: number, now: number, uuid: string): void };
}

const { intrinsic } = proxySinks<IntrinsicSinks>();

/**
 * Reads the usual sources of intrinsic non-determinism, before and after a timer, and reports them
 * through a sink that is called during replay too: the sandbox makes them replay-safe. Logs through
 * the workflow logger, which is silent during replay.
 */
export async function BackgroundCheck(_ssn: string): Promise<string> {
  intrinsic.values('start', Math.random(), Date.now(), uuid4());
  log.info('Intrinsic values read');
  await sleep('10 seconds');
  intrinsic.values('after-sleep', Math.random(), Date.now(), uuid4());
  return 'done';
}
