// The walkthrough's claims about the TypeScript workflow sandbox that the replay package's tests
// don't cover: setTimeout is a durable timer, the clock stands still within a workflow task, Map
// iteration order is replayed as is, and each run draws from its own seed. On a real dev server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON, type History } from '@temporalio/common/lib/proto-utils';
import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { startDevServer, type DevServer } from '@background-check/servers';
import type * as sandbox from './fixtures/sandbox.workflow';

const TASK_QUEUE = 'walkthrough-sandbox';

describe('the workflow sandbox, as the walkthrough describes it', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'walkthrough-sandbox-'));
  let server: DevServer;
  let connection: Connection;
  let client: Client;
  let bundle: WorkflowBundle;
  let worker: Worker;
  let running: Promise<void>;

  beforeAll(async () => {
    const quiet = {
      trace: () => {},
      debug: () => {},
      info: () => {},
      log: () => {},
      warn: () => {},
      error: console.error,
    };
    const workflowsPath = require.resolve('./fixtures/sandbox.workflow');
    [server, bundle] = await Promise.all([
      startDevServer({
        port: 0,
        uiPort: 0,
        dbFilename: path.join(tmp, 'dev.db'),
        log: path.join(tmp, 'server.log'),
        namespace: 'default',
      }),
      bundleWorkflowCode({ workflowsPath, logger: quiet }),
    ]);
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    worker = await Worker.create({ connection: nativeConnection, taskQueue: TASK_QUEUE, workflowBundle: bundle });
    running = worker.run().finally(() => nativeConnection.close());
  }, 120_000);

  afterAll(async () => {
    if (worker) {
      worker.shutdown();
      await running;
    }
    await connection?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function runToEnd<T>(type: keyof typeof sandbox, workflowId: string): Promise<{ result: T; history: History }> {
    const handle = await client.workflow.start(type, {
      taskQueue: TASK_QUEUE,
      workflowId,
      workflowExecutionTimeout: '30s',
    });
    const result = (await handle.result()) as T;
    return { result, history: await handle.fetchHistory() };
  }

  async function replays(history: History, workflowId: string): Promise<void> {
    // Through the JSON a history file holds, as `pnpm test:replay` reads it.
    const fromFile = JSON.parse(historyToJSON(history)) as History;
    await Worker.runReplayHistory({ workflowBundle: bundle }, fromFile, workflowId);
  }

  const timerMs = (history: History) =>
    history.events!.flatMap((e) => {
      const timeout = e.timerStartedEventAttributes?.startToFireTimeout;
      return timeout ? [Number(timeout.seconds ?? 0) * 1000 + Math.round((timeout.nanos ?? 0) / 1e6)] : [];
    });

  test('setTimeout() in workflow code starts a durable timer: TimerStarted and TimerFired in the history', async () => {
    const { result, history } = await runToEnd<number>('timerFromSetTimeout', 'set-timeout');
    expect(timerMs(history)).toEqual([2_000]);
    expect(history.events!.filter((e) => e.timerFiredEventAttributes)).toHaveLength(1);
    expect(result).toBeGreaterThanOrEqual(2_000);
    await replays(history, 'set-timeout');
  });

  test('Date.now() stands still while workflow code runs and moves with a timer', async () => {
    const { result, history } = await runToEnd<{ busy: number; slept: number; spins: number }>(
      'frozenClock',
      'frozen-clock',
    );
    expect(result.spins).toBeGreaterThan(0);
    expect(result.busy).toBe(0);
    expect(result.slept).toBeGreaterThanOrEqual(1_000);
    await replays(history, 'frozen-clock');
  });

  test('a Map iterates in insertion order: the timers are started in that order, and the history replays', async () => {
    const { result, history } = await runToEnd<string[]>('iterationOrder', 'iteration-order');
    expect(result).toEqual(['third', 'first', 'second']);
    expect(timerMs(history)).toEqual([300, 100, 200]);
    await replays(history, 'iteration-order');
  });

  test('each run has its own run id, recorded in its first event, and Math.random() draws anew in a new run', async () => {
    const first = await runToEnd<{ runId: string; draw: number }>('drawWithRunId', 'same-workflow-id');
    const second = await runToEnd<{ runId: string; draw: number }>('drawWithRunId', 'same-workflow-id');
    expect(second.result.runId).not.toBe(first.result.runId);
    expect(second.result.draw).not.toBe(first.result.draw);
    for (const run of [first, second]) {
      expect(run.history.events![0]!.workflowExecutionStartedEventAttributes!.originalExecutionRunId).toBe(
        run.result.runId,
      );
      await replays(run.history, 'same-workflow-id');
    }
  });
});
