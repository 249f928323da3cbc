// Test helpers for the cluster tier: a cluster of the file's own on free ports (never 7233) in a temp
// folder, the real worker command against it, and the checks that every execution completed once.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NAMESPACE, withTimeout } from '@background-check/common';
import {
  countEvents,
  eventTypes,
  killAllChildren,
  resultWithin,
  spawnTs,
  startUntilBranch,
  tempDir,
  until,
} from '@background-check/test-support';
import { PG_USER, clusterPort, findPostgres, servicesAnswer, startCluster, type Cluster } from '../src';

/** One cluster and a client for a whole test file; every process it started is stopped by pid afterwards. */
export function useCluster(label: string, ready: (cluster: Cluster, client: Client, connection: Connection) => void) {
  let cluster: Cluster | undefined;
  let connection: Connection | undefined;
  const dir = tempDir(`cluster-${label}`);
  beforeAll(async () => {
    fs.chmodSync(dir, 0o755); // PostgreSQL runs as its own user when the tests run as root: it must reach its data
    cluster = await startCluster({ address: `127.0.0.1:${await clusterPort()}`, dir });
    connection = await Connection.connect({ address: cluster.address });
    ready(cluster, new Client({ connection, namespace: NAMESPACE }), connection);
  }, 180_000);
  afterAll(async () => {
    await killAllChildren();
    await connection?.close();
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true }); // PostgreSQL's data: tens of MB
  }, 90_000);
}

/** `pnpm start:worker` against the cluster, once it polls. */
export async function startWorker(cluster: Cluster, name = 'worker') {
  const env = { TEMPORAL_ADDRESS: cluster.address, TEMPORAL_NAMESPACE: NAMESPACE };
  const worker = spawnTs(name, 'packages/worker/src/main.ts', [], { env });
  await worker.waitFor(/Worker started/, 90_000);
  return worker;
}

/** A query on the cluster's PostgreSQL (psql, as the cluster's database user): one value. */
export function psql(port: number, database: string, query: string): string {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-U', PG_USER, '-d', database, '-tAc', query];
  const run = spawnSync(path.join(findPostgres().bindir, 'psql'), args, { encoding: 'utf8', timeout: 30_000 });
  if (run.status !== 0) throw new Error(`psql ${query}: ${run.stderr}`);
  return run.stdout.trim();
}

/** Waits until history and matching answer through the frontend; returns the milliseconds it took. */
export async function untilServing(connection: Connection, what: string, timeoutMs = 90_000): Promise<number> {
  const from = Date.now();
  await until(what, timeoutMs, async () => ((await servicesAnswer(connection, NAMESPACE)) ? true : undefined));
  return Date.now() - from;
}

/**
 * Every check returned "pass", and each completed exactly once: one activity completion and one close in its
 * history, and one Completed row per check in the SQL visibility table on PostgreSQL.
 */
export async function expectEachPassedOnce(cluster: Cluster, client: Client, ids: string[], timeoutMs: number) {
  const results = await Promise.all(ids.map((id) => resultWithin(client, id, timeoutMs)));
  expect(results).toEqual(ids.map(() => 'pass'));
  for (const id of ids) {
    const history = await client.workflow.getHandle(id).fetchHistory();
    expect([id, countEvents(history, 'ActivityTaskCompleted')]).toEqual([id, 1]);
    expect([id, countEvents(history, 'WorkflowExecutionCompleted')]).toEqual([id, 1]);
  }
  const list = ids.map((id) => `'${id}'`).join(', ');
  // Status 2 is WORKFLOW_EXECUTION_STATUS_COMPLETED; visibility is written asynchronously, so wait for it.
  const query = `SELECT count(*) FROM executions_visibility WHERE workflow_id IN (${list}) AND status = 2`;
  await until(`${ids.length} completed rows in SQL visibility`, 30_000, async () =>
    psql(cluster.postgres.port, 'temporal_visibility', query) === String(ids.length) ? true : undefined,
  );
  expect((await client.workflow.count(`WorkflowId IN (${list}) AND ExecutionStatus = 'Completed'`)).count).toBe(
    ids.length,
  );
}

/**
 * The fault tests' shape: a worker runs; checks are started until `want` of them sleep on the 60 s timer;
 * `fault` breaks part of the cluster and brings it back (it returns the moment it was back); then every
 * check completes exactly once with "pass", and the sleeping ones' timers fired after the fault: their
 * sleep spanned it. Returns the figures it measured.
 */
export async function checksSurvive(
  env: { cluster: Cluster; client: Client },
  prefix: string,
  fault: () => Promise<void>,
): Promise<{ checks: number; sleeping: number; allDoneAfterMs: number }> {
  const { cluster, client } = env;
  await startWorker(cluster);
  const { wanted: sleeping, others } = await startUntilBranch(client, prefix, 'timer', {
    want: 3,
    batchSize: 6,
    maxBatches: 8,
  });
  for (const id of sleeping)
    expect(eventTypes(await client.workflow.getHandle(id).fetchHistory())).not.toContain('TimerFired');
  await fault();
  const backAt = Date.now();
  const all = [...sleeping, ...others];
  await expectEachPassedOnce(cluster, client, all, 150_000);
  for (const id of sleeping) {
    const fired = (await client.workflow.getHandle(id).fetchHistory()).events!.find((e) => e.timerFiredEventAttributes);
    expect(Number(fired!.eventTime!.seconds) * 1000).toBeGreaterThan(backAt - 1000);
  }
  return { checks: all.length, sleeping: sleeping.length, allDoneAfterMs: Date.now() - backAt };
}

/** SIGKILLs a service by pid and waits (bounded) until it is gone and the frontend reports it unreachable. */
export async function killService(env: { cluster: Cluster; connection: Connection }, name: 'history' | 'matching') {
  const victim = env.cluster.services[name];
  const exited = once(victim, 'exit');
  process.kill(victim.pid!, 'SIGKILL');
  await withTimeout(exited, 10_000, `the SIGKILLed ${name} service's exit`);
  expect(victim.signalCode).toBe('SIGKILL');
  await until(`requests that need ${name} to fail`, 30_000, async () =>
    (await servicesAnswer(env.connection, NAMESPACE, [name])) ? undefined : true,
  );
}

/** The service-kill fault: SIGKILL it while checks sleep, start it again at once; nothing is lost. */
export async function serviceKillLosesNothing(
  env: { cluster: Cluster; client: Client; connection: Connection },
  name: 'history' | 'matching',
): Promise<void> {
  const figures = await checksSurvive(env, `${name}-kill`, async () => {
    await killService(env, name);
    const restarted = env.cluster.startService(name);
    const backMs = await untilServing(env.connection, `${name} to answer again after its restart`);
    expect(restarted.exitCode).toBeNull();
    console.log(`${name} service restarted: answering again ${backMs} ms after the restart`);
  });
  console.log(`${name} kill: ${JSON.stringify(figures)}`);
}
