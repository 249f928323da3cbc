// The replay check as a Temporal CLI extension, run the way a team runs it: the real `temporal` binary with
// packages/replay/bin on PATH and no TEMPORAL_* variables (the CLI sets none), against a dev server, on workflow code
// that is not the chapter's (the approval workflows: a signal, a condition, a child, continue-as-new, and child ids
// made from workflowInfo().workflowId). Each execution is replayed with its real ids and named by the run replayed;
// a stuck execution is judged; the version a change ships as is a whole Worker Deployment Version.
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { findTemporalCli, type DevServer } from '@background-check/servers';
import { expectExit, spawnChild, until, useDevServer, waitForExit } from '@background-check/test-support';
import { prebuiltBundle } from '../src/bundle';
import { APPROVAL_WORKFLOWS } from './approval';

const NAMESPACE = 'backgroundcheck_namespace';
const BIN = path.resolve(__dirname, '..', 'bin');
const variant = (name: string) => path.join(__dirname, 'fixtures', 'approval-cli', `${name}.workflow.ts`);

let server: DevServer;
let client: Client;
useDevServer('temporal-cli', (s, c) => ((server = s), (client = c)));

let connection: NativeConnection;
const running: { worker: Worker; done: Promise<void> }[] = [];
beforeAll(async () => {
  connection = await NativeConnection.connect({ address: server.address });
}, 30_000);
afterAll(async () => {
  for (const { worker } of running) if (worker.getState() === 'RUNNING') worker.shutdown();
  await Promise.all(running.map((r) => r.done));
  await connection?.close();
}, 60_000);

async function startWorker(taskQueue: string, workflowsPath: string, version?: string) {
  const worker = await Worker.create({
    connection,
    namespace: NAMESPACE,
    taskQueue,
    activities: { sendReminder: async (request: string, n: number) => `reminder ${n} about ${request} sent` },
    workflowBundle: await prebuiltBundle({ workflowsPath }),
    ...(version && {
      workerDeploymentOptions: {
        version: { deploymentName: 'approvals', buildId: version },
        useWorkerVersioning: true,
        defaultVersioningBehavior: 'PINNED' as const,
      },
    }),
  });
  const entry = { worker, done: worker.run() };
  running.push(entry);
  return entry;
}

/** `temporal ARGS` with the extension on PATH and the server named by flags only, as a user runs it. */
function spawnTemporal(args: string[], flags = ['--address', server.address, '-n', NAMESPACE]) {
  const env: NodeJS.ProcessEnv = { PATH: `${BIN}${path.delimiter}${process.env.PATH}` };
  for (const name of Object.keys(process.env)) if (name.startsWith('TEMPORAL_')) env[name] = '';
  return spawnChild('temporal', findTemporalCli(), [...args, ...flags], { env });
}
async function temporal(args: string[], expectedCode: number, flags?: string[]) {
  const child = spawnTemporal(args, flags);
  const exit = await expectExit(child, expectedCode, 120_000);
  return { ...exit, stdout: child.stdout(), output: child.output() };
}
const replay = (args: string[], code: number) => temporal(['workflow', 'replay', ...args], code);
const json = (stdout: string) => JSON.parse(stdout) as { histories: Record<string, unknown>[]; verdicts: object };

const waitingApproval = async (workflowId: string, taskQueue = 'approvals') => {
  const handle = await client.workflow.start('Approval', { taskQueue, workflowId, args: ['expense report 7'] });
  // Waiting: the condition's timeout timer is started.
  await until(
    'the approval to wait',
    30_000,
    async () => (await handle.fetchHistory()).events?.some((e) => e.timerStartedEventAttributes) || undefined,
  );
  return handle;
};

test('one execution, by workflow id: replayed with its real ids, named by the run replayed', async () => {
  await startWorker('approvals', APPROVAL_WORKFLOWS);
  const handle = await waitingApproval('expense-by-id');
  const { stdout } = await replay(['--workflows', APPROVAL_WORKFLOWS, '-w', 'expense-by-id', '-o', 'json'], 0);
  expect(json(stdout).histories).toEqual([
    expect.objectContaining({
      source: `expense-by-id/${handle.firstExecutionRunId}`,
      workflowId: 'expense-by-id',
      runId: handle.firstExecutionRunId,
      status: 'pass',
    }),
  ]);
  // A reset execution: the run replayed is the new one, not the original run its first event names.
  await temporal(
    ['workflow', 'reset', '-w', 'expense-by-id', '--type', 'FirstWorkflowTask', '--reason', 'test', '--yes'],
    0,
  );
  const newRun = (await client.workflow.getHandle('expense-by-id').describe()).runId;
  expect(newRun).not.toBe(handle.firstExecutionRunId);
  const again = json(
    (await replay(['--workflows', APPROVAL_WORKFLOWS, '-w', 'expense-by-id', '-o', 'json'], 0)).stdout,
  );
  expect(again.histories).toEqual([expect.objectContaining({ source: `expense-by-id/${newRun}`, runId: newRun })]);
});

test('a query, and a non-deterministic change explained; -r picks a run', async () => {
  await waitingApproval('expense-query-1');
  const second = await waitingApproval('expense-query-2');
  const query = "WorkflowId STARTS_WITH 'expense-query-'";
  const safe = await replay(['--workflows', APPROVAL_WORKFLOWS, '-q', query], 0);
  expect(safe.stdout).toMatch(/^PASS {2}expense-query-2\/\S+$/m);
  expect(safe.stdout).toContain('Approval: safe');
  expect(safe.stdout).toContain('replay: 2 passed, 0 failed');
  const unsafe = await replay(['--workflows', variant('reminds-first'), '-q', query, '--jobs', '2'], 1);
  expect(unsafe.stdout).toContain(`FAIL  expense-query-2/${second.firstExecutionRunId}`);
  expect(unsafe.stdout).toMatch(/code: +started child workflow Reminder instead/);
  expect(unsafe.stdout).toContain('Approval: unsafe');
  const one = await replay(
    ['--workflows', APPROVAL_WORKFLOWS, '-w', 'expense-query-2', '-r', second.firstExecutionRunId],
    0,
  );
  expect(one.stdout).toContain('replay: 1 passed, 0 failed');
});

test('a stuck execution: FIXED by code that gets past its failed task, STILL-FAILING with the error otherwise', async () => {
  const buggy = await startWorker('approvals-buggy', variant('approve-throws'));
  const handle = await waitingApproval('expense-stuck', 'approvals-buggy');
  await handle.signal('approve', 'dana');
  await until(
    'the approve signal to fail a workflow task',
    30_000,
    async () => (await handle.fetchHistory()).events?.some((e) => e.workflowTaskFailedEventAttributes) || undefined,
  );
  buggy.worker.shutdown();
  await buggy.done;

  const fixed = await replay(['--workflows', APPROVAL_WORKFLOWS, '-w', 'expense-stuck'], 0);
  expect(fixed.stdout).toMatch(/^FIXED {2}expense-stuck\/\S+$/m);
  expect(fixed.stdout).toContain('this code gets past it');
  expect(fixed.stdout).toContain('Approval: safe; it unsticks 1 stuck execution');
  const still = await replay(['--workflows', variant('approve-throws'), '-w', 'expense-stuck', '-o', 'json'], 1);
  expect(json(still.stdout).histories).toEqual([
    expect.objectContaining({
      status: 'still-failing',
      message: expect.stringContaining('Error: approver directory unavailable for dana'),
    }),
  ]);
});

test('the version a change ships as is a whole Worker Deployment Version: deployment name and build id', async () => {
  await startWorker('approvals-versioned', APPROVAL_WORKFLOWS, 'v1');
  // The version exists once its worker has polled; routing to it then takes a moment.
  const setCurrent = ['worker', 'deployment', 'set-current-version', '--deployment-name', 'approvals'];
  await until(
    'version approvals:v1 to become current',
    60_000,
    async () =>
      (await waitForExit(spawnTemporal([...setCurrent, '--build-id', 'v1', '--yes']), 30_000)).code === 0 || undefined,
  );
  await waitingApproval('expense-pinned', 'approvals-versioned');
  const check = (deploymentName: string, buildId: string, code: number) =>
    replay(
      [
        '--workflows',
        variant('reminds-first'),
        '-w',
        'expense-pinned',
        '--deployment-name',
        deploymentName,
        '--build-id',
        buildId,
      ],
      code,
    );
  // Same build id, another deployment: never runs this code.
  const other = await check('expenses', 'v1', 0);
  expect(other.stdout).toMatch(/^EXEMPT {2}expense-pinned\//m);
  expect(other.stdout).toContain('pinned to approvals:v1');
  expect(other.stdout).toContain('WOULD FAIL if moved');
  expect(other.stdout).toContain('Approval: safe-while-pinned');
  // Pinned to the very version the change ships as: it runs this code, and fails.
  const same = await check('approvals', 'v1', 1);
  expect(same.stdout).toMatch(/^FAIL {2}expense-pinned\//m);
  expect(same.stdout).toContain('Approval: unsafe');
});

test('the CLI forwards help and completion to the extension', async () => {
  const help = await temporal(['help', 'workflow', 'replay'], 0, []);
  expect(help.stdout).toMatch(/^Usage: temporal workflow replay/);
  const flag = await temporal(['workflow', 'replay', '--help'], 0, []);
  expect(flag.stdout).toBe(help.stdout);
  const completion = await temporal(['__complete', 'workflow', 'replay', '--wor'], 0, []);
  expect(completion.stdout.split('\n')).toEqual(expect.arrayContaining(['--workflow-id', '--workflows', ':4']));
});

test('a mistake exits 2 with the usage, and nothing else runs', async () => {
  const r = await replay(['--workflows', APPROVAL_WORKFLOWS, '--deployment-name', 'approvals'], 2);
  expect(r.output).toContain('--deployment-name goes with --build-id.');
  expect(r.output).toContain('Usage: temporal workflow replay');
  expect(fs.existsSync(APPROVAL_WORKFLOWS)).toBe(true);
});
