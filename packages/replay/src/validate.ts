import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';
import { redactSsns } from '@background-check/common';
import { eventTypeName } from '@background-check/history';

/** A history file that cannot be replayed as it is; the message names the file and the fix. */
export class HistoryFileProblem extends Error {
  override name = 'HistoryFileProblem';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

export interface LoadedHistory {
  file: string;
  workflowId: string;
  workflowType: string;
  history: History;
}

type JsonEvent = Record<string, unknown>;

const SNAKE_KEY = /^[a-z]+(_[a-z0-9]+)+$/;

function findSnakeKey(value: unknown, depth = 0): string | undefined {
  if (depth > 4 || value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    // Payload metadata maps (e.g. "encoding") and search attributes may legitimately hold any key.
    if (key === 'metadata' || key === 'indexedFields' || key === 'header' || key === 'fields') continue;
    if (SNAKE_KEY.test(key)) return key;
    const inner = findSnakeKey(child, depth + 1);
    if (inner) return inner;
  }
  return undefined;
}

/** A payload whose data is not base64 is a decoded (readable) export, e.g. from the Web UI. */
function findDecodedPayload(value: unknown, depth = 0): string | undefined {
  if (depth > 8 || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (const v of value) {
      const hit = findDecodedPayload(v, depth + 1);
      if (hit) return hit;
    }
    return undefined;
  }
  const record = value as Record<string, unknown>;
  if (Array.isArray(record.payloads)) {
    for (const p of record.payloads) {
      // Never echo a payload's content: it may be personal data (an SSN).
      if (p === null || typeof p !== 'object' || !('metadata' in p)) {
        return `a payload is ${p === null ? 'null' : Array.isArray(p) ? 'an array' : typeof p === 'object' ? 'an object without "metadata"' : `a plain ${typeof p}`}, not {"metadata":…, "data":…}`;
      }
      const data = (p as { data?: unknown }).data;
      if (data !== undefined && (typeof data !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(data))) {
        return `a payload's data is ${typeof data === 'string' ? 'readable text' : `a ${typeof data}`}, not base64`;
      }
      const encoding = (p as { metadata?: Record<string, unknown> }).metadata?.encoding;
      if (encoding !== undefined && (typeof encoding !== 'string' || /^(json|binary)\//.test(encoding))) {
        return `a payload's metadata.encoding is ${JSON.stringify(encoding)}, not base64`;
      }
    }
  }
  for (const child of Object.values(record)) {
    const hit = findDecodedPayload(child, depth + 1);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * Checks a history's JSON before it reaches the SDK, whose errors for these cases are unclear
 * (or, for events out of order, a replay that never ends). Returns the parsed history.
 */
export function parseHistoryJson(file: string, text: string): LoadedHistory {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const table = /^\s*Progress:/.test(text) ? ' It looks like the CLI\'s table output: add `--output json` to `temporal workflow show`.' : '';
    // The parser quotes the text it choked on: one line, SSN-shaped text masked.
    const why = redactSsns((err as Error).message.replace(/\s+/g, ' '));
    throw new HistoryFileProblem(file, `not valid JSON (${why}).${table} Save it again with \`temporal workflow show --output json\` or \`pnpm history:fetch\`.`);
  }
  // Accepted shapes: {"events": [...]} (CLI, Web UI download, SDK historyToJSON), a bare array of
  // events (the Web UI's import also takes it), and {"history": {"events": [...]}} (the raw API answer).
  if (Array.isArray(json)) json = { events: json };
  const wrapped = (json as { history?: { events?: unknown } } | null)?.history;
  if (json !== null && typeof json === 'object' && !('events' in json) && wrapped && Array.isArray(wrapped.events)) json = { events: wrapped.events };
  if (json === null || typeof json !== 'object' || !Array.isArray((json as { events?: unknown }).events)) {
    throw new HistoryFileProblem(file, 'no "events" array at the top level. An Event History file is {"events": [...]}, as `temporal workflow show --output json` writes it.');
  }
  const events = (json as { events: JsonEvent[] }).events;
  if (events.length === 0) {
    throw new HistoryFileProblem(file, 'the "events" array is empty. Fetch the history of an execution that has run.');
  }
  const notObject = events.findIndex((e) => e === null || typeof e !== 'object' || Array.isArray(e));
  if (notObject >= 0) {
    throw new HistoryFileProblem(file, `event #${notObject + 1} is ${JSON.stringify(events[notObject])?.slice(0, 40)}, not an event object.`);
  }
  const snake = findSnakeKey(events[0]);
  if (snake) {
    throw new HistoryFileProblem(file, `keys are in snake_case (e.g. "${snake}"); replay needs the camelCase proto JSON that \`temporal workflow show --output json\` writes.`);
  }
  const noAttributes = events.findIndex((e) => !Object.keys(e).some((k) => k.endsWith('EventAttributes')));
  if (noAttributes >= 0) {
    const e = events[noAttributes]!;
    throw new HistoryFileProblem(file, `event #${noAttributes + 1} (id ${String(e.eventId)}, ${String(e.eventType)}) has no "…EventAttributes" object: the file is not a complete proto-JSON history. Save it again with \`temporal workflow show --output json\`.`);
  }
  const ids = events.map((e) => Number(e.eventId));
  if (events.length > 1 && ids[0] === events.length && ids[events.length - 1] === 1) {
    // The SDK would wait forever for event 1 here: the reason this check exists.
    throw new HistoryFileProblem(file, `events are in reverse order (ids ${ids[0]} down to 1), as some older Web UI exports are. Reverse the "events" array, or download the history again with \`pnpm history:fetch\`.`);
  }
  const firstType = eventTypeName(events[0]!.eventType as string);
  if (firstType !== 'WorkflowExecutionStarted') {
    throw new HistoryFileProblem(file, `the first event is ${firstType} (id ${String(events[0]!.eventId)}), not WorkflowExecutionStarted: the file must hold the whole history, from the start (not a page or a tail of it).`);
  }
  const wrong = ids.findIndex((id, index) => id !== index + 1);
  if (wrong >= 0) {
    throw new HistoryFileProblem(file, `event ids must run 1, 2, 3, … in order; event #${wrong + 1} has id ${String(events[wrong]!.eventId)}. Events are missing, repeated or out of order: save the history again.`);
  }
  const decoded = findDecodedPayload(events);
  if (decoded) {
    throw new HistoryFileProblem(file, `payloads are decoded (${decoded}). Export the history with encoded payloads (the CLI's --output json, or the Web UI's download without decoding).`);
  }
  let history: History;
  try {
    history = historyFromJSON(json);
  } catch (err) {
    throw new HistoryFileProblem(file, `the SDK cannot read it as a history: ${(err as Error).message}`);
  }
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const workflowType = started?.workflowType?.name ?? '';
  if (!workflowType) throw new HistoryFileProblem(file, 'the WorkflowExecutionStarted event names no workflow type.');
  const workflowId = path.basename(file).replace(/\.json$/, '');
  return { file, workflowId, workflowType, history };
}

export function loadHistoryFile(file: string): LoadedHistory {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new HistoryFileProblem(file, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  return parseHistoryJson(file, text);
}

/** Every *.json under the folder (recursively), sorted, so reports are stable. */
export function listHistoryFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? listHistoryFiles(path.join(dir, d.name)) : d.name.endsWith('.json') ? [path.join(dir, d.name)] : []))
    .sort();
}
