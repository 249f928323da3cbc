import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';
import { eventTypeName } from './events';

/** A history ready to replay, or why it is not. */
export type Loaded = { history: History; workflowType: string } | { problem: string };

const SAVE = 'Save it again with `pnpm temporal workflow show --output json`.';
type JsonEvent = Record<string, unknown>;

/** What `check` finds first in `value` or the objects nested in it, down to `depth` levels, skipping `skip` keys. */
function find(value: unknown, depth: number, check: (o: object) => string | undefined, skip: string[] = []) {
  if (depth < 0 || value === null || typeof value !== 'object') return undefined;
  let hit = check(value);
  for (const [key, child] of Object.entries(value))
    if (!hit && !skip.includes(key)) hit = find(child, depth - 1, check, skip);
  return hit;
}

/** A payload whose data is not base64 is a decoded (readable) export. Never echoes a payload: it may be an SSN. */
function decodedPayload(value: object): string | undefined {
  const payloads = (value as { payloads?: unknown }).payloads;
  for (const p of Array.isArray(payloads) ? payloads : []) {
    if (p === null || typeof p !== 'object' || !('metadata' in p)) return 'a payload is not {"metadata":…, "data":…}';
    const { data, metadata } = p as { data?: unknown; metadata?: { encoding?: unknown } };
    if (data !== undefined && (typeof data !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(data)))
      return `a payload's data is ${typeof data === 'string' ? 'readable text' : `a ${typeof data}`}, not base64`;
    const encoding = metadata?.encoding;
    if (encoding !== undefined && (typeof encoding !== 'string' || /^(json|binary)\//.test(encoding)))
      return `a payload's metadata.encoding is ${JSON.stringify(encoding)}, not base64`;
  }
}

/** Why the events are not a replayable history, if they are not. */
function problemOf(events: JsonEvent[]): string | undefined {
  if (events.length === 0) return 'the "events" array is empty. Fetch the history of an execution that has run.';
  const notObject = events.findIndex((e) => e === null || typeof e !== 'object' || Array.isArray(e));
  if (notObject >= 0) return `event #${notObject + 1} is not an event object.`;
  // Payload metadata and search attributes may legitimately hold any key.
  const snakeKey = (o: object) => Object.keys(o).find((k) => /^[a-z]+(_[a-z0-9]+)+$/.test(k));
  const snake = find(events[0], 4, snakeKey, ['metadata', 'indexedFields', 'header', 'fields']);
  if (snake)
    return `keys are in snake_case (e.g. "${snake}"); replay needs the camelCase proto JSON that \`temporal workflow show --output json\` writes.`;
  const bare = events.findIndex((e) => !Object.keys(e).some((k) => k.endsWith('EventAttributes')));
  if (bare >= 0)
    return `event #${bare + 1} has no "…EventAttributes" object: the file is not a complete proto-JSON history. ${SAVE}`;
  const ids = events.map((e) => Number(e.eventId));
  if (events.length > 1 && ids[0] === events.length && ids.at(-1) === 1)
    return `events are in reverse order (ids ${ids[0]} down to 1), as some older Web UI exports are. Reverse the "events" array, or ${SAVE.toLowerCase()}`;
  const first = eventTypeName(events[0]!.eventType as string);
  if (first !== 'WorkflowExecutionStarted')
    return `the first event is ${first}, not WorkflowExecutionStarted: the file must hold the whole history, from the start.`;
  const wrong = ids.findIndex((id, index) => id !== index + 1);
  if (wrong >= 0)
    return `event ids must run 1, 2, 3, … in order; event #${wrong + 1} has id ${String(events[wrong]!.eventId)}. Events are missing, repeated or out of order: ${SAVE.toLowerCase()}`;
  const decoded = find(events, 8, decodedPayload);
  if (decoded)
    return `payloads are decoded (${decoded}). Export the history with encoded payloads (the CLI's --output json, or the Web UI's download without decoding).`;
}

/**
 * Checks a history's JSON before the SDK sees it: the SDK's errors for these cases are unclear, and for
 * reversed events its replay never ends. Accepts {"events": [...]} (CLI, Web UI download, SDK
 * historyToJSON), a bare array of events, and {"history": {"events": [...]}} (the raw API answer).
 */
export function parseHistory(text: string): Loaded {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const table = /^\s*Progress:/.test(text) ? " It looks like the CLI's table output: add `--output json`." : '';
    // Never echo the file's text (the parser's message quotes it): it may hold personal data. Where it stopped is enough.
    const message = (err as Error).message;
    const at = /at position (\d+)/.exec(message)?.[1];
    const why = /end of JSON input/.test(message)
      ? 'it ends early'
      : `unexpected text${at ? ` at position ${at}` : ''}`;
    return { problem: `not valid JSON (${why}).${table} ${SAVE}` };
  }
  if (Array.isArray(json)) json = { events: json };
  const wrapped = (json as { history?: { events?: unknown } } | null)?.history;
  if (json && typeof json === 'object' && !('events' in json) && Array.isArray(wrapped?.events)) json = wrapped;
  const events = (json as { events?: JsonEvent[] } | null)?.events;
  const problem = Array.isArray(events)
    ? problemOf(events)
    : 'no "events" array at the top level. An Event History file is {"events": [...]}, as `temporal workflow show --output json` writes it.';
  if (problem) return { problem };
  try {
    const history = historyFromJSON(json);
    const workflowType = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
    if (!workflowType) return { problem: 'the WorkflowExecutionStarted event names no workflow type.' };
    return { history, workflowType };
  } catch (err) {
    return { problem: `the SDK cannot read it as a history: ${(err as Error).message}` };
  }
}

/** The one history loader: a saved Event History file, checked. */
export function loadHistoryFile(file: string): Loaded {
  try {
    return parseHistory(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    return { problem: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).` };
  }
}

/** Every *.json under the folder (recursively), sorted, so reports and shards are stable. */
export function listHistoryFiles(dir: string): string[] {
  const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'));
  return files.map((f) => path.join(dir, f)).sort();
}
