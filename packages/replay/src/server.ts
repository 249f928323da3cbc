import type { Client } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { UserError, withTimeout } from '@background-check/common';
import type { HistoryInput } from './replay';

export interface ServerQuery {
  /** A visibility query; default: every open execution of `workflowTypes`, plus the latest closed ones. */
  query?: string;
  /** How many closed executions (or, with a query, matches) to take; default 20. */
  limit?: number;
  workflowTypes: string[];
  /** Histories downloaded at once. */
  concurrency?: number;
}

async function download(client: Client, query: string, limit: number, concurrency: number): Promise<HistoryInput[]> {
  const out: HistoryInput[] = [];
  try {
    const histories = client.workflow.list({ query, pageSize: Math.min(limit, 1000) }).intoHistories({ concurrency });
    for await (const item of histories) {
      const { workflowId } = item;
      const history = item.history as History;
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      const runId = started?.originalExecutionRunId ?? '';
      const workflowType = started?.workflowType?.name ?? '';
      out.push({ source: `${workflowId}/${runId}`, workflowId, runId, loaded: { history, workflowType } });
      if (out.length >= limit) break;
    }
  } catch (err) {
    // The client wraps the gRPC error in a ServiceError: its status and the server's reason are on the cause.
    const grpc = ((err as { cause?: unknown }).cause ?? err) as { code?: number; details?: string };
    if (grpc.code === 3 /* INVALID_ARGUMENT */) {
      throw new UserError(
        `The server refused the query ${JSON.stringify(query)}: ${grpc.details ?? (err as Error).message}. Check its syntax (https://docs.temporal.io/list-filter).`,
        2,
      );
    }
    throw err;
  }
  return out;
}

/** Histories of executions on the server, downloaded concurrently, each named `workflowId/runId`. */
export async function serverHistories(client: Client, q: ServerQuery): Promise<HistoryInput[]> {
  const concurrency = q.concurrency ?? 10;
  const limit = q.limit ?? 20;
  const run = async () => {
    if (q.query) return await download(client, q.query, limit, concurrency);
    const types = `WorkflowType IN (${q.workflowTypes.map((t) => `'${t.replace(/'/g, "\\'")}'`).join(', ')})`;
    const open = await download(client, `${types} AND ExecutionStatus = 'Running'`, Infinity, concurrency);
    const closed = await download(client, `${types} AND ExecutionStatus != 'Running'`, limit, concurrency);
    return [...open, ...closed];
  };
  const found = await withTimeout(run(), 300_000, 'Downloading histories from the server');
  if (found.length === 0) {
    const what = q.query
      ? `No execution matches ${JSON.stringify(q.query)}`
      : `No execution of ${q.workflowTypes.join(', ')}`;
    throw new UserError(
      `${what} on the server: nothing was checked. Start one (\`pnpm start:workflow\`), or check the namespace and the query.`,
    );
  }
  return found;
}
