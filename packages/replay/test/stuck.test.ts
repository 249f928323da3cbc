// A stuck execution: a plain Error in workflow code fails the workflow task, not the workflow, so the server
// retries the task and the execution stays open. The SDK replays such a history as a success, without running the
// failed task to its end. The replay check runs the new code through that task: FIXED when it gets past it (the
// deploy unsticks the execution), STILL-FAILING, with the error the code throws now, when it does not.
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON, type History } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import * as activities from '@background-check/activities';
import { SAMPLE_SSN } from '@background-check/common';
import { branchOf, eventTypes, until, useTimeSkippingEnv } from '@background-check/test-support';
import { prebuiltBundle } from '../src/bundle';
import { parseHistory } from '../src/load';
import { replayHistories, type HistoryInput } from '../src/replay';
import { formatText } from '../src/report';
import { STUCK_FIXTURE, bundleVariant, replayBundle, variantPath } from './corpus';

/** The current workflow with a bug after the activity (it parses the activity's plain-text result as JSON). */
const BUGGY = variantPath('task-failure');

let env: Parameters<Parameters<typeof useTimeSkippingEnv>[0]>[0];
useTimeSkippingEnv((e) => (env = e));

let fresh: History;

beforeAll(async () => {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'task-failure',
    workflowBundle: await prebuiltBundle({ workflowsPath: BUGGY }),
    activities,
  });
  fresh = await worker.runUntil(async () => {
    const handle = await env.client.workflow.start('BackgroundCheck', {
      taskQueue: 'task-failure',
      workflowId: 'task-failure',
      args: [SAMPLE_SSN],
    });
    // The draw decides whether it sleeps first: skip the 60 s timer on the test server's clock.
    if ((await branchOf(env.client, handle.workflowId)) === 'timer') await env.sleep('61 seconds');
    return await until('a WorkflowTaskFailed event', 30_000, async () => {
      const history = await handle.fetchHistory();
      return eventTypes(history).includes('WorkflowTaskFailed') ? history : undefined;
    });
  });
  if (process.env.RECORD_FIXTURES === '1') fs.writeFileSync(STUCK_FIXTURE, historyToJSON(fresh) + '\n');
}, 60_000);

/** The failure of the last workflow task, when it failed (no task completed after it). */
function lastTaskFailure(history: History): string | undefined {
  const types = eventTypes(history);
  const failed = types.lastIndexOf('WorkflowTaskFailed');
  if (failed < types.lastIndexOf('WorkflowTaskCompleted')) return undefined;
  return history.events![failed]!.workflowTaskFailedEventAttributes!.failure!.message ?? undefined;
}

function committed(): History {
  const loaded = parseHistory(fs.readFileSync(STUCK_FIXTURE, 'utf8'));
  if (!('history' in loaded)) throw new Error(loaded.problem);
  return loaded.history;
}

const inputs = (): HistoryInput[] => [
  { source: 'fresh', loaded: { history: fresh, workflowType: 'BackgroundCheck' } },
  { source: path.basename(STUCK_FIXTURE), loaded: { history: committed(), workflowType: 'BackgroundCheck' } },
];

test('the history: completed workflow tasks, then a failed one (the retry in flight), the bug in its message', () => {
  const types = eventTypes(fresh);
  expect(types).toContain('ActivityTaskCompleted');
  expect(types.lastIndexOf('WorkflowTaskFailed')).toBeGreaterThan(types.lastIndexOf('WorkflowTaskCompleted'));
  expect(types.lastIndexOf('WorkflowTaskCompleted')).toBeGreaterThan(0);
  expect(lastTaskFailure(fresh)).toMatch(/not valid JSON/);
});

test('the committed fixture is such a history, recorded from the same code', () => {
  const history = committed();
  expect(eventTypes(history)).toContain('WorkflowTaskCompleted');
  expect(lastTaskFailure(history)).toBeDefined();
  expect(lastTaskFailure(history)).toBe(lastTaskFailure(fresh));
});

test('the plain SDK replays it as a success even with the code that still throws: why the check runs that task itself', async () => {
  await expect(
    Worker.runReplayHistory({ workflowBundle: await prebuiltBundle({ workflowsPath: BUGGY }) }, fresh),
  ).resolves.toBeUndefined();
});

test('the current code gets past the failed task: FIXED, never a plain PASS, and the verdict counts what it unsticks', async () => {
  const results = await replayHistories(inputs(), {
    workflowBundle: await replayBundle(),
    workflowTypes: ['BackgroundCheck'],
  });
  for (const r of results) {
    expect(r.status).toBe('fixed');
    expect(r.message).toMatch(
      /^stuck: its last workflow task failed \(.*not valid JSON.*\); this code gets past it\.$/,
    );
  }
  const report = formatText(results).split('\n');
  expect(report.filter((l) => /^[A-Z-]+ {2}/.test(l))).toEqual([
    'FIXED  fresh',
    `FIXED  ${path.basename(STUCK_FIXTURE)}`,
  ]);
  expect(report).toContain('BackgroundCheck: safe; it unsticks 2 stuck executions');
  expect(report.at(-1)).toBe('replay: 2 passed, 0 failed, 2 fixed');
});

test('code that still throws in that task: STILL-FAILING with the error it throws now, and the verdict is unsafe', async () => {
  const results = await replayHistories(inputs(), {
    workflowBundle: await bundleVariant('task-failure'),
    workflowTypes: ['BackgroundCheck'],
  });
  for (const r of results) {
    expect(r.status).toBe('still-failing');
    expect(r.divergence).toBeUndefined();
    const [, recorded, now] = /^stuck: its last workflow task failed \((.*)\); this code still fails it: (.*)$/.exec(
      r.message ?? '',
    ) ?? [r.message];
    expect(recorded).toMatch(/not valid JSON/);
    expect(now).toMatch(/^the code fails the workflow task at the end of the history: SyntaxError: .*not valid JSON/);
  }
  const report = formatText(results).split('\n');
  expect(report).toContain(`STILL-FAILING  ${path.basename(STUCK_FIXTURE)}`);
  expect(report).toContain(
    'BackgroundCheck: unsafe (an execution that will run this code would fail: ship the change behind patched() or as a new Worker Deployment Version with PINNED workflows); 2 stuck executions still fail',
  );
  expect(report.at(-1)).toBe('replay: 0 passed, 2 failed, 2 still failing');
});

test('a history with no failed task is not stuck: code that throws in its last task is a plain FAIL', async () => {
  // Cut after the task that failed was scheduled (no Started, no Failed): the history holds no failed task, and the
  // code's error in the next task is a failure, not a stuck execution.
  const history = committed();
  const types = eventTypes(history);
  const cut = { events: history.events!.slice(0, types.lastIndexOf('WorkflowTaskFailed') - 1) };
  expect(eventTypes(cut).at(-1)).toBe('WorkflowTaskScheduled');
  const [result] = await replayHistories(
    [{ source: 'cut', loaded: { history: cut, workflowType: 'BackgroundCheck' } }],
    { workflowBundle: await bundleVariant('task-failure'), workflowTypes: ['BackgroundCheck'] },
  );
  expect(result).toMatchObject({
    status: 'fail',
    message: expect.stringMatching(
      /the code fails the workflow task at the end of the history: SyntaxError: .*not valid JSON/,
    ),
  });
});

test('a task the server or an operator failed (a reset, a force-close) is no stuck execution: a plain PASS', async () => {
  const json = JSON.parse(fs.readFileSync(STUCK_FIXTURE, 'utf8')) as { events: Record<string, { cause?: string }>[] };
  const failed = json.events.filter((e) => e.workflowTaskFailedEventAttributes).at(-1)!;
  failed.workflowTaskFailedEventAttributes!.cause = 'WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW';
  const loaded = parseHistory(JSON.stringify(json));
  const [result] = await replayHistories([{ source: 'reset', loaded }], {
    workflowBundle: await replayBundle(),
    workflowTypes: ['BackgroundCheck'],
  });
  expect(result).toMatchObject({ source: 'reset', status: 'pass' });
});
