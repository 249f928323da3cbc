import { temporal } from '@temporalio/proto';
import type { History } from '@temporalio/common/lib/proto-utils';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const { EventType } = temporal.api.enums.v1;

/** 'EVENT_TYPE_WORKFLOW_TASK_SCHEDULED' or 5 -> 'WorkflowTaskScheduled', as the CLI prints it. */
export function eventTypeName(eventType: temporal.api.enums.v1.EventType | string | null | undefined): string {
  const constant = typeof eventType === 'string' ? eventType : EventType[eventType ?? 0];
  if (!constant) return `Unknown(${String(eventType)})`;
  if (!constant.startsWith('EVENT_TYPE_')) return constant; // already the short form
  return constant
    .slice('EVENT_TYPE_'.length)
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_m, _sep, c: string) => c.toUpperCase());
}

function toNumber(value: unknown): number {
  if (value == null) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'object' && 'toNumber' in value) return (value as { toNumber(): number }).toNumber();
  return Number(value);
}

/** Event time as the chapter's table shows it: ISO, seconds precision. */
export function eventTime(event: HistoryEvent): string {
  const seconds = toNumber(event.eventTime?.seconds);
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Decodes a json/plain payload for display; anything else is described, not decoded. */
export function describePayload(payload: temporal.api.common.v1.IPayload): unknown {
  const encoding = payload.metadata?.encoding ? Buffer.from(payload.metadata.encoding).toString() : undefined;
  if (encoding === 'json/plain' && payload.data) return JSON.parse(Buffer.from(payload.data).toString());
  if (encoding === 'binary/null') return null;
  return `<${encoding ?? 'unknown encoding'} payload>`;
}

export interface HistoryResult {
  status: string;
  output: string;
}

/** The execution's outcome from its closing event, or RUNNING when it has none yet. */
export function historyResult(history: History): HistoryResult {
  const last = history.events?.[history.events.length - 1];
  if (!last) return { status: 'UNKNOWN', output: '' };
  const a = last;
  if (a.workflowExecutionCompletedEventAttributes) {
    const payloads = a.workflowExecutionCompletedEventAttributes.result?.payloads ?? [];
    return { status: 'COMPLETED', output: JSON.stringify(payloads.map(describePayload)) };
  }
  if (a.workflowExecutionFailedEventAttributes) {
    const failure = a.workflowExecutionFailedEventAttributes.failure;
    return { status: 'FAILED', output: failure?.cause?.message ?? failure?.message ?? '' };
  }
  if (a.workflowExecutionTimedOutEventAttributes) return { status: 'TIMED_OUT', output: '' };
  if (a.workflowExecutionTerminatedEventAttributes) {
    return { status: 'TERMINATED', output: a.workflowExecutionTerminatedEventAttributes.reason ?? '' };
  }
  if (a.workflowExecutionCanceledEventAttributes) return { status: 'CANCELED', output: '' };
  if (a.workflowExecutionContinuedAsNewEventAttributes) return { status: 'CONTINUED_AS_NEW', output: '' };
  return { status: 'RUNNING', output: '' };
}

/** The chapter's table: "Progress:" with ID, Time, Type, then "Result:" with Status and Output. */
export function formatHistoryTable(history: History): string {
  const events = history.events ?? [];
  const rows = events.map((e) => [String(toNumber(e.eventId)), eventTime(e), eventTypeName(e.eventType)]);
  const header = ['ID', 'Time', 'Type'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const { status, output } = historyResult(history);
  return ['Progress:', `  ${line(header)}`, ...rows.map((r) => `  ${line(r)}`), '', 'Result:', `  Status: ${status}`, `  Output: ${output}`].join('\n');
}
