import type { DataConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import { replayHistoriesRecordingCommands } from './recording-worker';

export interface Outcome {
  ok: boolean;
  errorName?: string;
  message?: string;
  completions?: Uint8Array[];
  timedOut?: boolean;
}

/**
 * Replays histories in this process: one replay worker and one bundle for all (the SDK's
 * `runReplayHistories`), each history bounded in time. A replay that overruns is reported and left
 * behind (it cannot be stopped from here); the rest continue on a fresh worker.
 */
export async function replayInProcess(
  histories: { workflowId: string; history: History }[],
  code: string,
  historyTimeoutMs: number,
  onOutcome: (index: number, outcome: Outcome) => void,
  dataConverter?: DataConverter,
): Promise<void> {
  let next = 0;
  while (next < histories.length) {
    const start = next;
    let current = start;
    async function* feed() {
      for (current = start; current < histories.length; current++) {
        yield { workflowId: String(current), history: histories[current]!.history };
      }
    }
    const iterator = replayHistoriesRecordingCommands({ workflowBundle: { code }, replayName: 'replay', dataConverter }, feed())[Symbol.asyncIterator]();
    let timedOut = false;
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), historyTimeoutMs);
      });
      const step = await Promise.race([iterator.next(), deadline]).finally(() => clearTimeout(timer));
      if (step === 'timeout') {
        onOutcome(current, { ok: false, timedOut: true, message: `replay did not finish within ${historyTimeoutMs / 1000} s.` });
        next = current + 1;
        timedOut = true;
        break;
      }
      if (step.done) break;
      const index = Number(step.value.workflowId);
      const { error, completions } = step.value;
      onOutcome(index, error ? { ok: false, errorName: error.name, message: error.message, completions } : { ok: true });
    }
    if (!timedOut) return;
  }
}

