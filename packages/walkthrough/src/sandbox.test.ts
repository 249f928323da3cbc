// The walkthrough's claims about the TypeScript workflow sandbox that the replay package's tests
// don't cover: setTimeout is a durable timer, the clock stands still within a workflow task, Map
// iteration order is replayed as is, and each run draws from its own seed. Real time-skipping server.
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON, type History } from '@temporalio/common/lib/proto-utils';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { eventTypeName } from '@background-check/history';
import { createTimeSkippingEnv } from '@background-check/servers';
import type * as sandbox from './workflows/sandbox.workflow';

const TASK_QUEUE = 'walkthrough-sandbox';

describe('the workflow sandbox, as the walkthrough describes it', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundle;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    const quiet = { trace: () => undefined, debug: () => undefined, info: () => undefined, log: () => undefined, warn: () => undefined, error: console.error };
    [env, bundle] = await Promise.all([createTimeSkippingEnv(), bundleWorkflowCode({ workflowsPath: require.resolve('./workflows/sandbox.workflow'), logger: quiet })]);
    worker = await Worker.create({ connection: env.nativeConnection, taskQueue: TASK_QUEUE, workflowBundle: bundle });
    running = worker.run();
  });

  afterAll(async () => {
    if (worker) {
      worker.shutdown();
      await running;
    }
    await env?.teardown();
  });

  async function runToEnd<T>(type: keyof typeof sandbox, workflowId: string): Promise<{ result: T; history: History; handle: WorkflowHandle }> {
    const handle = await env.client.workflow.start(type, { taskQueue: TASK_QUEUE, workflowId });
    const result = (await handle.result()) as T;
    return { result, history: await handle.fetchHistory(), handle };
  }

  async function replays(history: History, workflowId: string): Promise<void> {
    // Through the JSON a history file holds, as `pnpm test:replay` reads it.
    const fromFile = JSON.parse(historyToJSON(history)) as History;
    await Worker.runReplayHistory({ workflowBundle: bundle }, fromFile, workflowId);
  }

  const types = (history: History) => history.events!.map((e) => eventTypeName(e.eventType));
  const timerSeconds = (history: History) =>
    history.events!.filter((e) => e.timerStartedEventAttributes).map((e) => Number(e.timerStartedEventAttributes!.startToFireTimeout!.seconds));

  test('setTimeout() in workflow code starts a durable timer: TimerStarted and TimerFired in the history', async () => {
    const { result, history } = await runToEnd<number>('timerFromSetTimeout', 'set-timeout');
    expect(types(history)).toEqual(expect.arrayContaining(['TimerStarted', 'TimerFired']));
    expect(timerSeconds(history)).toEqual([30]);
    expect(result).toBeGreaterThanOrEqual(30_000);
    await replays(history, 'set-timeout');
  });

  test('Date.now() stands still while workflow code runs and moves with a timer', async () => {
    const { result, history } = await runToEnd<{ busy: number; slept: number; spins: number }>('frozenClock', 'frozen-clock');
    expect(result.spins).toBeGreaterThan(0);
    expect(result.busy).toBe(0);
    expect(result.slept).toBeGreaterThanOrEqual(10_000);
    await replays(history, 'frozen-clock');
  });

  test('a Map iterates in insertion order: the timers are started in that order, and the history replays', async () => {
    const { result, history } = await runToEnd<string[]>('iterationOrder', 'iteration-order');
    expect(result).toEqual(['third', 'first', 'second']);
    expect(timerSeconds(history)).toEqual([3, 1, 2]);
    await replays(history, 'iteration-order');
  });

  test('each run has its own run id, recorded in its first event, and Math.random() draws anew in a new run', async () => {
    const first = await runToEnd<{ runId: string; draw: number }>('drawWithRunId', 'same-workflow-id');
    const second = await runToEnd<{ runId: string; draw: number }>('drawWithRunId', 'same-workflow-id');
    expect(second.result.runId).not.toBe(first.result.runId);
    expect(second.result.draw).not.toBe(first.result.draw);
    for (const run of [first, second]) {
      expect(run.history.events![0]!.workflowExecutionStartedEventAttributes!.originalExecutionRunId).toBe(run.result.runId);
      await replays(run.history, 'same-workflow-id');
    }
  });
});
