// The benchmark's histories are real ones: clones of both branches of the corpus that all replay, each
// its own execution. (The benchmark itself is not run here: its timings are printed, never asserted.)
import { Worker } from '@temporalio/worker';
import { workerBundle } from '@background-check/worker';
import { generateHistories } from './generate';

test('the generator clones both branches of the corpus, each copy its own execution, and every copy replays', async () => {
  const histories = generateHistories(12);
  const started = histories.map((h) => h.events![0]!.workflowExecutionStartedEventAttributes!);
  const slept = histories.map((h) => h.events!.some((e) => e.timerStartedEventAttributes));
  expect(slept).toContain(true);
  expect(slept).toContain(false);
  expect(new Set(started.map((s) => s.workflowId)).size).toBe(12);
  expect(new Set(started.map((s) => Buffer.from(s.input!.payloads![0]!.data!).toString())).size).toBe(12);
  const errors: (string | undefined)[] = [];
  const items = histories.map((history, i) => ({ workflowId: String(i), history }));
  for await (const result of Worker.runReplayHistories({ workflowBundle: await workerBundle() }, items))
    errors.push(result.error?.message);
  expect(errors).toEqual(histories.map(() => undefined));
});
