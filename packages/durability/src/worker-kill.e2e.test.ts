// Fault: the worker is SIGKILLed while a background check sleeps, and its replacement is SIGKILLed
// while the activity runs; a third worker finishes it.
//
// On the dev server, in real time (the 60 s sleep included): a killed worker leaves its workflow's
// next task on its sticky queue, and only the real server moves such tasks back to the shared queue
// (the time-skipping test server leaves them there: tried, the execution stalled).
import type { Client } from '@temporalio/client';
import { NAMESPACE } from '@background-check/common';
import type { DevServer } from '@background-check/servers';
import {
  spawnTs,
  countLines,
  countEvents,
  eventTypes,
  startUntilBranch,
  terminateRunning,
  useDevServer,
  waitForExit,
  resultWithin,
} from '@background-check/test-support';

const WORKER = 'packages/durability/src/fixtures/worker-child.ts';

let server: DevServer;
let client: Client;
useDevServer('worker-kill', (s, c) => {
  server = s;
  client = c;
});

test('a background check survives its worker being killed while it sleeps and again while its activity runs', async () => {
  const settings = { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: NAMESPACE };
  // B and C load everything now but poll only on "go": each is ready the moment the one before dies.
  const a = spawnTs('worker A', WORKER, [], { env: { ...settings, DURABILITY_WORKER_NAME: 'A' } });
  const b = spawnTs('worker B', WORKER, [], {
    env: { ...settings, DURABILITY_WORKER_NAME: 'B', DURABILITY_ACTIVITY: 'hang', DURABILITY_WAIT_FOR_GO: '1' },
  });
  const c = spawnTs('worker C', WORKER, [], {
    env: { ...settings, DURABILITY_WORKER_NAME: 'C', DURABILITY_WAIT_FOR_GO: '1' },
  });
  await Promise.all([
    a.waitFor(/WORKER_RUNNING A/, 60_000),
    b.waitFor(/WORKER_READY B/, 60_000),
    c.waitFor(/WORKER_READY C/, 60_000),
  ]);

  const {
    wanted: [id],
    others,
  } = await startUntilBranch(client, 'kill-sleep', 'timer');
  // Only the chosen execution stays: the others would compete for the workers below.
  await terminateRunning(client, others);
  const handle = client.workflow.getHandle(id!);
  expect(eventTypes(await handle.fetchHistory())).not.toContain('TimerFired');

  // 1. Kill A while the workflow sleeps.
  a.kill('SIGKILL');
  expect((await waitForExit(a, 15_000)).signal).toBe('SIGKILL');
  b.send('go');
  await b.waitFor(/WORKER_RUNNING B/, 10_000);

  // When the timer fires, B takes over (A's sticky queue has had no poller) and runs the activity, which hangs.
  await b.waitFor(new RegExp(`ACTIVITY_START workflowId=${id} attempt=1 worker=B`), 90_000);
  // The worker prints workflow log lines just after it reports the task, so wait for it before killing.
  const sleeping = new RegExp(`Sleeping for 60 seconds.*"workflowId":"${id}"`);
  await b.waitFor(sleeping, 10_000);

  // 2. Kill B while the activity runs; C starts polling and gets the retry.
  b.kill('SIGKILL');
  expect((await waitForExit(b, 15_000)).signal).toBe('SIGKILL');
  c.send('go');

  expect(await resultWithin(client, id!, 90_000)).toBe('pass');
  expect(c.output()).toMatch(new RegExp(`ACTIVITY_DONE workflowId=${id} attempt=2 worker=C result=pass`));

  const history = await handle.fetchHistory();
  expect(countEvents(history, 'TimerStarted')).toBe(1);
  expect(countEvents(history, 'TimerFired')).toBe(1);
  expect(countEvents(history, 'ActivityTaskScheduled')).toBe(1);
  expect(countEvents(history, 'ActivityTaskCompleted')).toBe(1);
  expect(countEvents(history, 'WorkflowExecutionCompleted')).toBe(1);
  // The server records only the last attempt's start: attempt 2, after attempt 1 timed out with B.
  const started = history.events!.find(
    (e) => e.activityTaskStartedEventAttributes,
  )!.activityTaskStartedEventAttributes!;
  expect(started.attempt).toBe(2);
  expect(started.lastFailure?.timeoutFailureInfo).toBeTruthy();

  // The workflow logged "Sleeping for 60 seconds" once (B, after the timer fired); C replayed past it silently.
  expect(countLines(a.output() + b.output() + c.output(), sleeping)).toBe(1);
  expect(countLines(b.output(), sleeping)).toBe(1);
}, 170_000);
