import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';
import { eventTypeName, redactSsns } from '@background-check/common';

/** A history ready to replay, or why it is not. */
export type Loaded = { history: History; workflowType: string } | { problem: string };

const SAVE = 'Save it again with `pnpm temporal workflow show --output json`.';
type JsonEvent = Record<string, unknown>;

function findSnakeKey(value: unknown, depth = 0): string | undefined {
  if (depth > 4 || value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    // Payload metadata and search attributes may legitimately hold any key.
    if (['metadata', 'indexedFields', 'header', 'fields'].includes(key)) continue;
    if (/^[a-z]+(_[a-z0-9]+)+$/.test(key)) return key;
    const inner = findSnakeKey(child, depth + 1);
    if (inner) return inner;
  }
  return undefined;
}

/** A payload whose data is not base64 is a decoded (readable) export. Never echoes a payload: it may be an SSN. */
function findDecodedPayload(value: unknown, depth = 0): string | undefined {
  if (depth > 8 || value === null || typeof value !== 'object') return undefined;
  const payloads = (value as { payloads?: unknown }).payloads;
  for (const p of Array.isArray(payloads) ? payloads : []) {
    if (p === null || typeof p !== 'object' || !('metadata' in p)) return 'a payload is not {"metadata":…, "data":…}';
    const { data, metadata } = p as { data?: unknown; metadata?: { encoding?: unknown } };
    if (data !== undefined && (typeof data !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(data))) {
      return `a payload's data is ${typeof data === 'string' ? 'readable text' : `a ${typeof data}`}, not base64`;
    }
    const encoding = metadata?.encoding;
    if (encoding !== undefined && (typeof encoding !== 'string' || /^(json|binary)\//.test(encoding))) {
      return `a payload's metadata.encoding is ${JSON.stringify(encoding)}, not base64`;
    }
  }
  for (const child of Object.values(value)) {
    const hit = findDecodedPayload(child, depth + 1);
    if (hit) return hit;
  }
  return undefined;
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
    return { problem: `not valid JSON (${redactSsns((err as Error).message.replace(/\s+/g, ' '))}).${table} ${SAVE}` };
  }
  if (Array.isArray(json)) json = { events: json };
  const wrapped = (json as { history?: { events?: unknown } } | null)?.history;
  if (json && typeof json === 'object' && !('events' in json) && Array.isArray(wrapped?.events)) json = wrapped;
  const events = (json as { events?: JsonEvent[] } | null)?.events;
  if (!Array.isArray(events)) {
    return {
      problem:
        'no "events" array at the top level. An Event History file is {"events": [...]}, as `temporal workflow show --output json` writes it.',
    };
  }
  if (events.length === 0)
    return { problem: 'the "events" array is empty. Fetch the history of an execution that has run.' };
  const notObject = events.findIndex((e) => e === null || typeof e !== 'object' || Array.isArray(e));
  if (notObject >= 0) return { problem: `event #${notObject + 1} is not an event object.` };
  const snake = findSnakeKey(events[0]);
  if (snake) {
    return {
      problem: `keys are in snake_case (e.g. "${snake}"); replay needs the camelCase proto JSON that \`temporal workflow show --output json\` writes.`,
    };
  }
  const bare = events.findIndex((e) => !Object.keys(e).some((k) => k.endsWith('EventAttributes')));
  if (bare >= 0)
    return {
      problem: `event #${bare + 1} has no "…EventAttributes" object: the file is not a complete proto-JSON history. ${SAVE}`,
    };
  const ids = events.map((e) => Number(e.eventId));
  if (events.length > 1 && ids[0] === events.length && ids[events.length - 1] === 1) {
    return {
      problem: `events are in reverse order (ids ${ids[0]} down to 1), as some older Web UI exports are. Reverse the "events" array, or ${SAVE.toLowerCase()}`,
    };
  }
  const first = eventTypeName(events[0]!.eventType as string);
  if (first !== 'WorkflowExecutionStarted') {
    return {
      problem: `the first event is ${first}, not WorkflowExecutionStarted: the file must hold the whole history, from the start.`,
    };
  }
  const wrong = ids.findIndex((id, index) => id !== index + 1);
  if (wrong >= 0) {
    return {
      problem: `event ids must run 1, 2, 3, … in order; event #${wrong + 1} has id ${String(events[wrong]!.eventId)}. Events are missing, repeated or out of order: ${SAVE.toLowerCase()}`,
    };
  }
  const decoded = findDecodedPayload(events);
  if (decoded)
    return {
      problem: `payloads are decoded (${decoded}). Export the history with encoded payloads (the CLI's --output json, or the Web UI's download without decoding).`,
    };
  let history: History;
  try {
    history = historyFromJSON(json);
  } catch (err) {
    return { problem: `the SDK cannot read it as a history: ${(err as Error).message}` };
  }
  const workflowType = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
  return workflowType
    ? { history, workflowType }
    : { problem: 'the WorkflowExecutionStarted event names no workflow type.' };
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
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .map((f) => path.join(dir, f))
    .sort();
}
