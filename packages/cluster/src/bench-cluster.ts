// `pnpm bench:cluster [N]`: background checks completed per second with 1 and 2 worker processes, on
// the dev server and on the local self-hosted cluster, in one run (N checks each, default 200); then
// how long the cluster takes to take back a killed history service. Both servers on free ports, their
// state in a temp folder removed at the end.
//
// The chapter's workflow sleeps 60 s when its deterministic draw (seeded from the run id the server
// assigns) is below 50; no start option chooses it. So each run's branch is read from its history
// after its first workflow task: checks that go straight to the SSN trace are timed, those that sleep
// are counted apart and terminated (they would add the same 60 s timer on both servers, not load).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import {
  NAMESPACE,
  SAMPLE_SSN,
  TASK_QUEUE,
  WORKFLOW_TYPE,
  eventTypeName,
  intOption,
  parseCommandArgs,
  repoRoot,
  runCommand,
  withTimeout,
} from '@background-check/common';
import { freePort, startDevServer } from '@background-check/servers';
import { servicesAnswer, startCluster } from './cluster';

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

/** The branch a run took, from its history once its first workflow task completed (bounded). */
async function branchOf(client: Client, workflowId: string): Promise<'timer' | 'activity'> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const types = ((await client.workflow.getHandle(workflowId).fetchHistory()).events ?? []).map((e) =>
      eventTypeName(e.eventType),
    );
    if (types.includes('TimerStarted')) return 'timer';
    if (types.includes('ActivityTaskScheduled')) return 'activity';
    if (Date.now() > deadline) throw new Error(`${workflowId} had no first workflow task within 60 s.`);
    await sleep(100); // polling interval of a bounded wait
  }
}

interface Row {
  server: string;
  workers: number;
  timed: number;
  slept: number;
  seconds: number;
}

/** N checks started at once; the straight-to-trace ones timed from the first start to the last completion. */
async function measure(server: string, address: string, workerCount: number, n: number): Promise<Row> {
  const workers = await Promise.all(Array.from({ length: workerCount }, () => startWorker(address)));
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: NAMESPACE });
  try {
    const prefix = `bench-${server}-${workerCount}w`;
    const ids = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
    const started = Date.now();
    const runs = ids.map(async (workflowId) => {
      const handle = await client.workflow.start(WORKFLOW_TYPE, {
        taskQueue: TASK_QUEUE,
        workflowId,
        args: [SAMPLE_SSN],
      });
      if ((await branchOf(client, workflowId)) === 'timer') return { handle, doneAt: undefined };
      await withTimeout(handle.result(), 120_000, `${workflowId}'s result`);
      return { handle, doneAt: Date.now() };
    });
    const done = await Promise.all(runs);
    const timed = done.filter((r) => r.doneAt !== undefined);
    const seconds = (Math.max(...timed.map((r) => r.doneAt!)) - started) / 1000;
    for (const r of done)
      if (r.doneAt === undefined) await r.handle.terminate('benchmark: the sleeping branch is not timed');
    return { server, workers: workerCount, timed: timed.length, slept: n - timed.length, seconds };
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
    address: `127.0.0.1:${await freePort()}`,
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
        console.log(
          `${server.padEnd(10)}  ${workers} worker(s)  ${(row.timed / row.seconds).toFixed(1).padStart(6)} checks/s  (${row.timed} timed in ${row.seconds.toFixed(1)} s; ${row.slept} drew the 60 s sleep, not timed)`,
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
    const after = await measure('cluster', cluster.address, 1, 10);
    await connection.close();
    console.log(
      `\nCluster start (PostgreSQL initdb, schemas, four services, namespace): ${(startMs / 1000).toFixed(1)} s`,
    );
    console.log(`History service SIGKILLed and restarted: serving again ${answeredMs} ms after the restart;`);
    console.log(`  then ${after.timed} new checks completed in ${after.seconds.toFixed(1)} s (with a new worker).`);
  } finally {
    await cluster.stop();
    await dev.stop();
    fs.rmSync(state, { recursive: true, force: true });
  }
}, USAGE);
