// Test helpers for the replay check on another team's code: the approval workflows (packages/approval-workflows,
// which the sample never imports), histories of them recorded on a real server, changed copies, a copy outside
// the repository with its own node_modules.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { History } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { until, type useTimeSkippingEnv } from '@background-check/test-support';
import { prebuiltBundle } from '../src/bundle';

export const APPROVAL_PACKAGE = path.resolve(__dirname, '..', '..', 'approval-workflows');
/** The workflows folder (its index.ts exports Approval and Reminder): `--workflows` takes it as it is. */
export const APPROVAL_WORKFLOWS = path.join(APPROVAL_PACKAGE, 'src', 'workflows');
export const APPROVAL_TYPES = ['Approval', 'Reminder'];

/** A changed copy of the approval workflows: fixtures/approval/NAME.workflow.ts. */
export const approvalVariant = (name: string) => path.join(__dirname, 'fixtures', 'approval', `${name}.workflow.ts`);
export const APPROVAL_VARIANTS = fs
  .readdirSync(path.join(__dirname, 'fixtures', 'approval'))
  .map((f) => f.replace(/\.workflow\.ts$/, ''))
  .sort();

export interface Recorded {
  name: string;
  workflowId: string;
  runId: string;
  history: History;
}

type TestWorkflowEnvironment = Parameters<Parameters<typeof useTimeSkippingEnv>[0]>[0];

const TASK_QUEUE = 'approvals';
const hasEvent = (history: History, attributes: string) =>
  history.events?.some((e) => (e as Record<string, unknown>)[attributes]) || undefined;

/**
 * Histories of the approval workflows, recorded on the time-skipping test server (its clock skips the hour-long
 * waits): approved before any reminder; one reminder (a child), then rejected; two reminders, then continued as
 * new (both runs). The ids matter: the code derives its children's ids from workflowInfo().workflowId.
 */
export async function recordApprovals(env: TestWorkflowEnvironment, workflowsPath = APPROVAL_WORKFLOWS) {
  const { client } = env;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: await prebuiltBundle({ workflowsPath }),
    activities: { sendReminder: async (request: string, n: number) => `reminder ${n} about ${request} sent` },
  });
  const start = (workflowId: string) =>
    client.workflow.start('Approval', { taskQueue: TASK_QUEUE, workflowId, args: ['expense report 42'] });
  const historyOf = async (name: string, workflowId: string, runId: string): Promise<Recorded> => {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    return { name, workflowId, runId, history };
  };
  return await worker.runUntil(async () => {
    const approved = await start('expense-approved');
    await approved.signal('approve', 'dana');
    await approved.result();

    const reminded = await start('expense-reminded');
    await env.sleep('61 minutes');
    await until('the first reminder', 20_000, async () =>
      hasEvent(await reminded.fetchHistory(), 'childWorkflowExecutionCompletedEventAttributes'),
    );
    await reminded.signal('reject', 'dana');
    await reminded.result();

    const continued = await start('travel-continued');
    await env.sleep('150 minutes'); // two reminders, an hour apart: then it continues as new
    const first = client.workflow.getHandle(continued.workflowId, continued.firstExecutionRunId);
    await until('the continue-as-new', 20_000, async () =>
      hasEvent(await first.fetchHistory(), 'workflowExecutionContinuedAsNewEventAttributes'),
    );
    const next = client.workflow.getHandle(continued.workflowId);
    await next.signal('approve', 'dana');
    await next.result();
    const nextRunId = (await next.describe()).runId;
    return [
      await historyOf('expense-approved', approved.workflowId, approved.firstExecutionRunId),
      await historyOf('expense-reminded', reminded.workflowId, reminded.firstExecutionRunId),
      await historyOf('travel-continued-run-1', continued.workflowId, continued.firstExecutionRunId),
      await historyOf('travel-continued-run-2', continued.workflowId, nextRunId),
    ];
  });
}

/** The plain SDK's verdict, the reference: does the code replay the history with this workflow id? */
export async function sdkVerdict(workflowBundle: { codePath: string }, history: History, workflowId: string) {
  return await Worker.runReplayHistory({ workflowBundle }, history, workflowId).then(
    () => 'pass' as const,
    () => 'fail' as const,
  );
}

/** Where Node finds package `name` from `from` (not every package exports its package.json). */
function packageDir(name: string, from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === path.dirname(dir)) throw new Error(`${name} is not installed where ${from} can import it`);
  }
}

/**
 * Installs `name`, as installed here, into `into`/node_modules by copying it and every package it depends on
 * (real files, no links into this repository), the way npm lays out a flat install.
 */
export function installCopy(name: string, into: string, from = __dirname): void {
  const target = path.join(into, 'node_modules', name);
  if (fs.existsSync(target)) return;
  const source = fs.realpathSync(packageDir(name, from));
  fs.cpSync(source, target, {
    recursive: true,
    dereference: true,
    filter: (f) => !f.startsWith(path.join(source, 'node_modules')),
  });
  const { dependencies = {} } = JSON.parse(fs.readFileSync(path.join(source, 'package.json'), 'utf8'));
  for (const dependency of Object.keys(dependencies)) installCopy(dependency, into, source);
}

/** A copy of the approval package in a temp folder outside this repository, with its own @temporalio/workflow. */
export function approvalOutsideRepo(): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'approval-team-')));
  fs.cpSync(path.join(APPROVAL_PACKAGE, 'src'), path.join(root, 'src'), { recursive: true });
  fs.copyFileSync(path.join(APPROVAL_PACKAGE, 'package.json'), path.join(root, 'package.json'));
  installCopy('@temporalio/workflow', root, APPROVAL_PACKAGE);
  return root;
}
