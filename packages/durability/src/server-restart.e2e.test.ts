// Fault: the dev server is stopped and started again on the same state file (same port) while
// background checks sleep. The worker keeps running through the outage; every execution completes.
import { Client, Connection } from '@temporalio/client';
import { NAMESPACE } from '@background-check/common';
import { portAnswers, type DevServer } from '@background-check/servers';
import {
  freePort,
  killAllChildren,
  spawnTs,
  startDevServerIn,
  countLines,
  countEvents,
  eventTypes,
  startUntilBranch,
  until,
  tempDir,
  resultWithin,
} from '@background-check/test-support';

const WORKER = 'packages/durability/src/fixtures/worker-child.ts';

let server: DevServer | undefined;
let connection: Connection | undefined;

afterAll(async () => {
  await killAllChildren();
  await connection?.close();
  await server?.stop();
});

test('executions sleeping through a dev server restart (same state file) all complete', async () => {
  const dir = tempDir('restart');
  const port = await freePort();
  server = await startDevServerIn(dir, port);
  connection = await Connection.connect({ address: server.address });
  let client = new Client({ connection, namespace: NAMESPACE });

  const worker = spawnTs('worker', WORKER, [], {
    env: { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: NAMESPACE, DURABILITY_WORKER_NAME: 'W' },
  });
  await worker.waitFor(/WORKER_RUNNING W/, 60_000);

  // At least three executions asleep on their 60 s timer (the others go straight to the activity).
  const { wanted: sleeping, others } = await startUntilBranch(client, 'restart', 'timer', {
    want: 3,
    batchSize: 8,
    maxBatches: 6,
  });
  const all = [...sleeping, ...others];
  for (const id of sleeping)
    expect(eventTypes(await client.workflow.getHandle(id).fetchHistory())).not.toContain('TimerFired');

  // Stop the server while they sleep.
  await connection.close();
  connection = undefined;
  await server.stop();
  const stoppedAt = Date.now();
  expect(await portAnswers(server.address, 500)).toBe(false);
  // The worker's polls fail (Core reports its retries) and it rides this out rather than exit.
  const outageStart = worker.output().length;
  await until('the worker to report failing polls', 30_000, async () =>
    /poll_\w+_task_queue retried \d+ times/.test(worker.output().slice(outageStart)) ? true : undefined,
  );
  expect(worker.isRunning()).toBe(true);

  // Start it again on the same port and the same SQLite file: the executions and their timers are still there.
  server = await startDevServerIn(dir, port);
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection, namespace: NAMESPACE });

  const results = await Promise.all(all.map((id) => resultWithin(client, id, 120_000)));
  expect(results).toEqual(all.map(() => 'pass'));

  for (const id of sleeping) {
    const history = await client.workflow.getHandle(id).fetchHistory();
    expect(countEvents(history, 'TimerStarted')).toBe(1);
    expect(countEvents(history, 'TimerFired')).toBe(1);
    expect(countEvents(history, 'ActivityTaskCompleted')).toBe(1);
    expect(countEvents(history, 'WorkflowExecutionCompleted')).toBe(1);
    // The timer fired after the restart: the sleep really spanned the outage.
    const fired = history.events!.find((e) => e.timerFiredEventAttributes)!;
    expect(Number(fired.eventTime!.seconds) * 1000).toBeGreaterThan(stoppedAt);
  }
  // The same worker process did the work before and after the outage.
  expect(worker.isRunning()).toBe(true);
  for (const id of sleeping) expect(countLines(worker.output(), new RegExp(`ACTIVITY_DONE workflowId=${id} `))).toBe(1);
}, 180_000);
