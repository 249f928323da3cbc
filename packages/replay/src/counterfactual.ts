import { historyFromJSON, historyToJSON, type History } from '@temporalio/common/lib/proto-utils';
import { eventTypeName } from './events';

// Edited copies of a history, to test a guess about a change by replaying them. They stay valid
// histories: ids run 1, 2, 3, … and every reference to an event id follows its event.

type JsonEvent = Record<string, unknown> & { eventId: string; eventType: string };

const attributes = (e: JsonEvent | undefined) =>
  (Object.entries(e ?? {}).find(([k]) => k.endsWith('EventAttributes'))?.[1] ?? {}) as Record<string, unknown>;
const isType = (e: JsonEvent | undefined, type: string) => eventTypeName(e?.eventType) === type;

/** Renumbers events 1..n and rewrites every "…EventId" reference; a removed id maps through `replaced`. */
function renumber(events: JsonEvent[], replaced = new Map<string, string>()): History {
  const newId = new Map(events.map((e, i) => [e.eventId, String(i + 1)]));
  const remap = (key: string, id: unknown) =>
    /^eventId$|EventId$/.test(key) && typeof id === 'string' ? (newId.get(replaced.get(id) ?? id) ?? id) : id;
  return historyFromJSON(JSON.parse(JSON.stringify({ events }, remap)));
}

const eventsOf = (history: History) => (JSON.parse(historyToJSON(history)) as { events: JsonEvent[] }).events;

/**
 * The history without the timer started at `eventId`: its TimerStarted, its TimerFired and the workflow
 * task the firing caused. Undefined when the history's shape is not that simple.
 */
export function withoutTimer(history: History, eventId: number | undefined) {
  const events = eventsOf(history);
  const start = events.findIndex((e) => Number(e.eventId) === eventId && isType(e, 'TimerStarted'));
  const fired = events.findIndex((e) => isType(e, 'TimerFired') && attributes(e).startedEventId === String(eventId));
  const startedBy = attributes(events[start]).workflowTaskCompletedEventId as string | undefined;
  const task = events.slice(fired + 1, fired + 4);
  const taskTypes = ['WorkflowTaskScheduled', 'WorkflowTaskStarted', 'WorkflowTaskCompleted'];
  if (fired < 0 || !startedBy || !taskTypes.every((t, i) => isType(task[i], t))) return undefined;
  const kept = events.filter((_, i) => i !== start && (i < fired || i > fired + 3));
  // Commands of the dropped workflow task now come from the task that started the timer.
  return renumber(kept, new Map([[task[2]!.eventId, startedBy]]));
}

/** The history with the activity scheduled at `eventId` of another type. */
export function withActivityType(history: History, eventId: number | undefined, activityType: string) {
  const events = eventsOf(history);
  const event = events.find((e) => Number(e.eventId) === eventId && isType(e, 'ActivityTaskScheduled'));
  if (!event) return undefined;
  attributes(event).activityType = { name: activityType };
  return renumber(events);
}
