// Load with a fault: 200 background checks started at once on the dev server, two worker processes,
// one SIGKILLed halfway. Checked through the server's own list and describe APIs: every execution
// completes exactly once; none lost, none duplicated.
import { Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { NAMESPACE, WORKFLOW_TYPE } from '@background-check/common';
import type { DevServer } from '@background-check/servers';
import {
  spawnTs,
  countLines,
  countEvents,
  startBackgroundChecks,
  until,
  useDevServer,
  waitForExit,
  resultWithin,
} from '@background-check/test-support';

const WORKER = 'packages/durability/src/fixtures/worker-child.ts';
const COUNT = 200;

let server: DevServer;
let client: Client;
useDevServer('load', (s, c) => {
  server = s;
  client = c;
});

async function listAll(query: string): Promise<WorkflowExecutionInfo[]> {
  const found: WorkflowExecutionInfo[] = [];
  for await (const info of client.workflow.list({ query })) found.push(info);
  return found;
}

test(`${COUNT} background checks, two workers, one killed halfway: each completes exactly once`, async () => {
  const settings = { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: NAMESPACE };
  const a = spawnTs('worker A', WORKER, [], { env: { ...settings, DURABILITY_WORKER_NAME: 'A' } });
  const b = spawnTs('worker B', WORKER, [], { env: { ...settings, DURABILITY_WORKER_NAME: 'B' } });
  await Promise.all([a.waitFor(/WORKER_RUNNING A/, 60_000), b.waitFor(/WORKER_RUNNING B/, 60_000)]);

  const ids = Array.from({ length: COUNT }, (_, i) => `load-${String(i).padStart(3, '0')}`);
  const started = Date.now();
  await startBackgroundChecks(client, ids);

  // Halfway through the checks that run straight away (about half of them sleep 60 s first):
  // by then A holds in-flight tasks and a cache of sleeping workflows.
  const done = (text: string) => countLines(text, /^ACTIVITY_DONE /);
  await until(
    '50 activities done',
    60_000,
    async () => (done(a.output()) + done(b.output()) >= 50 ? true : undefined),
    50,
  );
  a.kill('SIGKILL');
  const { signal } = await waitForExit(a, 15_000);
  expect(signal).toBe('SIGKILL');
  const doneByA = done(a.output());
  expect(doneByA).toBeGreaterThan(0); // A did real work before it died

  // All complete, as the server's visibility store sees it.
  const query = `WorkflowType="${WORKFLOW_TYPE}"`;
  await until(
    `all ${COUNT} executions completed`,
    150_000,
    async () => {
      const { count } = await client.workflow.count(`${query} AND ExecutionStatus="Completed"`);
      return count === COUNT ? true : undefined;
    },
    2_000,
  );
  const elapsedS = (Date.now() - started) / 1000;

  const executions = await listAll(query);
  // One execution per workflow id, every id present: none lost, none duplicated.
  expect(executions).toHaveLength(COUNT);
  expect(new Set(executions.map((e) => e.workflowId))).toEqual(new Set(ids));
  expect(executions.every((e) => e.status.name === 'COMPLETED')).toBe(true);

  let retried = 0;
  await Promise.all(
    ids.map(async (id) => {
      const handle = client.workflow.getHandle(id);
      const description = await handle.describe();
      expect(description.status.name).toBe('COMPLETED');
      const history = await handle.fetchHistory();
      expect(countEvents(history, 'ActivityTaskCompleted')).toBe(1);
      expect(countEvents(history, 'WorkflowExecutionCompleted')).toBe(1);
      const attempt =
        history.events!.find((e) => e.activityTaskStartedEventAttributes)?.activityTaskStartedEventAttributes
          ?.attempt ?? 1;
      if (attempt > 1) retried += 1;
      expect(await resultWithin(client, id, 30_000)).toBe('pass');
    }),
  );
  console.log(
    `load: ${COUNT} completed in ${elapsedS.toFixed(1)} s; A did ${doneByA} activities before SIGKILL, B did ${done(b.output())}; ${retried} activity retries after the kill.`,
  );
}, 240_000);
