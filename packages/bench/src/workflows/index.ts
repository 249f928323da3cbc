// The server benchmark's workflow: an execution that stays open, as most running executions do, waiting
// on a signal after its first workflow task.
import { condition, defineSignal, setHandler } from '@temporalio/workflow';

export const finishSignal = defineSignal('finish');

export async function BenchAwaitSignal(): Promise<void> {
  let finished = false;
  setHandler(finishSignal, () => void (finished = true));
  await condition(() => finished);
}
