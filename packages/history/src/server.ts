import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON, type History } from '@temporalio/common/lib/proto-utils';

/** The execution's full history from the server (latest run of the id when runId is omitted). */
export async function fetchHistory(client: Client, workflowId: string, runId?: string): Promise<History> {
  return await client.workflow.getHandle(workflowId, runId).fetchHistory();
}

/** The same JSON as `temporal workflow show --output json`: proto3 JSON, camelCase, encoded payloads. */
export function historyJson(history: History): string {
  return historyToJSON(history) + '\n';
}

/** Writes the history as replayable JSON, creating the folder; returns the path. */
export function saveHistory(history: History, file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, historyJson(history));
  return file;
}
