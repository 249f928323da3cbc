// Fault: the history service is SIGKILLed while background checks sleep on their 60 s timer, then
// started again with the same configuration. Nothing is lost: every check completes once with "pass".
import type { Client, Connection } from '@temporalio/client';
import type { Cluster } from '../src';
import { checksSurvive, killService, untilServing, useCluster } from './cluster-suite';

const env = {} as { cluster: Cluster; client: Client; connection: Connection };
useCluster('history-kill', (cluster, client, connection) => Object.assign(env, { cluster, client, connection }));

test('history SIGKILLed while checks sleep, then restarted: every check completes exactly once with "pass"', async () => {
  const figures = await checksSurvive(env, 'history-kill', async () => {
    await killService(env, 'history');
    const restarted = env.cluster.startService('history');
    const backMs = await untilServing(env.connection, 'history to answer again after its restart');
    expect(restarted.exitCode).toBeNull();
    console.log(`history service restarted: answering again ${backMs} ms after the restart`);
  });
  console.log(`history kill: ${JSON.stringify(figures)}`);
}, 300_000);
