// Malformed SSNs sent straight to the workflow (a client that skips the starter's check): the
// execution fails at once with the activity's non-retryable InvalidSsn failure, the starter's
// describeFailure turns it into one sentence, and the value is never echoed. On the time-skipping
// test server, so a run that draws the 60 s sleep costs nothing.
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { TASK_QUEUE, WORKFLOW_TYPE } from '@background-check/common';
import { createTimeSkippingEnv, countEvents } from '@background-check/test-support';
import { describeFailure } from '@background-check/starter';
import { createWorker } from '@background-check/worker';

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  worker = await createWorker({ connection: env.nativeConnection, namespace: 'default' });
  running = worker.run();
}, 60_000);

afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await env?.teardown();
});

const cases: Array<[string, unknown, string]> = [
  ['a number', 555555555, 'the SSN must be a string, got number'],
  ['null', null, 'the SSN must be a string, got null'],
  ['an object holding an SSN', { ssn: '555-55-5555' }, 'the SSN must be a string, got object'],
  ['an empty string', '', 'the SSN is empty'],
  ['the wrong shape', '55-555-5555', 'the SSN is not in the form ###-##-#### (digits and dashes)'],
  ['too long', '555-55-5555-1', 'the SSN is too long (13 characters; expected 11 as ###-##-####)'],
];

test.each(cases)('%s: the execution fails once, clearly, without retries', async (label, ssn, problem) => {
  const workflowId = `direct-bad-ssn-${label.replace(/ /g, '-')}`;
  const handle = await env.client.workflow.start(WORKFLOW_TYPE, { taskQueue: TASK_QUEUE, workflowId, args: [ssn] });
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  expect(describeFailure(err)).toContain(
    `Background check failed: activity ssnTrace failed: Invalid SSN: ${problem}. Pass an SSN in the form ###-##-####`,
  );

  const history = await handle.fetchHistory();
  expect(countEvents(history, 'ActivityTaskFailed')).toBe(1);
  expect(countEvents(history, 'WorkflowExecutionFailed')).toBe(1);
  const started = history.events!.find(
    (e) => e.activityTaskStartedEventAttributes,
  )!.activityTaskStartedEventAttributes!;
  expect(started.attempt).toBe(1); // non-retryable: no second attempt
  const failure = history.events!.find((e) => e.activityTaskFailedEventAttributes)!.activityTaskFailedEventAttributes!
    .failure!;
  expect(failure.applicationFailureInfo?.type).toBe('InvalidSsn');
  expect(failure.applicationFailureInfo?.nonRetryable).toBe(true);
});
