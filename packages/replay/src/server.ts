import type { Client } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { UserError, withTimeout } from '@background-check/common';
import type { HistoryInput } from './replay';

export interface ServerQuery {
  query?: string; // a visibility query; default: every open execution of workflowTypes, plus the latest closed ones
  limit?: number; // how many closed executions (or, with a query, matches) to take; default 20
  workflowTypes: string[];
}

async function download(client: Client, query: string, limit: number): Promise<HistoryInput[]> {
  const out: HistoryInput[] = [];
  try {
    const executions = client.workflow.list({ query, pageSize: Math.min(limit, 1000) });
    for await (const { workflowId, history } of executions.intoHistories({ concurrency: 10 })) {
      const started = (history as History).events?.[0]?.workflowExecutionStartedEventAttributes;
      const runId = started?.originalExecutionRunId ?? '';
      const loaded = { history: history as History, workflowType: started?.workflowType?.name ?? '' };
      if (out.push({ source: `${workflowId}/${runId}`, workflowId, runId, loaded }) >= limit) break;
    }
  } catch (err) {
    // The client wraps the gRPC error in a ServiceError: its status and the server's reason are on the cause.
    const grpc = ((err as { cause?: unknown }).cause ?? err) as { code?: number; details?: string };
    if (grpc.code !== 3 /* INVALID_ARGUMENT */) throw err;
    throw new UserError(
      `The server refused the query ${JSON.stringify(query)}: ${grpc.details ?? (err as Error).message}. Check its syntax (https://docs.temporal.io/list-filter).`,
      2,
    );
  }
  return out;
}

/** Histories of executions on the server, downloaded concurrently, each named `workflowId/runId`. */
export async function serverHistories(client: Client, { query, limit = 20, workflowTypes }: ServerQuery) {
  const run = async () => {
    if (query) return await download(client, query, limit);
    const types = `WorkflowType IN (${workflowTypes.map((t) => `'${t.replace(/'/g, "\\'")}'`).join(', ')})`;
    const open = await download(client, `${types} AND ExecutionStatus = 'Running'`, Infinity);
    return [...open, ...(await download(client, `${types} AND ExecutionStatus != 'Running'`, limit))];
  };
  const found = await withTimeout(run(), 300_000, 'Downloading histories from the server');
  if (found.length > 0) return found;
  const what = query ? `No execution matches ${JSON.stringify(query)}` : `No execution of ${workflowTypes.join(', ')}`;
  throw new UserError(
    `${what} on the server: nothing was checked. Start one (\`pnpm start:workflow\`), or check the namespace and the query.`,
  );
}
