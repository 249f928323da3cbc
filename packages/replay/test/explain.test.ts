// How a divergence is explained: the history's steps, the code's steps (what the recorder saw), and
// Core's message, turned into where they part ways, what each did, the change code and the fix. Pure
// functions on real histories; one replay for the printed form.
import path from 'node:path';
import type { History } from '@temporalio/common/lib/proto-utils';
import { coreMessage, describeStep, explain, historySteps } from '../src/explain';
import { loadHistoryFile } from '../src/load';
import type { CodeStep } from '../src/recorder';
import { replayHistories } from '../src/replay';
import { explanationLines, formatText } from '../src/report';
import { FIXTURES, corpusByBranch, replayBundle } from './corpus';

function load(file: string): History {
  const loaded = loadHistoryFile(file);
  if (!('history' in loaded)) throw new Error(`${file}: ${loaded.problem}`);
  return loaded.history;
}

const { timer, noTimer } = corpusByBranch();
const slept = load(timer[0]!);
const straight = load(noTimer[0]!);
const patchedHistory = load(path.join(FIXTURES, 'v1-patched', 'v1-patched-timer.json'));

/** The SDK's error message around Core's sentence, as DeterminismViolationError carries it. */
const sdkError = (core: string) =>
  'Replay failed with a nondeterminism error. This means that the workflow code as written is not compatible with the history that was fed in. ' +
  `Details: Workflow activation completion failed: Failure { failure: Some(Failure { message: "${core}", source: "", stack_trace: "" }), force_cause: NonDeterministicError }`;
const TIMER_VS_ACTIVITY =
  '[TMPRL1100] Nondeterminism error: Timer machine does not handle this event: HistoryEvent(id: 5, ActivityTaskScheduled)';
/** A message that names no event: the divergence is then where the code's steps and the history's part. */
const UNPLACED = '[TMPRL1100] Nondeterminism error: the code and the history disagree';
const PATCH = 'background-check-random-sleep';

const activity = (name: string): CodeStep => ({ kind: 'activity', name });
const timerOf = (seconds: number): CodeStep => ({ kind: 'timer', seconds });
const complete: CodeStep = { kind: 'complete' };

test("the history's steps: what the code commanded, in order, with the patch markers the code can't show", () => {
  const brief = (h: History) =>
    historySteps(h).map((s) => `${s.eventId} ${s.eventType}: ${describeStep(s, 'history')}`);
  expect(brief(straight)).toEqual([
    '5 ActivityTaskScheduled: scheduled activity ssnTrace',
    '11 WorkflowExecutionCompleted: completed the workflow',
  ]);
  expect(brief(slept)).toEqual([
    '5 TimerStarted: started a 60 s timer',
    '10 ActivityTaskScheduled: scheduled activity ssnTrace',
    '16 WorkflowExecutionCompleted: completed the workflow',
  ]);
  expect(brief(patchedHistory)[0]).toBe(`5 MarkerRecorded: recorded patch marker "${PATCH}"`);
});

test('steps in words, on both sides', () => {
  expect(describeStep(timerOf(120), 'code')).toBe('started a 2 min timer');
  expect(describeStep(timerOf(90), 'code')).toBe('started a 90 s timer');
  expect(describeStep(timerOf(0.25), 'code')).toBe('started a 0.25 s timer');
  expect(describeStep({ kind: 'local-activity', name: 'ssnTrace' }, 'code')).toBe('scheduled local activity ssnTrace');
  expect(describeStep({ kind: 'child-workflow', name: 'CreditCheck' }, 'code')).toBe(
    'started child workflow CreditCheck',
  );
  expect(describeStep(complete, 'code')).toBe('completed the workflow (returned)');
  expect(describeStep({ kind: 'fail' }, 'code')).toBe('failed the workflow');
  expect(describeStep({ kind: 'cancel' }, 'code')).toBe('cancelled the workflow');
  expect(describeStep({ kind: 'continue-as-new' }, 'code')).toBe('continued as new');
  expect(describeStep({ kind: 'task-failure', message: 'SyntaxError: bad' }, 'code')).toBe(
    'failed the workflow task (SyntaxError: bad)',
  );
  expect(describeStep(undefined, 'code')).toBe('nothing: it did not get this far');
  expect(describeStep(undefined, 'history')).toBe('nothing: the history ends here');
});

test.each<[string, History, CodeStep[], object]>([
  [
    'an activity added after the last one',
    straight,
    [activity('ssnTrace'), activity('federalBackgroundCheck')],
    {
      change: 'activity-added',
      eventId: 11,
      eventType: 'WorkflowExecutionCompleted',
      history: 'completed the workflow',
      code: 'scheduled activity federalBackgroundCheck',
      summary: 'an activity call was added',
    },
  ],
  [
    'the activity removed',
    straight,
    [complete],
    {
      change: 'activity-removed',
      eventId: 5,
      eventType: 'ActivityTaskScheduled',
      history: 'scheduled activity ssnTrace',
      code: 'completed the workflow (returned)',
    },
  ],
  [
    'the activity type switched',
    straight,
    [activity('ssnTraceV2')],
    {
      change: 'activity-type-switched',
      eventId: 5,
      code: 'scheduled activity ssnTraceV2',
      summary: 'the activity type was switched (ssnTrace → ssnTraceV2)',
    },
  ],
  [
    'a timer added',
    straight,
    [timerOf(1)],
    { change: 'timer-added', eventId: 5, history: 'scheduled activity ssnTrace', code: 'started a 1 s timer' },
  ],
  [
    'the timer removed (a guess the runner then checks)',
    slept,
    [activity('ssnTrace')],
    {
      change: 'timer-removed',
      eventId: 5,
      eventType: 'TimerStarted',
      history: 'started a 60 s timer',
      code: 'scheduled activity ssnTrace',
    },
  ],
  [
    'a local activity added',
    straight,
    [{ kind: 'local-activity', name: 'ssnTrace' }],
    {
      change: 'local-activity-added',
      code: 'scheduled local activity ssnTrace',
      summary: 'a local activity was added',
    },
  ],
  [
    'a child workflow added',
    straight,
    [{ kind: 'child-workflow', name: 'CreditCheck' }],
    {
      change: 'child-workflow-added',
      code: 'started child workflow CreditCheck',
      summary: 'a child workflow was added',
    },
  ],
])('%s', (_name, history, code, expected) => {
  const d = explain(history, code, sdkError(UNPLACED));
  expect(d).toMatchObject(expected);
  expect(d.fix).toBe(
    "Keep executions that started on the old code on the old path: `if (patched('my-change')) { new } else { old }`, or ship the change as a new Worker Deployment Version with PINNED workflows (https://docs.temporal.io/worker-versioning).",
  );
});

test('when Core names the event it stopped at, the divergence is at that event; the steps still say what changed', () => {
  // The code went straight to the activity where the history started its timer (event 5): Core stops at the
  // activity's event, 10.
  const stopped =
    '[TMPRL1100] Nondeterminism error: Activity machine does not handle this event: HistoryEvent(id: 10, ActivityTaskScheduled)';
  expect(explain(slept, [activity('ssnTrace')], sdkError(stopped))).toMatchObject({
    eventId: 10,
    eventType: 'ActivityTaskScheduled',
    history: 'started a 60 s timer',
    code: 'scheduled activity ssnTrace',
    change: 'timer-removed',
  });
  // Core's other way of naming an event (its machines for children and signals print the whole event).
  const debugForm =
    '[TMPRL1100] Nondeterminism error: Child workflow machine does not handle this event: HistoryEvent { event_id: 10, event_time: Some(Timestamp { seconds: 1 }), event_type: ActivityTaskScheduled, version: 0';
  expect(explain(slept, [activity('ssnTrace')], sdkError(debugForm))).toMatchObject({
    eventId: 10,
    eventType: 'ActivityTaskScheduled',
  });
  expect(explain(slept, [activity('ssnTrace')], sdkError(UNPLACED))).toMatchObject({
    eventId: 5,
    eventType: 'TimerStarted',
  });
});

test('a task failure the recorder saw is no command: the divergence is in what the code commanded', () => {
  const failedTask: CodeStep = { kind: 'task-failure', message: 'Error: boom' };
  expect(explain(straight, [failedTask, timerOf(1)], sdkError(UNPLACED))).toMatchObject({
    change: 'timer-added',
    eventId: 5,
    code: 'started a 1 s timer',
  });
});

test("a patched() call removed: named from Core's message, at the history's patch marker, with deprecatePatch as the fix", () => {
  const message = sdkError(
    `[TMPRL1100] Nondeterminism error: Non-deprecated patch marker encountered for change ${PATCH}, but there is no corresponding change command!`,
  );
  // Whatever the code got through before Core stopped it, the divergence is the marker.
  for (const code of [[], [timerOf(60)], [timerOf(60), activity('ssnTrace'), complete]]) {
    expect(explain(patchedHistory, code, message)).toEqual({
      eventId: 5,
      eventType: 'MarkerRecorded',
      history: `recorded patch marker "${PATCH}"`,
      code: `no patched('${PATCH}') call`,
      change: 'patch-removed',
      summary: `a patched() call was removed ("${PATCH}")`,
      fix: 'Keep `deprecatePatch(id)` in the code until no execution that recorded the patch is open, then remove it.',
    });
  }
});

test("Core's sentence is taken out of the SDK's wrapping, on one line; a message it cannot place still gives an explanation", () => {
  expect(coreMessage(sdkError(TIMER_VS_ACTIVITY))).toBe(TIMER_VS_ACTIVITY);
  expect(coreMessage('Replay failed with a nondeterminism error. Details: something new\n   in Core')).toBe(
    'something new in Core',
  );
  const d = explain({ events: [] }, [], 'Replay failed with a nondeterminism error. Details: something new in Core');
  expect(d).toMatchObject({
    change: 'other',
    eventId: undefined,
    summary: 'the code no longer commands what the history recorded',
  });
  const lines = explanationLines({
    source: 'x',
    workflowId: 'x',
    status: 'fail',
    divergence: d,
    sdkMessage: coreMessage('Details: something new in Core'),
  });
  expect(lines).toContain('  Diverged at event ? (?):');
  expect(lines.at(-1)).toBe('  SDK: something new in Core');
});

test('a long SDK message is cut to one readable line, and printed whole with --verbose', () => {
  const sdkMessage = `[TMPRL1100] Nondeterminism error: ${'x'.repeat(400)}`;
  const result = {
    source: 'x',
    workflowId: 'x',
    status: 'fail' as const,
    divergence: explain(straight, [complete], sdkMessage),
    sdkMessage,
  };
  expect(explanationLines(result).at(-1)).toBe(`  SDK: ${sdkMessage.slice(0, 237)}...`);
  expect(explanationLines(result, true).at(-1)).toBe(`  SDK: ${sdkMessage}`);
});

test("the printed explanation: where, the history's step and the code's, the change, the fix, and Core's message", async () => {
  const file = path.join(FIXTURES, 'v0', 'v0-gate-timer-1.json');
  const results = await replayHistories([{ source: 'v0-gate-timer-1.json', loaded: loadHistoryFile(file) }], {
    workflowBundle: await replayBundle(),
    workflowTypes: ['BackgroundCheck'],
  });
  expect(formatText(results).split('\n')).toEqual([
    'FAIL  v0-gate-timer-1.json',
    '      non-determinism:',
    '        Diverged at event 5 (ActivityTaskScheduled):',
    '          history: scheduled activity ssnTrace',
    '          code:    started a 60 s timer instead',
    '        Likely change: a timer (sleep) was added.',
    "        Fix: Keep executions that started on the old code on the old path: `if (patched('my-change')) { new } else { old }`, or ship the change as a new Worker Deployment Version with PINNED workflows (https://docs.temporal.io/worker-versioning).",
    `        SDK: ${TIMER_VS_ACTIVITY}`,
    '',
    'BackgroundCheck: unsafe (an execution that will run this code would fail: ship the change behind patched() or as a new Worker Deployment Version with PINNED workflows)',
    'Saved histories hold no workflow id: each was replayed with its file name as the id (--workflow-id sets one).',
    'replay: 0 passed, 1 failed',
  ]);
});
