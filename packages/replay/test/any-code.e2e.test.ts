// Another team's workflows (packages/approval-workflows) checked through the real Temporal CLI:
// `temporal workflow replay --workflows PATH --server` runs the extension temporal-workflow-replay from PATH against
// the executions on a dev server, one closed and one still waiting for its approver.
import path from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { NAMESPACE } from '@background-check/common';
import { findTemporalCli, type DevServer } from '@background-check/servers';
import { spawnChild, until, useDevServer, waitForExit } from '@background-check/test-support';
import { prebuiltBundle } from '../src/bundle';
import { APPROVAL_WORKFLOWS, approvalVariant } from './approval';

let server: DevServer;
let client: Client;
useDevServer('replay-any-code', (s, c) => ((server = s), (client = c)));

const TASK_QUEUE = 'approvals-e2e';
const BIN = path.resolve(__dirname, '..', 'bin');

beforeAll(async () => {
  const connection = await NativeConnection.connect({ address: server.address });
  const worker = await Worker.create({
    connection,
    namespace: NAMESPACE,
    taskQueue: TASK_QUEUE,
    workflowBundle: await prebuiltBundle({ workflowsPath: APPROVAL_WORKFLOWS }),
    activities: { sendReminder: async () => 'sent' },
  });
  await worker.runUntil(async () => {
    const start = (workflowId: string) =>
      client.workflow.start('Approval', { taskQueue: TASK_QUEUE, workflowId, args: ['expense report 7'] });
    const approved = await start('expense-approved');
    await approved.signal('approve', 'dana');
    await approved.result();
    const waiting = await start('expense-waiting'); // open: its approver has an hour
    await until('the open execution to wait on its condition', 20_000, async () =>
      (await waiting.fetchHistory()).events?.some((e) => e.timerStartedEventAttributes) ? true : undefined,
    );
  });
  await connection.close();
}, 90_000);

/** `temporal workflow replay ARGS --server` against the test's dev server, with the extension on PATH. */
async function temporalWorkflowReplay(workflows: string) {
  const args = ['workflow', 'replay', '--server', '--workflows', workflows];
  const env = { PATH: `${BIN}${path.delimiter}${process.env.PATH}`, TEMPORAL_ADDRESS: server.address };
  const child = spawnChild('temporal workflow replay', findTemporalCli(), [...args, '--namespace', NAMESPACE], { env });
  const exit = await waitForExit(child, 90_000);
  if (exit.timedOut) throw new Error(`temporal workflow replay did not exit within 90 s:\n${child.output()}`);
  return { code: exit.code, stdout: child.stdout(), output: child.output() };
}

test('the code as it is: both executions replay, the workflow type is safe (exit 0)', async () => {
  const run = await temporalWorkflowReplay(APPROVAL_WORKFLOWS);
  expect({ code: run.code, output: run.output }).toMatchObject({ code: 0 });
  expect(run.stdout).toMatch(/^PASS {2}expense-approved\//m);
  expect(run.stdout).toMatch(/^PASS {2}expense-waiting\//m);
  expect(run.stdout).toMatch(/^Approval: safe/m);
}, 120_000);

test('the approve handler now starts an activity: the approved execution fails, the verdict is unsafe (exit 1)', async () => {
  const run = await temporalWorkflowReplay(approvalVariant('signal-starts-activity'));
  expect({ code: run.code, output: run.output }).toMatchObject({ code: 1 });
  expect(run.stdout).toMatch(/^FAIL {2}expense-approved\//m);
  expect(run.stdout).toMatch(/^PASS {2}expense-waiting\//m);
  expect(run.stdout).toMatch(/^Approval: unsafe/m);
}, 120_000);
