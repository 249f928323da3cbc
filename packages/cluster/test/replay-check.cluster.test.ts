// The deploy check (`pnpm test:replay --server --query Q --build-id ID`) on the cluster's SQL visibility
// on PostgreSQL gives the verdicts it gives on the dev server, with Worker Versioning. Build v1 is the
// replay catalogue's reorder variant (the activity before the timer); the working tree's code, which the
// check replays, is the change shipping as v2. Executions pinned to v1 that sleep on the timer are
// exempt (safe-while-pinned); an AUTO_UPGRADE one would run v2 and fail (unsafe); closed executions
// that never slept replay the same (safe).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { VersioningOverride } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import * as activities from '@background-check/activities';
import { DEPLOYMENT_NAME, NAMESPACE, SAMPLE_SSN, TASK_QUEUE, WORKFLOW_TYPE, repoRoot } from '@background-check/common';
import { eventTypeName } from '@background-check/replay/src/events';
import { findTemporalCli, type DevServer } from '@background-check/servers';
import { spawnTs, startDevServerIn, tempDir, until } from '@background-check/test-support';
import type { Cluster } from '../src';
import { useCluster } from './cluster-suite';

const V1_WORKFLOWS = path.join(
  repoRoot(),
  'packages/replay/test/fixtures/variants/reorder-activity-and-timer.workflow.ts',
);

let cluster: Cluster;
let clusterClient: Client;
useCluster('replay-check', (c, client) => ((cluster = c), (clusterClient = client)));
let devServer: DevServer | undefined;
afterAll(() => devServer?.stop(), 60_000);

/** `temporal worker deployment ...` against one server, as the walkthrough runs it. */
function deployment(address: string, ...args: string[]): string {
  const cli = spawnSync(
    findTemporalCli(),
    ['worker', 'deployment', ...args, '--address', address, '--namespace', NAMESPACE],
    { encoding: 'utf8', timeout: 30_000 },
  );
  if (cli.status !== 0) throw new Error(`temporal worker deployment ${args.join(' ')}: ${cli.stderr}`);
  return cli.stdout;
}

/** Starts executions until `want.sleeping` sleep on the timer (after the activity, in v1) and `want.closed` closed without. */
async function startRuns(
  client: Client,
  prefix: string,
  want: { sleeping: number; closed: number },
  versioningOverride?: VersioningOverride,
) {
  const runs = { sleeping: [] as string[], closed: [] as string[] };
  for (let i = 0; (runs.sleeping.length < want.sleeping || runs.closed.length < want.closed) && i < 30; i++) {
    const workflowId = `${prefix}-${i}`;
    await client.workflow.start(WORKFLOW_TYPE, {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: [SAMPLE_SSN],
      versioningOverride,
    });
    const kind = await until(`${workflowId} to sleep or complete`, 30_000, async () => {
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      const types = (history.events ?? []).map((e) => eventTypeName(e.eventType));
      if (types.includes('TimerStarted')) return 'sleeping';
      return types.includes('WorkflowExecutionCompleted') ? 'closed' : undefined;
    });
    runs[kind].push(workflowId);
  }
  expect(runs.sleeping.length).toBeGreaterThanOrEqual(want.sleeping);
  expect(runs.closed.length).toBeGreaterThanOrEqual(want.closed);
  return runs;
}

/** The deploy check through the real command: its verdicts and exit code. */
async function deployCheck(address: string, ids: string[]) {
  const query = `WorkflowId IN (${ids.map((id) => `'${id}'`).join(', ')})`;
  const args = ['--server', '--query', query, '--build-id', 'v2', '--format', 'json'];
  const check = spawnTs('test:replay', 'packages/replay/src/cli.ts', args, {
    env: { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: NAMESPACE },
  });
  const { code } = await check.exited;
  const report = JSON.parse(check.stdout()) as { verdicts: Record<string, string> };
  return { verdict: report.verdicts[WORKFLOW_TYPE], code };
}

/** On one server: build v1 runs as the current version; the check of v2 on three sets of executions. */
async function verdictsOn(address: string, client: Client) {
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace: NAMESPACE,
    taskQueue: TASK_QUEUE,
    activities,
    workflowsPath: V1_WORKFLOWS,
    workerDeploymentOptions: {
      version: { deploymentName: DEPLOYMENT_NAME, buildId: 'v1' },
      useWorkerVersioning: true,
      defaultVersioningBehavior: 'PINNED',
    },
  });
  const running = worker.run();
  try {
    await until('version v1 to be registered', 60_000, async () => {
      try {
        return deployment(address, 'describe-version', '--deployment-name', DEPLOYMENT_NAME, '--build-id', 'v1');
      } catch {
        return undefined;
      }
    });
    deployment(address, 'set-current-version', '--deployment-name', DEPLOYMENT_NAME, '--build-id', 'v1', '--yes');
    const pinned = await startRuns(client, 'pinned', { sleeping: 2, closed: 1 });
    const auto = await startRuns(client, 'auto', { sleeping: 1, closed: 0 }, 'AUTO_UPGRADE');
    return {
      pinnedSleeping: await deployCheck(address, pinned.sleeping),
      withAutoUpgrade: await deployCheck(address, [...pinned.sleeping, ...auto.sleeping]),
      closedNeverSlept: await deployCheck(address, pinned.closed),
    };
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
  }
}

test('test:replay --server --build-id: the same verdicts on the cluster (SQL visibility on PostgreSQL) as on the dev server', async () => {
  const onCluster = await verdictsOn(cluster.address, clusterClient);
  devServer = await startDevServerIn(tempDir('replay-check-dev'));
  const devConnection = await Connection.connect({ address: devServer.address });
  const onDevServer = await verdictsOn(
    devServer.address,
    new Client({ connection: devConnection, namespace: NAMESPACE }),
  );
  await devConnection.close();

  expect(onCluster.pinnedSleeping).toEqual({ verdict: 'safe-while-pinned', code: 0 });
  expect(onCluster.withAutoUpgrade).toEqual({ verdict: 'unsafe', code: 1 });
  expect(onCluster.closedNeverSlept).toEqual({ verdict: 'safe', code: 0 });
  expect(onCluster).toEqual(onDevServer);
}, 300_000);
