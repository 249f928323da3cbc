// A history whose last workflow task failed (a plain Error in workflow code: the task fails and is
// retried, the execution stays open) replays as a success in the SDK, which does not re-check that
// task. The replay test must not call it PASS: it is inconclusive, with the recorded failure.
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON, type History } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import * as activities from '@background-check/activities';
import { SAMPLE_SSN } from '@background-check/common';
import { branchOf, eventTypes, until, useTimeSkippingEnv } from '@background-check/test-support';
import { prebuiltBundle } from '../src/bundle';
import { parseHistory } from '../src/load';
import { replayHistories } from '../src/replay';
import { FIXTURES, WORKFLOWS_PATH, replayBundle } from './corpus';

const BUGGY = path.join(FIXTURES, 'variants', 'task-failure.workflow.ts');
/** Committed: the same kind of history, recorded once (RECORD_FIXTURES=1 re-records it), for the CLI tests. */
const INCONCLUSIVE_FIXTURE = path.join(FIXTURES, 'inconclusive', 'last-task-failed.json');

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
  if (process.env.RECORD_FIXTURES === '1') fs.writeFileSync(INCONCLUSIVE_FIXTURE, historyToJSON(fresh) + '\n');
}, 60_000);

/** The failure of the last workflow task, when it failed (no task completed after it). */
function lastTaskFailure(history: History): string | undefined {
  const types = eventTypes(history);
  const failed = types.lastIndexOf('WorkflowTaskFailed');
  if (failed < types.lastIndexOf('WorkflowTaskCompleted')) return undefined;
  return history.events![failed]!.workflowTaskFailedEventAttributes!.failure!.message ?? undefined;
}

test('the history: completed workflow tasks, then a failed one (the retry in flight), the bug in its message', () => {
  const types = eventTypes(fresh);
  expect(types).toContain('ActivityTaskCompleted');
  expect(types.lastIndexOf('WorkflowTaskFailed')).toBeGreaterThan(types.lastIndexOf('WorkflowTaskCompleted'));
  expect(types.lastIndexOf('WorkflowTaskCompleted')).toBeGreaterThan(0);
  expect(lastTaskFailure(fresh)).toMatch(/not valid JSON/);
});

test('the plain SDK replays it as a success: why the replay test checks the last task itself', async () => {
  await expect(
    Worker.runReplayHistory({ workflowBundle: await prebuiltBundle({ workflowsPath: WORKFLOWS_PATH }) }, fresh),
  ).resolves.toBeUndefined();
});

test('the replay test reports it inconclusive, with the recorded failure, never PASS', async () => {
  const [result] = await replayHistories(
    [{ source: 'fresh', loaded: { history: fresh, workflowType: 'BackgroundCheck' } }],
    {
      workflowBundle: await replayBundle(),
      workflowTypes: ['BackgroundCheck'],
    },
  );
  expect(result!.status).toBe('inconclusive');
  expect(result!.message).toMatch(/^the last workflow task failed \(.*not valid JSON.*\); replay cannot judge it\.$/);
});

test('the committed fixture is such a history, recorded from the same code', () => {
  const loaded = parseHistory(fs.readFileSync(INCONCLUSIVE_FIXTURE, 'utf8'));
  if (!('history' in loaded)) throw new Error(loaded.problem);
  expect(eventTypes(loaded.history)).toContain('WorkflowTaskCompleted');
  expect(lastTaskFailure(loaded.history)).toBeDefined();
  expect(lastTaskFailure(loaded.history)).toBe(lastTaskFailure(fresh));
});
