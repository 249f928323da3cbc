// Activity faults, on the time-skipping test server (awaiting a result skips the 60 s sleep;
// activity timeouts and retries still run in real time, since time stands still only while no
// task is outstanding):
// - a transient failure is retried and the check completes;
// - an activity that cannot finish within the 5 s schedule-to-close timeout fails the execution
//   with a timeout that `pnpm start:workflow` prints as one plain sentence.
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { SAMPLE_SSN } from '@background-check/common';
import {
  spawnTs,
  waitForExit,
  type Child,
  STACK_FRAME,
  countEvents,
  startBackgroundChecks,
  useTimeSkippingEnv,
  resultWithin,
} from '@background-check/test-support';

const WORKER = 'packages/durability/src/fixtures/worker-child.ts';
const STARTER = 'packages/starter/src/start-workflow.ts';

let env: TestWorkflowEnvironment;
useTimeSkippingEnv((e) => {
  env = e;
});

async function startWorker(name: string, mode: string): Promise<Child> {
  const worker = spawnTs(`worker ${name}`, WORKER, [], {
    env: {
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: 'default',
      DURABILITY_WORKER_NAME: name,
      DURABILITY_ACTIVITY: mode,
    },
  });
  await worker.waitFor(new RegExp(`WORKER_RUNNING ${name}`), 60_000);
  return worker;
}

test('a transient activity failure is retried and the check completes', async () => {
  const worker = await startWorker('flaky', 'fail-first');
  const [handle] = await startBackgroundChecks(env.client, ['transient-1']);
  expect(await resultWithin(env.client, handle!.workflowId, 60_000)).toBe('pass');

  expect(worker.output()).toMatch(/ACTIVITY_FAIL workflowId=transient-1 attempt=1/);
  expect(worker.output()).toMatch(/ACTIVITY_DONE workflowId=transient-1 attempt=2 worker=flaky result=pass/);
  const history = await handle!.fetchHistory();
  expect(countEvents(history, 'ActivityTaskScheduled')).toBe(1);
  expect(countEvents(history, 'ActivityTaskCompleted')).toBe(1);
  const started = history.events!.find(
    (e) => e.activityTaskStartedEventAttributes,
  )!.activityTaskStartedEventAttributes!;
  expect(started.attempt).toBe(2);
  worker.kill('SIGTERM');
  await waitForExit(worker, 15_000);
}, 90_000);

test('an activity that cannot finish within the 5 s schedule-to-close timeout fails the check, and the starter says so plainly', async () => {
  const worker = await startWorker('slow', 'slow');
  const id = 'too-slow-1';
  const starter = spawnTs(
    'pnpm start:workflow',
    STARTER,
    ['--workflow-id', id, '--ssn', SAMPLE_SSN, '--timeout', '60'],
    {
      env: { TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: 'default' },
    },
  );
  await starter.waitFor(/Started BackgroundCheck/, 30_000);
  // Awaiting here too lets the server skip the 60 s sleep if this run drew it.
  const failure = await env.client.workflow
    .getHandle(id)
    .result()
    .catch((err: unknown) => err);
  expect(failure).toBeInstanceOf(WorkflowFailedError);

  const exit = await waitForExit(starter, 30_000);
  expect(exit.code).toBe(1);
  const printed = starter.stderr().trim();
  expect(printed).toBe('Background check failed: activity ssnTrace failed: timed out (schedule-to-close timeout)');
  expect(starter.output()).not.toMatch(STACK_FRAME);

  // The worker really started attempts (each cut off by the 2 s start-to-close timeout) until 5 s ran out.
  expect(worker.output()).toMatch(new RegExp(`ACTIVITY_START workflowId=${id} attempt=1`));
  const history = await env.client.workflow.getHandle(id).fetchHistory();
  expect(countEvents(history, 'ActivityTaskTimedOut')).toBe(1);
  expect(countEvents(history, 'WorkflowExecutionFailed')).toBe(1);
  worker.kill('SIGTERM');
  await waitForExit(worker, 15_000);
}, 90_000);
