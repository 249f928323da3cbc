// Fault: the history service is SIGKILLed while background checks sleep on their 60 s timer, then
// started again with the same configuration. Nothing is lost: every check completes once with "pass".
import type { Client, Connection } from '@temporalio/client';
import type { Cluster } from '../src';
import { serviceKillLosesNothing, useCluster } from './cluster-suite';

const env = {} as { cluster: Cluster; client: Client; connection: Connection };
useCluster('history-kill', (cluster, client, connection) => Object.assign(env, { cluster, client, connection }));

test('history SIGKILLed while checks sleep, then restarted: every check completes exactly once with "pass"', async () => {
  await serviceKillLosesNothing(env, 'history');
}, 300_000);
