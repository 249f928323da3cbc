import type { History } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { eventTypeName } from '@background-check/common';
import type { CodeStep } from './recorder';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Stable codes for what changed, for CI: the JSON report's `divergence.change`. */
export type Change =
  | 'activity-added'
  | 'activity-removed'
  | 'activity-type-switched'
  | 'timer-added'
  | 'timer-removed'
  | 'reordered'
  | 'child-workflow-added'
  | 'child-workflow-removed'
  | 'local-activity-added'
  | 'local-activity-removed'
  | 'patch-removed'
  | 'other';

/** A step of progress as the history recorded it: CodeStep's kinds, plus the patch markers the code can't show. */
export interface HistoryStep extends Omit<CodeStep, 'kind'> {
  kind: CodeStep['kind'] | 'patch' | 'continue-as-new';
  eventId: number;
  eventType: string;
}

export interface Divergence {
  eventId?: number;
  eventType?: string;
  /** What the history holds there, in words: "scheduled activity ssnTrace". */
  history: string;
  /** What the code did there instead: "started a 60 s timer". */
  code: string;
  change: Change;
  /** The change in a sentence, and what to do. */
  summary: string;
  fix: string;
}

const num = (v: unknown) => Number(v ?? 0);
const seconds = (d: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  num(d?.seconds) + num(d?.nanos) / 1e9;

/** JSON details of a Core marker (patches: {id, deprecated}; local activities: {activity_type, ...}). */
function markerData(event: HistoryEvent): Record<string, unknown> {
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
  const steps: HistoryStep[] = [];
  for (const e of history.events ?? []) {
    const at = { eventId: num(e.eventId), eventType: eventTypeName(e.eventType) };
    const marker = e.markerRecordedEventAttributes?.markerName;
    if (e.activityTaskScheduledEventAttributes) {
      steps.push({ ...at, kind: 'activity', name: e.activityTaskScheduledEventAttributes.activityType?.name ?? '?' });
    } else if (e.timerStartedEventAttributes) {
      steps.push({ ...at, kind: 'timer', seconds: seconds(e.timerStartedEventAttributes.startToFireTimeout) });
    } else if (e.startChildWorkflowExecutionInitiatedEventAttributes) {
      steps.push({
        ...at,
        kind: 'child-workflow',
        name: e.startChildWorkflowExecutionInitiatedEventAttributes.workflowType?.name ?? '?',
      });
    } else if (marker === 'core_local_activity') {
      steps.push({ ...at, kind: 'local-activity', name: String(markerData(e).activity_type ?? '?') });
    } else if (marker === 'core_patch') {
      steps.push({ ...at, kind: 'patch', name: String(markerData(e).id ?? '?') });
    } else if (e.workflowExecutionCompletedEventAttributes) {
      steps.push({ ...at, kind: 'complete' });
    } else if (e.workflowExecutionFailedEventAttributes) {
      steps.push({ ...at, kind: 'fail' });
    } else if (e.workflowExecutionContinuedAsNewEventAttributes) {
      steps.push({ ...at, kind: 'continue-as-new' });
    }
  }
  return steps;
}

function duration(s = 0): string {
  return s >= 120 && s % 60 === 0 ? `${s / 60} min` : `${Number(s.toFixed(3))} s`;
}

/** A step in plain words. */
export function describeStep(step: CodeStep | HistoryStep | undefined, side: 'history' | 'code'): string {
  switch (step?.kind) {
    case undefined:
      return side === 'code' ? 'nothing: it did not get this far' : 'nothing: the history ends here';
    case 'activity':
      return `scheduled activity ${step.name}`;
    case 'local-activity':
      return `scheduled local activity ${step.name}`;
    case 'timer':
      return `started a ${duration(step.seconds)} timer`;
    case 'child-workflow':
      return `started child workflow ${step.name}`;
    case 'patch':
      return `recorded patch marker "${step.name}"`;
    case 'complete':
      return side === 'code' ? 'completed the workflow (returned)' : 'completed the workflow';
    case 'fail':
      return 'failed the workflow';
    case 'continue-as-new':
      return 'continued as new';
  }
}

const same = (c: CodeStep | undefined, h: HistoryStep | undefined) =>
  c !== undefined && h !== undefined && c.kind === h.kind && (c.name === undefined || c.name === h.name);

const SUMMARIES: Record<Change, string> = {
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

const FIX =
  "Keep executions that started on the old code on the old path: `if (patched('my-change')) { new } else { old }`, " +
  'or ship the change as a new Worker Deployment version with PINNED workflows (see docs/walkthrough.md).';
const PATCH_FIX =
  'Keep `deprecatePatch(id)` in the code until no execution that recorded the patch is open, then remove it.';

function added(step: CodeStep): Change {
  return step.kind === 'complete' || step.kind === 'fail' ? 'other' : `${step.kind}-added`;
}
function removed(step: HistoryStep): Change {
  return ['activity', 'timer', 'child-workflow', 'local-activity'].includes(step.kind)
    ? (`${step.kind}-removed` as Change)
    : 'other';
}

/** Core's sentence out of the SDK's wrapping, on one line: "[TMPRL1100] Nondeterminism error: ...". */
export function coreMessage(message: string): string {
  const inner =
    /Failure \{ message: "((?:[^"\\]|\\.)*)"/.exec(message)?.[1] ?? /Details: (.*)$/s.exec(message)?.[1] ?? message;
  return inner.replace(/\\"/g, '"').replace(/\s+/g, ' ').trim();
}

/**
 * Where the code and the history part ways, and the likeliest change. `code` is what the code commanded
 * during the replay (the recorder's steps, in order); the first step that differs from the history's is
 * the divergence. When the code stops at a step the history has later, a timer or activity was removed
 * (or moved: `confirm` in replay.ts tells them apart by replaying an edited history).
 */
export function explain(history: History, code: CodeStep[], sdkMessage: string): Divergence {
  const all = historySteps(history);
  const steps = all.filter((s) => s.kind !== 'patch');
  let i = 0;
  while (i < code.length && same(code[i], steps[i])) i++;
  const [h, c] = [steps[i], code[i]];
  const patch = /patch marker encountered for change (\S+?),? but/.exec(coreMessage(sdkMessage))?.[1];
  // A removed patched() call diverges at its marker, wherever the code's other steps got to.
  const marker = patch === undefined ? undefined : all.find((s) => s.kind === 'patch' && s.name === patch);
  const at = marker ?? h ?? all.find((s) => s.eventId === Number(/HistoryEvent\(id: (\d+)/.exec(sdkMessage)?.[1]));
  let change: Change;
  if (patch) change = 'patch-removed';
  else if (!c) change = h ? removed(h) : 'other';
  else if (h && same(c, steps[i + 1]) && same(code[i + 1], h)) change = 'reordered';
  else if (!h || same(code[i + 1], h)) change = added(c);
  else if (same(c, steps[i + 1])) change = removed(h);
  else if (c.kind === 'activity' && h.kind === 'activity') change = 'activity-type-switched';
  else if (c.kind === 'complete' || c.kind === 'fail') change = removed(h);
  else change = added(c);
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
