import type { History } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import { eventTypeName } from '@background-check/replay/src/events';

const num = (value: unknown) => Number(value ?? 0);

/** Decodes a json/plain payload for display; anything else (e.g. encrypted) is described, not decoded. */
function describePayload(payload: temporal.api.common.v1.IPayload): unknown {
  const encoding = payload.metadata?.encoding ? Buffer.from(payload.metadata.encoding).toString() : undefined;
  if (encoding === 'json/plain' && payload.data) return JSON.parse(Buffer.from(payload.data).toString());
  return encoding === 'binary/null' ? null : `<${encoding ?? 'unknown encoding'} payload>`;
}

/** The execution's status and output from its closing event, or RUNNING when it has none yet. */
export function historyResult(history: History): { status: string; output: string } {
  const last = history.events?.at(-1);
  const completed = last?.workflowExecutionCompletedEventAttributes;
  if (completed)
    return { status: 'COMPLETED', output: JSON.stringify((completed.result?.payloads ?? []).map(describePayload)) };
  const failure = last?.workflowExecutionFailedEventAttributes?.failure;
  if (failure) return { status: 'FAILED', output: failure.cause?.message ?? failure.message ?? '' };
  if (last?.workflowExecutionTimedOutEventAttributes) return { status: 'TIMED_OUT', output: '' };
  const terminated = last?.workflowExecutionTerminatedEventAttributes;
  if (terminated) return { status: 'TERMINATED', output: terminated.reason ?? '' };
  if (last?.workflowExecutionCanceledEventAttributes) return { status: 'CANCELED', output: '' };
  if (last?.workflowExecutionContinuedAsNewEventAttributes) return { status: 'CONTINUED_AS_NEW', output: '' };
  return { status: 'RUNNING', output: '' };
}

/** The chapter's table: "Progress:" with ID, Time (ISO, seconds), Type, then "Result:" with Status and Output. */
export function formatHistoryTable(history: History): string {
  const rows = (history.events ?? []).map((e) => [
    String(num(e.eventId)),
    new Date(num(e.eventTime?.seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventTypeName(e.eventType),
  ]);
  const header = ['ID', 'Time', 'Type'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `  ${cells.map((c, i) => (i === 0 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ')}`.trimEnd();
  const { status, output } = historyResult(history);
  return [
    'Progress:',
    line(header),
    ...rows.map(line),
    '',
    'Result:',
    `  Status: ${status}`,
    `  Output: ${output}`,
  ].join('\n');
}
