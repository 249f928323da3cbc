import type { History } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { eventTypeName } from '@background-check/history';
import type { WorkflowCommand } from './recording-worker';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The kinds of change the chapter names, plus the patch-marker case of the upgrade story. */
export type ChangeKind =
  | 'added-activity'
  | 'removed-activity'
  | 'reordered-activities'
  | 'changed-activity-type'
  | 'added-timer'
  | 'removed-timer'
  | 'reordered-activity-and-timer'
  | 'removed-patch'
  | 'unknown';

/** One step of workflow progress, as the history recorded it or as the code commanded it. */
export interface Step {
  kind: 'activity' | 'timer' | 'patch-marker' | 'marker' | 'complete' | 'fail' | 'continue-as-new' | 'cancel' | 'other' | 'none';
  /** Plain words: "scheduled activity ssnTrace", "started a 60 s timer". */
  description: string;
  activityType?: string;
  patchId?: string;
}

export interface Explanation {
  /** Where the history and the code part ways. */
  eventId?: number;
  eventType?: string;
  /** What the history holds there. */
  history?: Step;
  /** What the current code did there instead. */
  code?: Step;
  /** The likeliest change first; others that fit the same evidence after it. */
  kind: ChangeKind;
  alternatives: ChangeKind[];
  /** One sentence: the change, in the reader's terms. */
  summary: string;
  /** What to do about it. */
  fix: string;
  /** Core's message: "[TMPRL1100] Nondeterminism error: ..." */
  sdkMessage: string;
  /** The SDK error's whole message. */
  raw: string;
}

// ---------------------------------------------------------------------------------------------
// Reading the SDK's message. Core words it per state machine (sdk-core, machines/*.rs), e.g.
//   Timer machine does not handle this event: HistoryEvent(id: 5, ActivityTaskScheduled)
//   Activity type of scheduled event 'ssnTrace' does not match activity type of activity command 'ssnTraceV2'
//   Non-deprecated patch marker encountered for change my-patch, but there is no corresponding change command!
//   No command scheduled for event HistoryEvent(id: 5, ActivityTaskScheduled)

export interface ParsedMessage {
  /** Core's own sentence, without the SDK's wrapping. */
  core: string;
  eventId?: number;
  eventType?: string;
  /** The command the code produced, as far as the message tells (by the state machine it names). */
  codeKind?: Step['kind'];
  historyActivityType?: string;
  codeActivityType?: string;
  patchId?: string;
}

const MACHINE_KINDS: Record<string, Step['kind']> = {
  Timer: 'timer',
  Activity: 'activity',
  'Local activity': 'activity',
  'Complete workflow': 'complete',
  'Fail workflow': 'fail',
  'Continue as new workflow': 'continue-as-new',
  'Cancel workflow': 'cancel',
  Patch: 'patch-marker',
};

export function parseNondeterminismMessage(message: string): ParsedMessage {
  const inner = /Failure \{ message: "((?:[^"\\]|\\.)*)"/.exec(message)?.[1] ?? /Details: (.*)$/s.exec(message)?.[1] ?? message;
  const core = inner.replace(/\\"/g, '"');
  const parsed: ParsedMessage = { core };
  const event = /HistoryEvent\(id: (\d+), (\w+)\)/.exec(core);
  if (event) {
    parsed.eventId = Number(event[1]);
    parsed.eventType = event[2];
  }
  const machine = /Nondeterminism error: ([A-Za-z ]+?) machine does not handle this event/.exec(core);
  if (machine) parsed.codeKind = MACHINE_KINDS[machine[1]!] ?? 'other';
  if (/No command scheduled for event/.test(core)) parsed.codeKind = 'none';
  const types = /Activity type of scheduled event '([^']*)' does not match activity type of activity command '([^']*)'/.exec(core);
  if (types) {
    parsed.historyActivityType = types[1];
    parsed.codeActivityType = types[2];
    parsed.codeKind = 'activity';
  }
  const patch = /patch marker encountered for change (\S+), but there is no corresponding change command/.exec(core);
  if (patch) parsed.patchId = patch[1]!.replace(/,$/, '');
  return parsed;
}

// ---------------------------------------------------------------------------------------------
// Steps: history events and code commands in the same terms.

function seconds(duration: { seconds?: unknown; nanos?: number | null } | null | undefined): number | undefined {
  if (!duration) return undefined;
  const s = duration.seconds;
  const whole = s == null ? 0 : typeof s === 'object' && 'toNumber' in s ? (s as { toNumber(): number }).toNumber() : Number(s);
  return whole + (duration.nanos ?? 0) / 1e9;
}

export function formatDuration(totalSeconds: number | undefined): string {
  if (totalSeconds === undefined) return 'a';
  if (totalSeconds >= 120 && totalSeconds % 60 === 0) return `a ${totalSeconds / 60} min`;
  return `a ${Number(totalSeconds.toFixed(3))} s`;
}

/** Core's patch markers ("core_patch") carry {"id", "deprecated"} as JSON in their details. */
function patchData(event: HistoryEvent): { id?: string; deprecated?: boolean } | undefined {
  const attrs = event.markerRecordedEventAttributes;
  if (attrs?.markerName !== 'core_patch') return undefined;
  for (const payloads of Object.values(attrs.details ?? {})) {
    const data = payloads?.payloads?.[0]?.data;
    if (!data) continue;
    try {
      const parsed = JSON.parse(Buffer.from(data).toString('utf8')) as { id?: string; deprecated?: boolean };
      if (typeof parsed?.id === 'string') return parsed;
    } catch {
      // not this payload
    }
  }
  return {};
}

function patchIdOf(event: HistoryEvent): string | undefined {
  return patchData(event)?.id;
}

function isDeprecatedPatch(event: HistoryEvent): boolean {
  return patchData(event)?.deprecated === true;
}

export function historyStep(event: HistoryEvent): Step {
  const type = eventTypeName(event.eventType);
  if (event.activityTaskScheduledEventAttributes) {
    const activityType = event.activityTaskScheduledEventAttributes.activityType?.name ?? '?';
    return { kind: 'activity', activityType, description: `scheduled activity ${activityType}` };
  }
  if (event.timerStartedEventAttributes) {
    return { kind: 'timer', description: `started ${formatDuration(seconds(event.timerStartedEventAttributes.startToFireTimeout))} timer` };
  }
  if (event.markerRecordedEventAttributes) {
    const patchId = patchIdOf(event);
    if (patchId) return { kind: 'patch-marker', patchId, description: `recorded the patch marker "${patchId}" (the code called patched("${patchId}"))` };
    return { kind: 'marker', description: `recorded a ${event.markerRecordedEventAttributes.markerName ?? ''} marker` };
  }
  if (event.workflowExecutionCompletedEventAttributes) return { kind: 'complete', description: 'completed the workflow' };
  if (event.workflowExecutionFailedEventAttributes) return { kind: 'fail', description: 'failed the workflow' };
  if (event.workflowExecutionContinuedAsNewEventAttributes) return { kind: 'continue-as-new', description: 'continued as new' };
  if (event.workflowExecutionCanceledEventAttributes) return { kind: 'cancel', description: 'canceled the workflow' };
  return { kind: 'other', description: `recorded ${type}` };
}

export function commandStep(command: WorkflowCommand | undefined): Step {
  if (!command) return { kind: 'none', description: 'issued no command there (it was still waiting, or had finished)' };
  if (command.scheduleActivity || command.scheduleLocalActivity) {
    const activityType = (command.scheduleActivity ?? command.scheduleLocalActivity)!.activityType ?? '?';
    return { kind: 'activity', activityType, description: `scheduled activity ${activityType}` };
  }
  if (command.startTimer) return { kind: 'timer', description: `started ${formatDuration(seconds(command.startTimer.startToFireTimeout))} timer` };
  if (command.setPatchMarker) {
    const patchId = command.setPatchMarker.patchId ?? '?';
    return { kind: 'patch-marker', patchId, description: `called patched("${patchId}")` };
  }
  if (command.completeWorkflowExecution) return { kind: 'complete', description: 'completed the workflow (returned)' };
  if (command.failWorkflowExecution) return { kind: 'fail', description: 'failed the workflow (threw)' };
  if (command.continueAsNewWorkflowExecution) return { kind: 'continue-as-new', description: 'continued as new' };
  if (command.cancelWorkflowExecution) return { kind: 'cancel', description: 'canceled the workflow' };
  const name = Object.keys(command).find((k) => k !== 'userMetadata' && k !== 'eventGroupMarkers' && (command as Record<string, unknown>)[k] != null);
  return { kind: 'other', description: `issued a ${name ?? 'different'} command` };
}

/** Event types that a workflow command produces; the rest (tasks, results) come from the server. */
const COMMAND_EVENT = /^(ActivityTaskScheduled|ActivityTaskCancelRequested|TimerStarted|TimerCanceled|MarkerRecorded|WorkflowExecution(Completed|Failed|Canceled|ContinuedAsNew)|StartChildWorkflowExecutionInitiated|SignalExternalWorkflowExecutionInitiated|RequestCancelExternalWorkflowExecutionInitiated|UpsertWorkflowSearchAttributes|WorkflowPropertiesModified|NexusOperationScheduled)$/;

/** Commands that leave no event of their own. */
function producesEvent(command: WorkflowCommand): boolean {
  return !command.respondToQuery && !command.updateResponse && !command.requestCancelLocalActivity;
}

// ---------------------------------------------------------------------------------------------

const KIND_WORDS: Record<ChangeKind, string> = {
  'added-activity': 'an activity call was added',
  'removed-activity': 'an activity call was removed',
  'reordered-activities': 'activity calls were reordered',
  'changed-activity-type': 'the activity type of a call was switched',
  'added-timer': 'a timer (sleep) was added',
  'removed-timer': 'a timer (sleep) was removed',
  'reordered-activity-and-timer': 'an activity and a timer were reordered relative to each other',
  'removed-patch': 'a patched() call was removed while histories that recorded it remain',
  unknown: 'the workflow code takes another path than the history',
};

export function describeKind(kind: ChangeKind): string {
  return KIND_WORDS[kind];
}

function classify(h: Step | undefined, c: Step, laterHistory: Step[], parsed: ParsedMessage): { kind: ChangeKind; alternatives: ChangeKind[]; summary: string } {
  const later = (pred: (s: Step) => boolean) => laterHistory.some(pred);
  if (parsed.patchId || h?.kind === 'patch-marker') {
    const id = parsed.patchId ?? h?.patchId ?? '?';
    return {
      kind: 'removed-patch',
      alternatives: [],
      summary: `The history recorded patched("${id}"), but the code no longer calls it: it ${c.description}.`,
    };
  }
  if (!h) return { kind: 'unknown', alternatives: [], summary: `The code ${c.description}, which the history does not hold.` };
  if (h.kind === 'activity' && c.kind === 'activity') {
    if (later((s) => s.kind === 'activity' && s.activityType === c.activityType)) {
      return { kind: 'reordered-activities', alternatives: ['added-activity'], summary: `Activity ${c.activityType} now runs before ${h.activityType}: the calls were reordered.` };
    }
    return {
      kind: 'changed-activity-type',
      alternatives: ['added-activity'],
      summary: `Where the history scheduled activity ${h.activityType}, the code schedules ${c.activityType}: the activity type was switched (or ${c.activityType} was added before it).`,
    };
  }
  if (h.kind === 'activity' && c.kind === 'timer') {
    if (later((s) => s.kind === 'timer')) {
      return { kind: 'reordered-activity-and-timer', alternatives: ['added-timer'], summary: `The code starts its timer before activity ${h.activityType}, the history after it: the activity and the timer were reordered.` };
    }
    return { kind: 'added-timer', alternatives: [], summary: `The code ${c.description} before activity ${h.activityType}, which the history does not have: a timer was added.` };
  }
  if (h.kind === 'timer' && c.kind === 'activity') {
    // Without the code's commands the activity type is unknown: any later activity fits.
    if (later((s) => s.kind === 'activity' && (c.activityType === undefined || s.activityType === c.activityType))) {
      return {
        kind: 'removed-timer',
        alternatives: ['reordered-activity-and-timer'],
        summary: `The history ${h.description} before activity ${c.activityType ?? 'the activity'}; the code goes straight to the activity: the timer was removed (or moved after the activity).`,
      };
    }
    return { kind: 'added-activity', alternatives: ['removed-timer'], summary: `The code schedules activity ${c.activityType} where the history ${h.description}: an activity was added before the timer.` };
  }
  if (h.kind === 'activity' && (c.kind === 'complete' || c.kind === 'fail' || c.kind === 'none')) {
    return { kind: 'removed-activity', alternatives: [], summary: `The history scheduled activity ${h.activityType}; the code ${c.description} without it: the activity call was removed.` };
  }
  if (h.kind === 'timer' && (c.kind === 'complete' || c.kind === 'fail' || c.kind === 'none')) {
    return { kind: 'removed-timer', alternatives: [], summary: `The history ${h.description}; the code ${c.description} without it: the timer was removed.` };
  }
  if ((h.kind === 'complete' || h.kind === 'fail') && c.kind === 'activity') {
    return { kind: 'added-activity', alternatives: [], summary: `The history ${h.description} there; the code schedules activity ${c.activityType} first: an activity call was added.` };
  }
  if ((h.kind === 'complete' || h.kind === 'fail') && c.kind === 'timer') {
    return { kind: 'added-timer', alternatives: [], summary: `The history ${h.description} there; the code ${c.description} first: a timer was added.` };
  }
  return { kind: 'unknown', alternatives: [], summary: `The history ${h.description}; the code ${c.description} instead.` };
}

function fixFor(kind: ChangeKind, patchId?: string): string {
  if (kind === 'removed-patch') {
    return [
      `Put the call back as deprecatePatch('${patchId ?? '…'}') (@temporalio/workflow) and keep it until no execution`,
      'that recorded the marker is open; only then remove it.',
    ].join(' ');
  }
  return [
    "Keep executions that started on the old code on the old path: `if (patched('my-change')) { new } else { old }`",
    "(@temporalio/workflow), later deprecatePatch('my-change'); or give the new code a new workflow type (e.g. BackgroundCheckV2).",
    'If no execution of this shape can still be open, the history is outdated: move it out of the corpus.',
  ].join(' ');
}

/**
 * Explains a failed replay in the reader's terms: where the history and the code part ways, what
 * each did there, the likely change, and the fix. `commands` (the code's commands during the replay,
 * when recorded) make it exact; without them the SDK's message alone is used.
 */
export function explainNondeterminism(history: History, errorMessage: string, commands?: WorkflowCommand[]): Explanation {
  const parsed = parseNondeterminismMessage(errorMessage);
  const events = history.events ?? [];
  const eventIdOf = (e: HistoryEvent) => Number(e.eventId?.toString());

  // Align the history's command events with the code's commands, as Core does (in order).
  const commandEvents = events.filter((e) => COMMAND_EVENT.test(eventTypeName(e.eventType)));
  const codeCommands = commands?.filter(producesEvent);
  const codeUpserts = codeCommands?.some((c) => c.upsertWorkflowSearchAttributes) ?? false;
  const aligned: { event: HistoryEvent; command?: WorkflowCommand }[] = [];
  let ci = 0;
  for (const event of commandEvents) {
    const command = codeCommands?.[ci];
    // Core adds the TemporalChangeVersion upsert after a patch marker itself; a deprecated patch
    // marker may stand without a matching call.
    if (event.upsertWorkflowSearchAttributesEventAttributes && !codeUpserts) continue;
    if (patchIdOf(event) && isDeprecatedPatch(event) && !command?.setPatchMarker) continue;
    aligned.push({ event, command });
    ci++;
  }

  let index = -1;
  if (parsed.eventId !== undefined) {
    index = aligned.findIndex((a) => eventIdOf(a.event) === parsed.eventId);
  } else if (parsed.patchId) {
    index = aligned.findIndex((a) => patchIdOf(a.event) === parsed.patchId);
  } else if (parsed.historyActivityType) {
    index = aligned.findIndex((a) => a.event.activityTaskScheduledEventAttributes?.activityType?.name === parsed.historyActivityType && (!codeCommands || a.command?.scheduleActivity?.activityType === parsed.codeActivityType));
  }
  if (index < 0 && codeCommands) {
    // No location in the message: the first place where history and code differ.
    index = aligned.findIndex((a) => {
      const h = historyStep(a.event);
      const c = commandStep(a.command);
      return h.kind !== c.kind || h.activityType !== c.activityType;
    });
  }
  const at = index >= 0 ? aligned[index] : undefined;
  const event = at?.event ?? (parsed.eventId !== undefined ? events.find((e) => eventIdOf(e) === parsed.eventId) : undefined);
  const h = event ? historyStep(event) : undefined;

  // What the code did: its recorded command at that point, else what the message implies.
  let c: Step;
  if (codeCommands) {
    c = commandStep(at?.command);
  } else if (parsed.codeActivityType) {
    c = { kind: 'activity', activityType: parsed.codeActivityType, description: `scheduled activity ${parsed.codeActivityType}` };
  } else {
    const kind = parsed.codeKind ?? 'other';
    const words: Partial<Record<Step['kind'], string>> = {
      timer: 'started a timer',
      activity: 'scheduled an activity',
      complete: 'completed the workflow (returned)',
      fail: 'failed the workflow (threw)',
      none: 'issued no command there',
    };
    c = { kind, description: words[kind] ?? 'issued a different command' };
  }
  const laterHistory = (index >= 0 ? aligned.slice(index + 1).map((a) => a.event) : []).map(historyStep);
  const { kind, alternatives, summary } = classify(h, c, laterHistory, parsed);
  return {
    eventId: event ? eventIdOf(event) : parsed.eventId,
    eventType: event ? eventTypeName(event.eventType) : parsed.eventType,
    history: h,
    code: c,
    kind,
    alternatives,
    summary,
    fix: fixFor(kind, parsed.patchId ?? h?.patchId),
    sdkMessage: parsed.core,
    raw: errorMessage,
  };
}

/** The explanation as report lines (no indentation). */
export function formatExplanation(x: Explanation): string[] {
  const lines: string[] = [];
  lines.push(x.eventId !== undefined ? `Diverged at event ${x.eventId} (${x.eventType}):` : 'Diverged:');
  if (x.history) lines.push(`  history: ${x.history.description}`);
  lines.push(`  code:    ${x.code?.description ?? 'unknown'}${x.history ? ' instead' : ''}`);
  const also = x.alternatives.length > 0 ? ` (or: ${x.alternatives.map(describeKind).join('; ')})` : '';
  lines.push(`Likely change: ${describeKind(x.kind)}${also}.`);
  lines.push(`  ${x.summary}`);
  lines.push(`Fix: ${x.fix}`);
  lines.push(`SDK: ${x.sdkMessage}`);
  return lines;
}
