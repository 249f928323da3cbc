// `pnpm bench:server-replay`: `pnpm test:replay --server` on 1,000 and then 10,000 open executions of a dev
// server of its own (see USAGE). A benchmark: the tests never run it (timings belong here, not in assertions).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { intOption, parseCommandArgs, repoRoot, runCommand, withTimeout } from '@background-check/common';
import { installRuntime } from '@background-check/connection';
import { prebuiltBundle } from '@background-check/replay';
import { startDevServer, type DevServer } from '@background-check/servers';
import { killAll, measure } from './measure';
import { figures, loadAverage, machine } from './report';

const USAGE = `Usage: pnpm bench:server-replay [--executions N ...] [--jobs N]
  Starts a dev server of its own (free ports, a temporary database) and a worker, opens executions of
  BenchAwaitSignal (packages/bench/src/workflows: each waits on a signal after its first workflow task),
  1000 and then 10000 of them by default, and checks them all each time with
  \`pnpm test:replay --server --workflows packages/bench/src/workflows --query "WorkflowType = 'BenchAwaitSignal'"\`.
  Prints for each: peak RSS of the check's process tree, wall time and histories/s (download included).
  --executions N   how many open executions to check; repeat it for several sizes (default 1000 and 10000)
  --jobs N         passed to pnpm test:replay (default: its own, the number of cores)`;
const WORKFLOWS = path.join(__dirname, 'workflows');
const WORKFLOW_TYPE = 'BenchAwaitSignal';
const TASK_QUEUE = 'bench-server-replay';
const NAMESPACE = 'bench';
const CONCURRENCY = 50; // requests in flight while starting and describing executions
const PNPM = process.env.npm_execpath || 'pnpm'; // the pnpm running this script, when it runs one
type Report = { summary?: { passed?: number } }; // the part of the JSON report read here

/** Calls `fn` on each item, `CONCURRENCY` at a time; resolves with the items for which it returned false. */
async function pool<T>(items: T[], fn: (item: T) => Promise<boolean>): Promise<T[]> {
  const left: T[] = [];
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      if (!(await fn(item))) left.push(item);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return left;
}

/** Opens executions `from`..`to`-1 and waits (bounded) until each has completed its first workflow task. */
async function openExecutions(client: Client, worker: Worker, from: number, to: number): Promise<void> {
  const ids = Array.from({ length: to - from }, (_, i) => `bench-${from + i}`);
  const run = worker.run();
  const bound = 300_000 + (to - from) * 100; // on a busy 2-core machine, 10,000 take about 10 minutes
  const opened = async () => {
    const start = async (workflowId: string) => {
      await client.workflow.start(WORKFLOW_TYPE, { taskQueue: TASK_QUEUE, workflowId });
      return true;
    };
    await pool(ids, start);
    // Started, task scheduled, started, completed: 4 events once the first workflow task is done.
    const firstTaskDone = async (id: string) => (await client.workflow.getHandle(id).describe()).historyLength >= 4;
    for (let waiting = ids; waiting.length > 0; await sleep(500)) waiting = await pool(waiting, firstTaskDone);
  };
  try {
    await withTimeout(opened(), bound, `Opening ${to - from} executions`);
  } finally {
    worker.shutdown();
    await run;
  }
}

/** Runs the real check on every open execution as a child process tree, and prints its figures. */
async function check(address: string, size: number, jobs: string[], dir: string): Promise<boolean> {
  const out = path.join(dir, `report-${size}.json`);
  const query = `WorkflowType = '${WORKFLOW_TYPE}'`;
  const args = ['test:replay', '--server', '--workflows', WORKFLOWS, '--query', query, '--limit', '100000'];
  args.push('--address', address, '-n', NAMESPACE, '--output', 'json', '--out', out, ...jobs);
  const m = await measure(PNPM, args, { cwd: repoRoot(), timeoutMs: 60_000 + size * 100 });
  const report = fs.existsSync(out) ? (JSON.parse(fs.readFileSync(out, 'utf8')) as Report) : undefined;
  const passed = report?.summary?.passed;
  console.log(
    `  ${`pnpm test:replay --server ${jobs.join(' ')}`.padEnd(48)}${figures(m, size)}; ${passed ?? '?'} passed`,
  );
  if (m.code === 0 && passed === size) return true;
  console.log(`    exit code ${m.code}:\n${m.output.replace(/^/gm, '    ')}`);
  return false;
}

runCommand(async () => {
  const { values } = parseCommandArgs(
    process.argv.slice(2),
    { executions: { type: 'string', multiple: true }, jobs: { type: 'string' } },
    USAGE,
  );
  const sizes = (values.executions ?? ['1000', '10000'])
    .map((n) => intOption(n, 'executions', 0))
    .sort((a, b) => a - b);
  const jobs = values.jobs ? ['--jobs', String(intOption(values.jobs, 'jobs', 0))] : [];
  installRuntime('ERROR', 'ERROR'); // not the worker's warning that it has no activities
  const dbFilename = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-server-')), 'dev-server.db');
  let server: DevServer | undefined;
  // The server and its database go at the end, and with them every execution the bench opened.
  const cleanUp = async () => {
    killAll();
    await server?.stop();
    fs.rmSync(path.dirname(dbFilename), { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  }
  try {
    server = await startDevServer({ port: 0, uiPort: 0, dbFilename, namespace: NAMESPACE, log: `${dbFilename}.log` });
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection, namespace: NAMESPACE });
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const workflowBundle = await prebuiltBundle({ workflowsPath: WORKFLOWS }, console.log);
    // Few cached workflows: they only wait, and the bench's own memory stays small.
    const workerOptions = {
      connection: nativeConnection,
      namespace: NAMESPACE,
      taskQueue: TASK_QUEUE,
      workflowBundle,
      maxCachedWorkflows: 100,
    };
    console.log(`Dev server at ${server.address}; ${machine()}`);
    let opened = 0;
    let ok = true;
    for (const size of sizes) {
      const openStarted = Date.now();
      await openExecutions(client, await Worker.create(workerOptions), opened, size);
      const took = `${size - opened} opened in ${((Date.now() - openStarted) / 1000).toFixed(0)} s`;
      console.log(`\n${size} open executions of ${WORKFLOW_TYPE} (${took}); load average ${loadAverage()}`);
      opened = size;
      ok = (await check(server.address, size, jobs, path.dirname(dbFilename))) && ok;
      console.log(`  load average after: ${loadAverage()}`);
    }
    await connection.close();
    await nativeConnection.close();
    return ok ? 0 : 1;
  } finally {
    await cleanUp();
  }
}, USAGE);
