import type { History } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { eventTypeName } from './events';
import type { CodeStep } from './recorder';

/** A step of progress as the history recorded it: CodeStep's kinds, plus the patch markers the code can't show. */
export interface HistoryStep extends Omit<CodeStep, 'kind'> {
  kind: CodeStep['kind'] | 'patch';
  eventId: number;
  eventType: string;
}

export interface Divergence {
  eventId?: number;
  eventType?: string;
  history: string; // what the history holds there, in words: "scheduled activity ssnTrace"
  code: string; // what the code did there instead: "started a 60 s timer"
  change: Change;
  summary: string; // the change in a sentence
  fix: string; // what to do
}

const SUMMARIES = {
  'activity-added': 'an activity call was added',
  'activity-removed': 'an activity call was removed',
  'activity-type-switched': 'the activity type was switched',
  'timer-added': 'a timer (sleep) was added',
  'timer-removed': 'a timer (sleep) was removed',
  reordered: 'steps were reordered',
  'child-workflow-added': 'a child workflow was added',
  'child-workflow-removed': 'a child workflow was removed',
  'local-activity-added': 'a local activity was added',
  'local-activity-removed': 'a local activity was removed',
  'patch-removed': 'a patched() call was removed',
  other: 'the code no longer commands what the history recorded',
};

/** Stable codes for what changed, for CI: the JSON report's `divergence.change`. */
export type Change = keyof typeof SUMMARIES;

const FIX =
  "Keep executions that started on the old code on the old path: `if (patched('my-change')) { new } else { old }`, " +
  'or ship the change as a new Worker Deployment Version with PINNED workflows (https://docs.temporal.io/worker-versioning).';
const PATCH_FIX =
  'Keep `deprecatePatch(id)` in the code until no execution that recorded the patch is open, then remove it.';

/** JSON details of a Core marker (patches: {id, deprecated}; local activities: {activity_type, ...}). */
function markerData(event: temporal.api.history.v1.IHistoryEvent): Record<string, unknown> {
  for (const p of Object.values(event.markerRecordedEventAttributes?.details ?? {})) {
    try {
      const data = JSON.parse(Buffer.from(p.payloads?.[0]?.data ?? []).toString('utf8'));
      if (data && typeof data === 'object') return data as Record<string, unknown>;
    } catch {
      // not JSON: not a marker we read
    }
  }
  return {};
}

/** The history's steps that workflow code commands, in order. */
export function historySteps(history: History): HistoryStep[] {
  return (history.events ?? []).flatMap((e): HistoryStep[] => {
    const at = { eventId: Number(e.eventId ?? 0), eventType: eventTypeName(e.eventType) };
    const named = (kind: HistoryStep['kind'], name: unknown) => [{ ...at, kind, name: String(name ?? '?') }];
    const marker = e.markerRecordedEventAttributes?.markerName;
    const timer = e.timerStartedEventAttributes?.startToFireTimeout;
    if (e.activityTaskScheduledEventAttributes)
      return named('activity', e.activityTaskScheduledEventAttributes.activityType?.name);
    if (e.timerStartedEventAttributes)
      return [{ ...at, kind: 'timer', seconds: Number(timer?.seconds ?? 0) + (timer?.nanos ?? 0) / 1e9 }];
    const child = e.startChildWorkflowExecutionInitiatedEventAttributes;
    if (child) return named('child-workflow', child.workflowType?.name);
    if (marker === 'core_local_activity') return named('local-activity', markerData(e).activity_type);
    if (marker === 'core_patch') return named('patch', markerData(e).id);
    if (e.workflowExecutionCompletedEventAttributes) return [{ ...at, kind: 'complete' }];
    if (e.workflowExecutionFailedEventAttributes) return [{ ...at, kind: 'fail' }];
    if (e.workflowExecutionCanceledEventAttributes) return [{ ...at, kind: 'cancel' }];
    return e.workflowExecutionContinuedAsNewEventAttributes ? [{ ...at, kind: 'continue-as-new' }] : [];
  });
}

const duration = (s = 0) =>
  s >= 3600 && s % 3600 === 0
    ? `${s / 3600} h`
    : s >= 120 && s % 60 === 0
      ? `${s / 60} min`
      : `${Number(s.toFixed(3))} s`;

export function describeStep(step: CodeStep | HistoryStep | undefined, side: 'history' | 'code'): string {
  if (!step) return side === 'code' ? 'nothing: it did not get this far' : 'nothing: the history ends here';
  return {
    activity: `scheduled activity ${step.name}`,
    'local-activity': `scheduled local activity ${step.name}`,
    timer: `started a ${duration(step.seconds)} timer`,
    'child-workflow': `started child workflow ${step.name}`,
    patch: `recorded patch marker "${step.name}"`,
    complete: side === 'code' ? 'completed the workflow (returned)' : 'completed the workflow',
    fail: 'failed the workflow',
    cancel: 'cancelled the workflow',
    'continue-as-new': 'continued as new',
    'task-failure': `failed the workflow task (${step.message})`,
  }[step.kind];
}

const same = (c: CodeStep | undefined, h: HistoryStep | undefined) =>
  c !== undefined && h !== undefined && c.kind === h.kind && (c.name === undefined || c.name === h.name);
/** "activity-added", "timer-removed", …; "other" for steps no such change names (completing, failing). */
const changed = (step: CodeStep | HistoryStep, how: 'added' | 'removed'): Change =>
  `${step.kind}-${how}` in SUMMARIES ? (`${step.kind}-${how}` as Change) : 'other';

/** Core's sentence out of the SDK's wrapping, on one line: "[TMPRL1100] Nondeterminism error: ...". */
export function coreMessage(message: string): string {
  const inner =
    /Failure \{ message: "((?:[^"\\]|\\.)*)"/.exec(message)?.[1] ?? /Details: (.*)$/s.exec(message)?.[1] ?? message;
  return inner.replace(/\\"/g, '"').replace(/\s+/g, ' ').trim();
}

/**
 * Where the code and the history part ways, and the likeliest change. `code` is what the code commanded during the
 * replay (the recorder's steps); the first step that differs from the history's is the divergence. When the code
 * stops at a step the history has later, a timer or activity was removed (or moved: `confirm` in replay.ts tells).
 */
export function explain(history: History, code: CodeStep[], sdkMessage: string): Divergence {
  const all = historySteps(history);
  const steps = all.filter((s) => s.kind !== 'patch');
  // A task failure is no command: where it happened, the replay error says.
  code = code.filter((s) => s.kind !== 'task-failure');
  let i = 0;
  while (i < code.length && same(code[i], steps[i])) i++;
  const [h, c] = [steps[i], code[i]];
  const patch = /patch marker encountered for change (\S+?),? but/.exec(coreMessage(sdkMessage))?.[1];
  // A removed patched() call diverges at its marker, wherever the code's other steps got to.
  const marker = patch && all.find((s) => s.kind === 'patch' && s.name === patch);
  // The event Core names is where the replay stopped; else the first history step the code did not match.
  // Core writes the event as `HistoryEvent(id: 5, TimerStarted)` or `HistoryEvent { event_id: 5, ... event_type: TimerStarted`.
  const named = /HistoryEvent\(id: (\d+), (\w+)|HistoryEvent \{ event_id: (\d+),.*?event_type: (\w+)/.exec(sdkMessage);
  const stoppedAt = named && { eventId: Number(named[1] ?? named[3]), eventType: named[2] ?? named[4]! };
  const at = marker || stoppedAt || h;
  let change: Change;
  if (patch) change = 'patch-removed';
  else if (!c) change = h ? changed(h, 'removed') : 'other';
  else if (h && same(c, steps[i + 1]) && same(code[i + 1], h)) change = 'reordered';
  else if (!h || same(code[i + 1], h)) change = changed(c, 'added');
  else if (same(c, steps[i + 1])) change = changed(h, 'removed');
  else if (c.kind === 'activity' && h.kind === 'activity') change = 'activity-type-switched';
  else if (c.kind === 'complete' || c.kind === 'fail') change = changed(h, 'removed');
  else change = changed(c, 'added');
  const detail = change === 'activity-type-switched' ? ` (${h?.name} → ${c?.name})` : patch ? ` ("${patch}")` : '';
  return {
    eventId: at?.eventId,
    eventType: at?.eventType,
    history: patch ? `recorded patch marker "${patch}"` : describeStep(h, 'history'),
    code: patch ? `no patched('${patch}') call` : describeStep(c, 'code'),
    change,
    summary: `${SUMMARIES[change]}${detail}`,
    fix: change === 'patch-removed' ? PATCH_FIX : FIX,
  };
}
