// The explanation read from the SDK's message alone (what is left if recording the code's commands
// ever stops working), on real messages from the plain SDK replayer; and its printed form.
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { explainNondeterminism, formatExplanation, parseNondeterminismMessage } from './explain';
import { corpusByBranch, FIXTURES } from './test-support';
import { bundleVariant, type VariantName } from './variants';

const load = (file: string): History => historyFromJSON(JSON.parse(fs.readFileSync(file, 'utf8')));

/** The SDK's own error for a history against a variant (Worker.runReplayHistory, no recording). */
async function sdkError(variant: VariantName, history: History): Promise<Error> {
  try {
    await Worker.runReplayHistory({ workflowBundle: await bundleVariant(variant) }, history);
  } catch (err) {
    return err as Error;
  }
  throw new Error(`${variant} replayed the history; a failure was expected`);
}

const { timer, noTimer } = corpusByBranch();

test.each([
  ['add-timer', noTimer[0]!, { eventId: 5, eventType: 'ActivityTaskScheduled', kind: 'added-timer', code: 'started a timer' }],
  ['remove-activity', noTimer[0]!, { eventId: 5, eventType: 'ActivityTaskScheduled', kind: 'removed-activity', code: 'completed the workflow (returned)' }],
  ['add-activity', noTimer[0]!, { eventId: 11, eventType: 'WorkflowExecutionCompleted', kind: 'added-activity', code: 'scheduled an activity' }],
  ['switch-activity-type', noTimer[0]!, { eventId: 5, eventType: 'ActivityTaskScheduled', kind: 'changed-activity-type', code: 'scheduled activity ssnTraceV2' }],
  ['v0-before-sleep', timer[0]!, { eventId: 5, eventType: 'TimerStarted', kind: 'removed-timer', code: 'scheduled an activity' }],
  ['v0-before-sleep', path.join(FIXTURES, 'v1-patched', 'v1-patched-timer.json'), { eventId: 5, eventType: 'MarkerRecorded', kind: 'removed-patch', code: 'issued a different command' }],
] as const)('%s against %s, from the message alone', async (variant, file, expected) => {
  const history = load(file);
  const error = await sdkError(variant, history);
  expect(error.name).toBe('DeterminismViolationError');
  const x = explainNondeterminism(history, error.message);
  expect({ eventId: x.eventId, eventType: x.eventType, kind: x.kind, code: x.code?.description }).toEqual(expected);
  expect(x.sdkMessage).toMatch(/^\[TMPRL1100\] Nondeterminism error: /);
  expect(x.raw).toBe(error.message);
});

test("the printed explanation: where, the history's step and the code's, the change, the fix, and Core's message", async () => {
  const history = load(path.join(FIXTURES, 'v0', 'v0-gate-timer-1.json'));
  const { replayHistories } = await import('./replay');
  const { prebuiltBundle } = await import('@background-check/worker');
  const [result] = await replayHistories([{ name: 'v0', history }], { workflowBundle: await prebuiltBundle(), workflowTypes: ['BackgroundCheck'] });
  const lines = formatExplanation(result!.explanation!);
  expect(lines.slice(0, 4)).toEqual(['Diverged at event 5 (ActivityTaskScheduled):', '  history: scheduled activity ssnTrace', '  code:    started a 60 s timer instead', 'Likely change: a timer (sleep) was added.']);
  expect(lines.find((l) => l.startsWith('Fix: '))).toContain("patched('my-change')");
  expect(lines[lines.length - 1]).toBe('SDK: [TMPRL1100] Nondeterminism error: Timer machine does not handle this event: HistoryEvent(id: 5, ActivityTaskScheduled)');
});

test('messages it cannot place still give the SDK message and a generic explanation', () => {
  const parsed = parseNondeterminismMessage('Replay failed with a nondeterminism error. Details: something new in Core');
  expect(parsed.core).toBe('something new in Core');
  const x = explainNondeterminism({ events: [] }, 'Replay failed with a nondeterminism error. Details: something new in Core');
  expect(x.kind).toBe('unknown');
  expect(formatExplanation(x)).toContain('SDK: something new in Core');
});
