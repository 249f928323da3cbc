import { historyFromJSON, historyToJSON, type History } from '@temporalio/common/lib/proto-utils';

/**
 * Edited copies of a history, to test a guess about a change by replaying: if the code replays the
 * history with the timer taken out, the timer was removed; if it then starts the timer later
 * instead, the timer was moved. The copies stay valid histories: ids run 1, 2, 3, … and every
 * reference to an event id follows its event.
 */

type JsonEvent = Record<string, unknown> & { eventId: string; eventType: string };

function toJson(history: History): JsonEvent[] {
  return (JSON.parse(historyToJSON(history)) as { events: JsonEvent[] }).events;
}

function attributesOf(event: JsonEvent): Record<string, unknown> {
  const key = Object.keys(event).find((k) => k.endsWith('EventAttributes'));
  return (key ? event[key] : {}) as Record<string, unknown>;
}

const isType = (event: JsonEvent | undefined, short: string) =>
  event !== undefined && event.eventType.replace(/^EVENT_TYPE_/, '').replace(/_/g, '').toLowerCase() === short.toLowerCase();

/** Renumbers events 1..n and rewrites every "…EventId" reference; removed ids map to `replaced`. */
function renumber(events: JsonEvent[], replaced: Map<string, string>): History {
  const newId = new Map<string, string>();
  events.forEach((e, i) => newId.set(e.eventId, String(i + 1)));
  const remap = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(remap);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        if (k.endsWith('EventId') && typeof v === 'string') {
          const target = replaced.get(v) ?? v;
          return [k, newId.get(target) ?? v];
        }
        return [k, remap(v)];
      }),
    );
  };
  return historyFromJSON({ events: events.map((e, i) => ({ ...(remap(e) as JsonEvent), eventId: String(i + 1) })) });
}

/**
 * The history without the timer started at `timerEventId`: its TimerStarted, its TimerFired, and the
 * workflow task that the firing caused. Undefined when the history's shape is not that simple.
 */
export function withoutTimer(history: History, timerEventId: number): History | undefined {
  const events = toJson(history);
  const startIndex = events.findIndex((e) => Number(e.eventId) === timerEventId && isType(e, 'TimerStarted'));
  if (startIndex < 0) return undefined;
  const startedBy = attributesOf(events[startIndex]!).workflowTaskCompletedEventId as string | undefined;
  const firedIndex = events.findIndex((e) => isType(e, 'TimerFired') && attributesOf(e).startedEventId === String(timerEventId));
  if (firedIndex < 0 || !startedBy) return undefined;
  const [scheduled, started, completed] = [events[firedIndex + 1], events[firedIndex + 2], events[firedIndex + 3]];
  if (!isType(scheduled, 'WorkflowTaskScheduled') || !isType(started, 'WorkflowTaskStarted') || !isType(completed, 'WorkflowTaskCompleted')) return undefined;
  const removed = new Set([startIndex, firedIndex, firedIndex + 1, firedIndex + 2, firedIndex + 3]);
  // Commands of the dropped workflow task now come from the task that started the timer.
  return renumber(
    events.filter((_, i) => !removed.has(i)),
    new Map([[completed!.eventId, startedBy]]),
  );
}

/** The history with the activity scheduled at `eventId` of another type. */
export function withActivityType(history: History, eventId: number, activityType: string): History | undefined {
  const events = toJson(history);
  const event = events.find((e) => Number(e.eventId) === eventId && isType(e, 'ActivityTaskScheduled'));
  if (!event) return undefined;
  const attrs = attributesOf(event);
  attrs.activityType = { name: activityType };
  return renumber(events, new Map());
}
