import { historyFromJSON, historyToJSON, type History } from '@temporalio/common/lib/proto-utils';

// Edited copies of a history, to test a guess about a change by replaying them. They stay valid
// histories: ids run 1, 2, 3, … and every reference to an event id follows its event.

type JsonEvent = Record<string, unknown> & { eventId: string; eventType: string };

const attributes = (e: JsonEvent) =>
  (e[Object.keys(e).find((k) => k.endsWith('EventAttributes'))!] ?? {}) as Record<string, unknown>;
const isType = (e: JsonEvent | undefined, type: string) =>
  e?.eventType.replace(/^EVENT_TYPE_|_/g, '').toLowerCase() === type.toLowerCase();

/** Renumbers events 1..n and rewrites every "…EventId" reference; a removed id maps through `replaced`. */
function renumber(events: JsonEvent[], replaced = new Map<string, string>()): History {
  const newId = new Map(events.map((e, i) => [e.eventId, String(i + 1)]));
  const remap = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(remap);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) =>
        k.endsWith('EventId') && typeof v === 'string' ? [k, newId.get(replaced.get(v) ?? v) ?? v] : [k, remap(v)],
      ),
    );
  };
  return historyFromJSON({ events: events.map((e, i) => ({ ...(remap(e) as JsonEvent), eventId: String(i + 1) })) });
}

const eventsOf = (history: History) => (JSON.parse(historyToJSON(history)) as { events: JsonEvent[] }).events;

/**
 * The history without the timer started at `eventId`: its TimerStarted, its TimerFired and the workflow
 * task the firing caused. Undefined when the history's shape is not that simple.
 */
export function withoutTimer(history: History, eventId: number): History | undefined {
  const events = eventsOf(history);
  const start = events.findIndex((e) => Number(e.eventId) === eventId && isType(e, 'TimerStarted'));
  const fired = events.findIndex((e) => isType(e, 'TimerFired') && attributes(e).startedEventId === String(eventId));
  const startedBy =
    start >= 0 ? (attributes(events[start]!).workflowTaskCompletedEventId as string | undefined) : undefined;
  const task = events.slice(fired + 1, fired + 4);
  if (
    fired < 0 ||
    !startedBy ||
    !['WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted'].every((t, i) => isType(task[i], t))
  ) {
    return undefined;
  }
  const dropped = new Set([start, fired, fired + 1, fired + 2, fired + 3]);
  // Commands of the dropped workflow task now come from the task that started the timer.
  return renumber(
    events.filter((_, i) => !dropped.has(i)),
    new Map([[task[2]!.eventId, startedBy]]),
  );
}

/** The history with the activity scheduled at `eventId` of another type. */
export function withActivityType(history: History, eventId: number, activityType: string): History | undefined {
  const events = eventsOf(history);
  const event = events.find((e) => Number(e.eventId) === eventId && isType(e, 'ActivityTaskScheduled'));
  if (!event) return undefined;
  attributes(event).activityType = { name: activityType };
  return renumber(events);
}
