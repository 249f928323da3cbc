// Fault: PostgreSQL, the cluster's persistence and visibility store, restarts (fast shutdown: open
// connections are cut, then the same server on the same data and port) while background checks sleep.
import type { Client, Connection } from '@temporalio/client';
import { pidAlive } from '@background-check/test-support';
import type { Cluster } from '../src';
import { checksSurvive, untilServing, useCluster } from './cluster-suite';

const env = {} as { cluster: Cluster; client: Client; connection: Connection };
useCluster('postgres-restart', (cluster, client, connection) => Object.assign(env, { cluster, client, connection }));

test('a PostgreSQL fast restart in the middle of a run: every check completes exactly once with "pass"', async () => {
  const figures = await checksSurvive(env, 'pg-restart', async () => {
    const before = env.cluster.postgres.child.pid!;
    const from = Date.now();
    await env.cluster.restartPostgres();
    const restartMs = Date.now() - from;
    expect(pidAlive(before)).toBe(false);
    expect(env.cluster.postgres.child.pid).not.toBe(before);
    const servingMs = await untilServing(env.connection, 'the cluster to serve again after the PostgreSQL restart');
    console.log(`PostgreSQL fast restart took ${restartMs} ms; the cluster served again ${servingMs} ms later`);
  });
  console.log(`postgres restart: ${JSON.stringify(figures)}`);
}, 300_000);
