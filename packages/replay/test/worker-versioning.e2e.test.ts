// The chapter's change shipped with Worker Versioning, on a real dev server with real 60 s timers: build v1
// runs with executions sleeping; a non-deterministic change (the activity moved before the timer) becomes
// build v2; the deploy check tells PINNED executions (safe-while-pinned) from AUTO_UPGRADE ones (unsafe); a
// canary is pinned to v2; v2 ramps, then becomes current; pinned executions finish on v1, new ones run v2;
// the AUTO_UPGRADE execution fails on v2 with the chapter's non-determinism error and completes once the same
// change ships behind patched() as v3; v1 drains.
import { spawnSync } from 'node:child_process';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { VersioningOverride } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import * as activities from '@background-check/activities';
import { DEPLOYMENT_NAME, SAMPLE_SSN, TASK_QUEUE } from '@background-check/common';
import { eventTypeName } from '../src/events';
import { findTemporalCli, type DevServer } from '@background-check/servers';
import { until, useDevServer } from '@background-check/test-support';
import { prebuiltBundle } from '../src/bundle';
import { replayHistories } from '../src/replay';
import { serverHistories } from '../src/server';
import { applyVersioning, verdicts, versioningOf } from '../src/versioning';
import { WORKFLOWS_PATH, bundleVariant, variantPath } from './corpus';

type Bundle = NonNullable<WorkerOptions['workflowBundle']>;

let server: DevServer;
let client: Client;
useDevServer('worker-versioning', (s, c) => ((server = s), (client = c)));

let connection: NativeConnection;
const workers: { worker: Worker; running: Promise<void> }[] = [];

async function startWorker(buildId: string, workflowBundle: Bundle): Promise<void> {
  const worker = await Worker.create({
    connection,
    namespace: 'backgroundcheck_namespace',
    taskQueue: TASK_QUEUE,
    activities,
    workflowBundle,
    workerDeploymentOptions: {
      version: { deploymentName: DEPLOYMENT_NAME, buildId },
      useWorkerVersioning: true,
      defaultVersioningBehavior: 'PINNED',
    },
  });
  workers.push({ worker, running: worker.run() });
}

/** `temporal worker deployment ...` against the test's server: the commands the walkthrough shows. */
function deployment(...args: string[]): string {
  const cli = spawnSync(
    findTemporalCli(),
    ['worker', 'deployment', ...args, '--address', server.address, '--namespace', 'backgroundcheck_namespace'],
    {
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  if (cli.status !== 0) throw new Error(`temporal worker deployment ${args.join(' ')}: ${cli.stderr}`);
  return cli.stdout;
}

/** Waits until the server knows the version (its worker polls), then makes it current. */
async function setCurrent(buildId: string): Promise<void> {
  await until(`version ${buildId} to be registered`, 30_000, async () => {
    try {
      return deployment('describe-version', '--deployment-name', DEPLOYMENT_NAME, '--build-id', buildId);
    } catch {
      return undefined;
    }
  });
  deployment('set-current-version', '--deployment-name', DEPLOYMENT_NAME, '--build-id', buildId, '--yes');
}

const history = (id: string) => client.workflow.getHandle(id).fetchHistory();
const types = (h: History) => (h.events ?? []).map((e) => eventTypeName(e.eventType));

/** Starts executions until `want` of them sleep on the 60 s timer (each does with p = 1/2; bounded). */
async function startSleeping(prefix: string, want: number, versioningOverride?: VersioningOverride): Promise<string[]> {
  const sleeping: string[] = [];
  for (let i = 0; sleeping.length < want && i < 40; i++) {
    const workflowId = `${prefix}-${i}`;
    await client.workflow.start('BackgroundCheck', {
      taskQueue: TASK_QUEUE,
      workflowId,
      args: [SAMPLE_SSN],
      versioningOverride,
    });
    const kind = await until(`${workflowId}'s first workflow task`, 30_000, async () => {
      const t = types(await history(workflowId));
      return t.includes('TimerStarted') ? 'timer' : t.includes('ActivityTaskScheduled') ? 'activity' : undefined;
    });
    if (kind === 'timer') sleeping.push(workflowId);
  }
  expect(sleeping).toHaveLength(want);
  return sleeping;
}

let pinned: string[];
let autoUpgrade: string;
let bundles: Record<'v1' | 'v2' | 'v3', Bundle>;

beforeAll(async () => {
  connection = await NativeConnection.connect({ address: server.address });
  bundles = {
    v1: await prebuiltBundle({ workflowsPath: WORKFLOWS_PATH }),
    v2: await prebuiltBundle({ workflowsPath: variantPath('reorder-activity-and-timer') }),
    v3: await prebuiltBundle({ workflowsPath: variantPath('reorder-patched') }),
  };
}, 60_000);

afterAll(async () => {
  for (const w of workers) w.worker.shutdown();
  await Promise.all(workers.map((w) => w.running));
  await connection?.close();
}, 60_000);

test('build v1 runs, with PINNED executions and an AUTO_UPGRADE one sleeping on the 60 s timer', async () => {
  await startWorker('v1', bundles.v1);
  await setCurrent('v1');
  pinned = await startSleeping('pinned', 2);
  [autoUpgrade] = await startSleeping('auto', 1, 'AUTO_UPGRADE');
  for (const id of pinned)
    expect(versioningOf(await history(id))).toMatchObject({ behavior: 'PINNED', version: { buildId: 'v1' } });
  expect(versioningOf(await history(autoUpgrade!))).toMatchObject({ behavior: 'AUTO_UPGRADE' });
}, 120_000);

test('the deploy check of v2: safe-while-pinned for PINNED executions, unsafe with an AUTO_UPGRADE one', async () => {
  const workflowBundle = await bundleVariant('reorder-activity-and-timer');
  const check = async (ids: string[]) => {
    const query = `WorkflowId IN (${ids.map((id) => `'${id}'`).join(', ')})`;
    const inputs = [];
    for await (const input of serverHistories(client, { query, workflowTypes: ['BackgroundCheck'] }))
      inputs.push(input);
    const results = await replayHistories(inputs, { workflowBundle, workflowTypes: ['BackgroundCheck'] });
    applyVersioning(results, { deploymentName: DEPLOYMENT_NAME, buildId: 'v2' });
    return { results, verdict: verdicts(results).BackgroundCheck };
  };
  const onlyPinned = await check(pinned);
  expect(onlyPinned.verdict).toBe('safe-while-pinned');
  // In the server's listing order (newest first).
  expect(onlyPinned.results.map((r) => [r.workflowId, r.status, r.replayStatus]).sort()).toEqual(
    pinned.map((id) => [id, 'exempt', 'fail']).sort(),
  );
  const all = await check([...pinned, autoUpgrade]);
  expect(all.verdict).toBe('unsafe');
  expect(all.results.find((r) => r.workflowId === autoUpgrade)).toMatchObject({
    status: 'fail',
    divergence: { eventType: 'TimerStarted' },
  });
}, 60_000);

test('a canary pinned to v2 runs on v2 before v2 is current', async () => {
  await startWorker('v2', bundles.v2);
  await until('version v2 to be registered', 30_000, async () => {
    try {
      return deployment('describe-version', '--deployment-name', DEPLOYMENT_NAME, '--build-id', 'v2');
    } catch {
      return undefined;
    }
  });
  const workflowId = 'canary';
  // The version is in the deployment before it is in the task queue: until then the server refuses the pin.
  await until('the server to take a start pinned to v2', 30_000, async () => {
    try {
      return await client.workflow.start('BackgroundCheck', {
        taskQueue: TASK_QUEUE,
        workflowId,
        args: [SAMPLE_SSN],
        versioningOverride: { pinnedTo: { deploymentName: DEPLOYMENT_NAME, buildId: 'v2' } },
      });
    } catch (err) {
      if (!/is not present in task queue/.test(String((err as { cause?: unknown }).cause ?? err))) throw err;
      return undefined;
    }
  });
  // v2 schedules the activity first, whichever way the draw goes.
  await until('the canary to schedule its activity', 30_000, async () =>
    types(await history(workflowId)).includes('ActivityTaskScheduled') ? true : undefined,
  );
  expect(types(await history(workflowId)).indexOf('ActivityTaskScheduled')).toBe(4);
  expect(versioningOf(await history(workflowId))).toMatchObject({ behavior: 'PINNED', version: { buildId: 'v2' } });
}, 60_000);

test('v2 ramps, then becomes current: new executions run on v2', async () => {
  deployment(
    'set-ramping-version',
    '--deployment-name',
    DEPLOYMENT_NAME,
    '--build-id',
    'v2',
    '--percentage',
    '50',
    '--yes',
  );
  expect(deployment('describe', '--name', DEPLOYMENT_NAME)).toMatch(/Ramping[\s\S]*v2/);
  deployment('set-current-version', '--deployment-name', DEPLOYMENT_NAME, '--build-id', 'v2', '--yes');
  // Routing takes a few seconds to reach the workers: start new executions until one runs on v2.
  let n = 0;
  const onV2 = await until(
    'a new execution to run on v2',
    60_000,
    async () => {
      const workflowId = `after-v2-${n++}`;
      await client.workflow.start('BackgroundCheck', { taskQueue: TASK_QUEUE, workflowId, args: [SAMPLE_SSN] });
      const v = await until(`${workflowId}'s first workflow task`, 30_000, async () => {
        const h = await history(workflowId);
        return types(h).includes('WorkflowTaskCompleted') ? versioningOf(h) : undefined;
      });
      return v.version?.buildId === 'v2' ? workflowId : undefined;
    },
    1000,
  );
  expect(types(await history(onV2)).indexOf('ActivityTaskScheduled')).toBe(4);
}, 120_000);

test('the pinned executions finish on v1; the AUTO_UPGRADE one fails on v2 with the non-determinism error', async () => {
  for (const id of pinned) {
    await expect(client.workflow.getHandle(id).result()).resolves.toBe('pass');
    const h = await history(id);
    expect(versioningOf(h)).toMatchObject({ behavior: 'PINNED', version: { buildId: 'v1' } });
    expect(types(h)).toContain('TimerFired');
  }
  const failure = await until(
    'the AUTO_UPGRADE execution to fail a workflow task on v2',
    90_000,
    async () => {
      const failed = (await history(autoUpgrade)).events?.find((e) => e.workflowTaskFailedEventAttributes);
      return failed?.workflowTaskFailedEventAttributes?.failure?.message ?? undefined;
    },
    1000,
  );
  expect(failure).toMatch(/\[TMPRL1100\] Nondeterminism error/);
}, 150_000);

test('the same change behind patched(), as v3, lets the AUTO_UPGRADE execution complete; v1 drains', async () => {
  await startWorker('v3', bundles.v3);
  await setCurrent('v3');
  await expect(client.workflow.getHandle(autoUpgrade).result()).resolves.toBe('pass');
  expect(versioningOf(await history(autoUpgrade))).toMatchObject({
    behavior: 'AUTO_UPGRADE',
    version: { buildId: 'v3' },
  });
  const open = await client.workflow.count(
    `TemporalWorkerDeploymentVersion = '${DEPLOYMENT_NAME}:v1' AND ExecutionStatus = 'Running'`,
  );
  expect(open.count).toBe(0);
  // The dev server reports drainage every few seconds (see startDevServer): v1 drains once nothing runs on it.
  await until(
    'v1 to be drained',
    60_000,
    async () => {
      const version = deployment('describe-version', '--deployment-name', DEPLOYMENT_NAME, '--build-id', 'v1');
      return /DrainageStatus\s+drained/i.test(version) ? true : undefined;
    },
    1000,
  );
}, 150_000);
