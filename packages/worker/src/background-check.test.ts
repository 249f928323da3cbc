import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { SAMPLE_SSN, TASK_QUEUE } from '@background-check/common';
import { eventTypeName } from '@background-check/replay/src/events';
import { createTimeSkippingEnv } from '@background-check/test-support';
import { createWorker } from './worker';

// The chapter's eleven events, and the same with the timer's two in front of the activity.
const WITHOUT_TIMER = [
  'WorkflowExecutionStarted',
  'WorkflowTaskScheduled',
  'WorkflowTaskStarted',
  'WorkflowTaskCompleted',
  'ActivityTaskScheduled',
  'ActivityTaskStarted',
  'ActivityTaskCompleted',
  'WorkflowTaskScheduled',
  'WorkflowTaskStarted',
  'WorkflowTaskCompleted',
  'WorkflowExecutionCompleted',
];
const WITH_TIMER = [
  ...WITHOUT_TIMER.slice(0, 4),
  'TimerStarted',
  'TimerFired',
  'WorkflowTaskScheduled',
  'WorkflowTaskStarted',
  'WorkflowTaskCompleted',
  ...WITHOUT_TIMER.slice(4),
];

// Each run's random draw comes from its run id, which the server picks. Rather than hope for a
// branch, run executions until both branches have been seen; 40 runs miss one with p < 1e-11.
const MAX_RUNS = 40;

describe('BackgroundCheck workflow on the time-skipping test server', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;

  // One worker for the whole file, running in the background: a Worker runs only once.
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    // The prebuilt bundle, as `pnpm start:worker` runs it.
    worker = await createWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'default' });
    running = worker.run();
  });

  afterAll(async () => {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await running;
    await env?.teardown();
  });

  it('takes both branches, each with the exact event sequence, and returns "pass"', async () => {
    const seen = new Map<string, { events: string[]; timerSeconds?: number }>();
    {
      for (let i = 0; i < MAX_RUNS && seen.size < 2; i++) {
        const handle = await env.client.workflow.start('BackgroundCheck', {
          taskQueue: TASK_QUEUE,
          workflowId: `background-check-test-${i}`,
          args: [SAMPLE_SSN],
        });
        // With time skipping, waiting for the result fast-forwards the 60 s timer.
        await expect(handle.result()).resolves.toBe('pass');
        const history = await handle.fetchHistory();
        const events = (history.events ?? []).map((e) => eventTypeName(e.eventType));
        const timer = history.events?.find((e) => e.timerStartedEventAttributes)?.timerStartedEventAttributes;
        const branch = timer ? 'timer' : 'no timer';
        if (!seen.has(branch))
          seen.set(branch, { events, timerSeconds: Number(timer?.startToFireTimeout?.seconds ?? 0) });
      }
    }
    expect([...seen.keys()].sort()).toEqual(['no timer', 'timer']);
    expect(seen.get('no timer')!.events).toEqual(WITHOUT_TIMER);
    expect(seen.get('timer')!.events).toEqual(WITH_TIMER);
    expect(seen.get('timer')!.timerSeconds).toBe(60);
  });

  it('schedules ssnTrace with a 5 s schedule-to-close timeout', async () => {
    const handle = await env.client.workflow.start('BackgroundCheck', {
      taskQueue: TASK_QUEUE,
      workflowId: 'background-check-options',
      args: [SAMPLE_SSN],
    });
    await handle.result();
    const history = await handle.fetchHistory();
    const scheduled = history.events?.find(
      (e) => e.activityTaskScheduledEventAttributes,
    )?.activityTaskScheduledEventAttributes;
    expect(scheduled?.activityType?.name).toBe('ssnTrace');
    expect(Number(scheduled?.scheduleToCloseTimeout?.seconds)).toBe(5);
  });

  it('fails the execution when the SSN is malformed, without retrying the activity', async () => {
    const handle = await env.client.workflow.start('BackgroundCheck', {
      taskQueue: TASK_QUEUE,
      workflowId: 'background-check-bad-ssn',
      args: ['12-345'],
    });
    await expect(handle.result()).rejects.toThrow('Workflow execution failed');
    const history = await handle.fetchHistory();
    const started = history.events?.filter((e) => e.activityTaskStartedEventAttributes) ?? [];
    expect(started).toHaveLength(1);
    expect(started[0]!.activityTaskStartedEventAttributes!.attempt).toBe(1);
    const failed = history.events?.find(
      (e) => e.workflowExecutionFailedEventAttributes,
    )?.workflowExecutionFailedEventAttributes;
    expect(failed?.failure?.cause?.message).toContain('Invalid SSN');
  });
});
