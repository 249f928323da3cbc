// Small workflows behind the walkthrough's "intrinsic non-determinism" claims that the replay
// package's tests don't already show. Each runs on the time-skipping test server and is replayed.
import { sleep, workflowInfo } from '@temporalio/workflow';

/** `setTimeout` in workflow code is the sandbox's durable timer, like `sleep()`. */
export async function timerFromSetTimeout(): Promise<number> {
  const before = Date.now();
  await new Promise<void>((resolve) => setTimeout(resolve, 30_000));
  return Date.now() - before;
}

/** `Date.now()` is the time of the workflow task: it stands still while code runs, moves with timers. */
export async function frozenClock(): Promise<{ busy: number; slept: number; spins: number }> {
  const start = Date.now();
  // Real CPU time passes here (tens of milliseconds); the workflow clock does not move.
  let spins = 0;
  for (let i = 0; i < 20_000_000; i++) spins += i % 3;
  const busy = Date.now() - start;
  await sleep('10 seconds');
  return { busy, slept: Date.now() - start, spins };
}

/** Map entries iterate in insertion order, so the commands come out in the same order on every replay. */
export async function iterationOrder(): Promise<string[]> {
  const waits = new Map<string, number>([
    ['third', 3],
    ['first', 1],
    ['second', 2],
  ]);
  const done: string[] = [];
  for (const [name, seconds] of waits) {
    await sleep(seconds * 1000);
    done.push(name);
  }
  return done;
}

/** Each run has its own run id, and its `Math.random()` is seeded from it: a new run draws anew. */
export async function drawWithRunId(): Promise<{ runId: string; draw: number }> {
  return { runId: workflowInfo().runId, draw: Math.random() };
}
