import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { ReplayCheckError, UsageError } from './errors';
import { within, type HistoryInput } from './replay';

/** Which executions to check: one (`workflowId`, optionally `runId`), a visibility query, or the default set. */
export interface ServerSelection {
  workflowId?: string;
  runId?: string;
  query?: string; // a visibility query; default: every open execution of workflowTypes, plus the latest closed ones
  limit?: number; // how many executions to take: with a query, default all; by default, closed ones, default 20
  workflowTypes: string[];
  /** Takes an execution's name (`workflowId/runId`) before its history is downloaded: a shard's filter. */
  accept?: (source: string) => boolean;
  concurrency?: number; // downloads at once; default 8
  timeoutMs?: number; // bound on each request; default 60 s
}

/** The gRPC status of a client error: the client wraps it in a ServiceError, with the status on the cause. */
const grpcOf = (err: unknown) => ((err as { cause?: unknown }).cause ?? err) as { code?: number; details?: string };

async function withBound<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const value = await within(promise, ms);
  if (value === 'late') throw new ReplayCheckError(`${what} got no answer within ${ms / 1000} s.`);
  return value;
}

/** The executions a query lists, in the server's order, up to `limit`. */
async function* listed(client: Client, query: string, limit: number): AsyncGenerator<WorkflowExecutionInfo> {
  let taken = 0;
  try {
    for await (const execution of client.workflow.list({ query, pageSize: Math.min(limit, 1000) })) {
      yield execution;
      if (++taken >= limit) return;
    }
  } catch (err) {
    const grpc = grpcOf(err);
    if (grpc.code !== 3 /* INVALID_ARGUMENT */) throw err;
    throw new UsageError(
      `The server refused the query ${JSON.stringify(query)}: ${grpc.details ?? (err as Error).message}. Check its syntax (https://docs.temporal.io/list-filter).`,
    );
  }
}

/** The executions selected, as `{ workflowId, runId }`, without their histories yet. */
async function* selected(client: Client, s: ServerSelection): AsyncGenerator<{ workflowId: string; runId: string }> {
  if (s.workflowId) {
    try {
      const { runId } = await client.workflow.getHandle(s.workflowId, s.runId).describe();
      yield { workflowId: s.workflowId, runId };
    } catch (err) {
      if (grpcOf(err).code !== 5 && (err as Error).name !== 'WorkflowNotFoundError') throw err;
      const run = s.runId ? ` run ${s.runId}` : '';
      throw new ReplayCheckError(
        `No execution "${s.workflowId}"${run} in namespace "${client.options.namespace}". Check the workflow id, the run id and the namespace (-n).`,
      );
    }
    return;
  }
  if (s.query) return yield* listed(client, s.query, s.limit ?? Infinity);
  const types = `WorkflowType IN (${s.workflowTypes.map((t) => `'${t.replace(/'/g, "\\'")}'`).join(', ')})`;
  yield* listed(client, `${types} AND ExecutionStatus = 'Running'`, Infinity);
  yield* listed(client, `${types} AND ExecutionStatus != 'Running'`, s.limit ?? 20);
}

/**
 * Histories of executions on the server, downloaded while earlier ones replay: `concurrency` downloads at once, in
 * the listing's order, so memory holds a window of histories, never the whole set. Each is named `workflowId/runId`
 * and replays with its real workflow id.
 */
export async function* serverHistories(client: Client, s: ServerSelection): AsyncGenerator<HistoryInput> {
  const { concurrency = 8, timeoutMs = 60_000, accept = () => true } = s;
  const window: Promise<HistoryInput>[] = [];
  const download = async (workflowId: string, runId: string): Promise<HistoryInput> => {
    const handle = client.workflow.getHandle(workflowId, runId);
    const history = (await withBound(
      handle.fetchHistory(),
      timeoutMs,
      `The history of ${workflowId}/${runId}`,
    )) as History;
    const workflowType = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '';
    return { source: `${workflowId}/${runId}`, workflowId, runId, loaded: { history, workflowType } };
  };
  for await (const { workflowId, runId } of selected(client, s)) {
    if (!accept(`${workflowId}/${runId}`)) continue;
    window.push(download(workflowId, runId));
    // A download that fails before its turn must not go unhandled meanwhile; it is rethrown when its turn comes.
    window.at(-1)!.catch(() => undefined);
    if (window.length >= concurrency) yield await window.shift()!;
  }
  while (window.length > 0) yield await window.shift()!;
}
