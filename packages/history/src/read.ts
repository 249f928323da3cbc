import fs from 'node:fs';
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';

/** A history file that cannot be read; the message names the file and what to do. */
export class HistoryReadProblem extends Error {
  override name = 'HistoryReadProblem';
}

/**
 * Reads a saved history for display: {"events": [...]} (CLI, Web UI download, SDK historyToJSON),
 * a bare array of events, or {"history": {...}}. (The replay runner checks files more strictly.)
 */
export function readHistoryFile(file: string): History {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new HistoryReadProblem(`Cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new HistoryReadProblem(`${file} is not JSON. Save a history with \`pnpm history:fetch\` or \`temporal workflow show --output json\`.`);
  }
  if (Array.isArray(json)) json = { events: json };
  const inner = (json as { history?: { events?: unknown } } | null)?.history;
  if (inner && Array.isArray(inner.events) && !Array.isArray((json as { events?: unknown }).events)) json = inner;
  const events = (json as { events?: unknown } | null)?.events;
  if (!Array.isArray(events) || events.length === 0) {
    throw new HistoryReadProblem(`${file} holds no events: an Event History file is {"events": [...]}, as \`temporal workflow show --output json\` writes it.`);
  }
  try {
    return historyFromJSON(json);
  } catch (err) {
    throw new HistoryReadProblem(`${file} is not an Event History the SDK can read: ${(err as Error).message.slice(0, 200)}`);
  }
}
