import type { History } from '@temporalio/common/lib/proto-utils';
import { eventTypeName, historyResult } from './format';

/**
 * A history's shape: its sequence of event types. Two executions of the same shape test the same
 * path through the code on replay, so a corpus needs one of each.
 */
export function shapeOf(history: History): string {
  return (history.events ?? []).map((e) => eventTypeName(e.eventType)).join(',');
}

/** A short name for a shape, for file names and messages: "completed-timer", "failed-no-timer". */
export function shapeName(history: History): string {
  const status = historyResult(history).status.toLowerCase().replace(/_/g, '-');
  const timer = (history.events ?? []).some((e) => e.timerStartedEventAttributes) ? 'timer' : 'no-timer';
  return `${status}-${timer}`;
}
