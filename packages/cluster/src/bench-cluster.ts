// `pnpm bench:cluster [N]`: background checks completed per second with 1 and 2 worker processes, on
// the dev server and on the local self-hosted cluster, in one run (N checks each, default 200); then
// how long the cluster takes to take back a killed history service. Both servers on free ports, their
// state in a temp folder removed at the end.
//
// The chapter's workflow sleeps 60 s when its deterministic draw (seeded from the run id the server
// assigns) is below 50; no start option chooses it. So the two branches are reported apart, each run's
// branch read from its history afterwards: checks that go straight to the SSN trace, timed from the first
// start; and checks that slept, timed from the first timer firing (the timers fire together, 60 s on).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import {
  NAMESPACE,
  SAMPLE_SSN,
  TASK_QUEUE,
  WORKFLOW_TYPE,
  intOption,
  parseCommandArgs,
  repoRoot,
  runCommand,
  withTimeout,
} from '@background-check/common';
import { eventTypeName } from '@background-check/replay/src/events';
import { startDevServer } from '@background-check/servers';
import { clusterPort, servicesAnswer, startCluster } from './cluster';

const USAGE = `Usage: pnpm bench:cluster [N]
  Background checks per second (N each, default 200) with 1 and 2 workers, on the dev server and on a local
  self-hosted cluster (built and started like \`pnpm start:cluster\`, on free ports), then the time the cluster
  takes to take back a SIGKILLed history service.`;

const TS_NODE = require.resolve('ts-node/dist/bin.js', { paths: [repoRoot()] });

/** `pnpm start:worker` as its own process, once it polls. */
async function startWorker(address: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [TS_NODE, path.join(repoRoot(), 'packages/worker/src/main.ts')], {
    env: { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: NAMESPACE, TS_NODE_TRANSPILE_ONLY: 'true' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const started = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      output += d;
      if (/Worker started/.test(output)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`The worker exited (${code}) before it started:\n${output}`)));
  });
  await withTimeout(started, 90_000, 'the worker');
  return child;
}

async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  await Promise.all(
    workers.map(async (w) => {
      if (w.exitCode !== null) return;
      const exited = once(w, 'exit');
      w.kill('SIGTERM');
      const timer = setTimeout(() => w.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }),
  );
}

interface Row {
  server: string;
  workers: number;
  straight: { checks: number; seconds: number }; // from the first one's start to the last completion
  slept: { checks: number; seconds: number }; // from the first timer firing to the last completion
}

const rate = (r: { checks: number; seconds: number }) => `${(r.checks / r.seconds).toFixed(1).padStart(6)} checks/s`;

/** The server's time of the first event of the type in the history, in ms. */
const eventTime = (history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>, type: string) => {
  const event = history.events?.find((e) => eventTypeName(e.eventType) === type);
  return event ? Number(event.eventTime!.seconds) * 1000 + event.eventTime!.nanos! / 1e6 : undefined;
};

/**
 * N checks started at once, then awaited; the times are the server's, from each history: when the first
 * started, when each timer fired and each check completed (a client's view of completions would queue
 * behind its other long polls).
 */
async function measure(server: string, address: string, workerCount: number, n: number): Promise<Row> {
  const workers = await Promise.all(Array.from({ length: workerCount }, () => startWorker(address)));
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: NAMESPACE });
  try {
    const prefix = `bench-${server.replace(/ /g, '-')}-${workerCount}w`;
    const handles = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        client.workflow.start(WORKFLOW_TYPE, {
          taskQueue: TASK_QUEUE,
          workflowId: `${prefix}-${i}`,
          args: [SAMPLE_SSN],
        }),
      ),
    );
    for (const handle of handles) await withTimeout(handle.result(), 180_000, `${handle.workflowId}'s result`);
    const runs = await Promise.all(
      handles.map(async (handle) => {
        const history = await handle.fetchHistory();
        const at = (type: string) => eventTime(history, type);
        return {
          startedAt: at('WorkflowExecutionStarted')!,
          firedAt: at('TimerFired'),
          doneAt: at('WorkflowExecutionCompleted')!,
        };
      }),
    );
    const straight = runs.filter((r) => r.firedAt === undefined);
    const slept = runs.filter((r) => r.firedAt !== undefined);
    const span = (from: number[], to: number[]) => (Math.max(...to) - Math.min(...from)) / 1000;
    return {
      server,
      workers: workerCount,
      straight: {
        checks: straight.length,
        seconds: span(
          straight.map((r) => r.startedAt),
          straight.map((r) => r.doneAt),
        ),
      },
      slept: {
        checks: slept.length,
        seconds: span(
          slept.map((r) => r.firedAt!),
          slept.map((r) => r.doneAt),
        ),
      },
    };
  } finally {
    await connection.close();
    await stopWorkers(workers);
  }
}

runCommand(async () => {
  const { positionals } = parseCommandArgs(process.argv.slice(2), {}, USAGE, true);
  const n = intOption(positionals[0], 'checks', 200);
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cluster-'));
  fs.chmodSync(state, 0o755); // PostgreSQL may run as its own user (when this runs as root): it must reach its data
  const dev = await startDevServer({
    port: 0,
    uiPort: 0,
    dbFilename: path.join(state, 'dev.db'),
    log: path.join(state, 'dev.log'),
  });
  let startMs = Date.now();
  const cluster = await startCluster({
    address: `127.0.0.1:${await clusterPort()}`,
    dir: path.join(state, 'cluster'),
    log: console.log,
  }).catch(async (err: unknown) => {
    await dev.stop();
    throw err;
  });
  startMs = Date.now() - startMs;
  try {
    const rows: Row[] = [];
    for (const [server, address] of [
      ['dev server', dev.address],
      ['cluster', cluster.address],
    ] as const) {
      for (const workers of [1, 2]) {
        const row = await measure(server, address, workers, n);
        rows.push(row);
        const { straight, slept } = row;
        console.log(
          `${server.padEnd(10)}  ${workers} worker(s)  no sleep: ${rate(straight)} (${straight.checks} in ${straight.seconds.toFixed(1)} s)` +
            `   after the 60 s sleep: ${rate(slept)} (${slept.checks} in ${slept.seconds.toFixed(1)} s from the first timer)`,
        );
      }
    }

    // The history service SIGKILLed and started again at once: until it serves, then until a check completes.
    const connection = await Connection.connect({ address: cluster.address });
    const victim = cluster.services.history;
    const exited = once(victim, 'exit');
    process.kill(victim.pid!, 'SIGKILL');
    await withTimeout(exited, 10_000, 'the SIGKILLed history service');
    const restartedAt = Date.now();
    cluster.startService('history');
    while (!(await servicesAnswer(connection, NAMESPACE, ['history']))) {
      if (Date.now() - restartedAt > 120_000)
        throw new Error('The history service did not answer within 120 s of its restart.');
      await sleep(100); // polling interval of a bounded wait
    }
    const answeredMs = Date.now() - restartedAt;
    const after = await measure('cluster after the kill', cluster.address, 1, 10);
    await connection.close();
    console.log(
      `\nCluster start (PostgreSQL initdb, schemas, four services, namespace): ${(startMs / 1000).toFixed(1)} s`,
    );
    console.log(`History service SIGKILLed and restarted: serving again ${answeredMs} ms after the restart;`);
    console.log(
      `  then ${after.straight.checks} new checks that did not sleep completed in ${after.straight.seconds.toFixed(1)} s.`,
    );
  } finally {
    await cluster.stop();
    await dev.stop();
    fs.rmSync(state, { recursive: true, force: true });
  }
}, USAGE);
