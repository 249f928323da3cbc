// A replay worker in a child process (see check.ts): it takes its options, then histories one by one, and answers
// each with its judged result. Run as compiled JavaScript, so it starts in a fraction of a second.
import { temporal } from '@temporalio/proto';
import type { ChildInit, ChildRequest, ChildResponse } from './check';
import { Replayer, installReplayRuntime, judge, type ReplayOptions } from './replay';

installReplayRuntime('ERROR', (entry) => entry.message);

let options: ReplayOptions | undefined;
let replayer: Replayer | undefined;
let queue = Promise.resolve();
const reply = (m: ChildResponse) => process.send!(m);

async function replay({ seq, input }: ChildRequest): Promise<void> {
  const { file, problem, workflowType = '', history, ...named } = input;
  const loaded = file
    ? { file }
    : problem
      ? { problem }
      : { workflowType, history: temporal.api.history.v1.History.decode(history!) };
  try {
    const { history: _history, ...result } = await judge({ ...named, loaded }, replayer!, options!);
    reply({ seq, result });
  } catch (err) {
    reply({ seq, error: (err as Error)?.stack ?? String(err) });
  }
}

process.on('message', (m: ChildInit | ChildRequest) => {
  if (!('seq' in m)) {
    options = m;
    replayer = new Replayer(m);
  } else queue = queue.then(() => replay(m));
});
// The parent is gone (or done): leave, whatever replay may still be stuck.
process.on('disconnect', () => {
  setTimeout(() => process.exit(0), 5000);
  void queue.finally(() => replayer?.close()).finally(() => process.exit(0));
});
