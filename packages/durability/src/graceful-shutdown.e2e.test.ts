// Graceful shutdown: Ctrl-C (SIGINT to the process group, as a terminal sends it) on the real
// `pnpm start:worker` entry point while an activity runs. The activity finishes within the grace
// time and is reported; the worker exits 0 without a stack trace; no process is left behind; a
// new worker completes the execution without running the activity again.
import type { Client } from '@temporalio/client';
import { NAMESPACE } from '@background-check/common';
import type { DevServer } from '@background-check/servers';
import {
  groupAlive,
  pidAlive,
  spawnTs,
  waitForExit,
  STACK_FRAME,
  countLines,
  countEvents,
  startUntilBranch,
  terminateRunning,
  useDevServer,
  resultWithin,
} from '@background-check/test-support';

const MAIN = 'packages/worker/src/main.ts';
const SLOW_ACTIVITY = 'packages/durability/src/fixtures/slow-activity-preload.ts';
const WORKER = 'packages/durability/src/fixtures/worker-child.ts';

let server: DevServer;
let client: Client;
useDevServer('graceful', (s, c) => {
  server = s;
  client = c;
});

test('Ctrl-C during an activity: it finishes, the worker exits cleanly, nothing is left running, nothing runs twice', async () => {
  const settings = { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: NAMESPACE };
  const worker = spawnTs('pnpm start:worker', MAIN, [], { env: settings, require: [SLOW_ACTIVITY], detached: true });
  await worker.waitFor(/Worker started/, 60_000);

  // One execution on the activity branch (the others sleep 60 s, and are terminated).
  const {
    wanted: [id],
    others,
  } = await startUntilBranch(client, 'graceful', 'activity', { batchSize: 1, maxBatches: 30 });
  await worker.waitFor(new RegExp(`ACTIVITY_START workflowId=${id} `), 20_000);

  worker.kill('SIGINT', true);
  const exit = await waitForExit(worker, 30_000);
  const output = worker.output();
  expect(exit.timedOut).toBe(false);
  expect(exit.code).toBe(0);
  expect(output).toMatch(/Received SIGINT: shutting down/);
  expect(output).toMatch(new RegExp(`ACTIVITY_DONE workflowId=${id} attempt=1 result=pass`));
  expect(output).toMatch(/Worker stopped\./);
  // Ctrl-C arrived while the activity ran, and the activity still finished.
  expect(output.indexOf('Received SIGINT')).toBeLessThan(output.indexOf(`ACTIVITY_DONE workflowId=${id}`));
  expect(output).not.toMatch(STACK_FRAME);
  expect(pidAlive(worker.pid)).toBe(false);
  expect(groupAlive(worker.pid)).toBe(false);

  // The activity's result reached the server before the worker left.
  const handle = client.workflow.getHandle(id!);
  expect(countEvents(await handle.fetchHistory(), 'ActivityTaskCompleted')).toBe(1);

  await terminateRunning(client, others);

  // A new worker finishes the workflow from its history; the activity is not run again.
  const next = spawnTs('worker', WORKER, [], { env: { ...settings, DURABILITY_WORKER_NAME: 'next' } });
  expect(await resultWithin(client, id!, 60_000)).toBe('pass');
  const history = await handle.fetchHistory();
  expect(countEvents(history, 'ActivityTaskScheduled')).toBe(1);
  expect(countEvents(history, 'ActivityTaskCompleted')).toBe(1);
  expect(countLines(next.output(), /ACTIVITY_START/)).toBe(0);
}, 150_000);
