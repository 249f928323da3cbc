import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { WORKFLOW_TYPE } from '@background-check/common';
import { withTimeout } from '@background-check/common';
import { readHistoryFile } from './read';
import { saveHistory } from './server';
import { shapeName, shapeOf } from './shape';

export interface CaptureOptions {
  client: Client;
  /** The corpus folder: shapes already there are skipped; new ones are saved there. */
  outDir: string;
  /** How many recent closed executions to look at. */
  limit: number;
  /** Workflow type to capture (default BackgroundCheck). */
  workflowType?: string;
  /** Say what would be saved, save nothing. */
  dryRun?: boolean;
}

export interface Captured {
  workflowId: string;
  runId: string;
  shape: string;
  /** Where it was (or, in a dry run, would be) saved. */
  file: string;
}

export interface CaptureResult {
  /** Closed executions looked at. */
  examined: number;
  /** Shapes the corpus already had. */
  corpusShapes: number;
  saved: Captured[];
}

/** The shapes of the histories already in the folder (files that aren't histories are ignored). */
function corpusShapes(dir: string): Set<string> {
  const shapes = new Set<string>();
  if (!fs.existsSync(dir)) return shapes;
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith('.json')) continue;
    try {
      shapes.add(shapeOf(readHistoryFile(path.join(dir, name))));
    } catch {
      // Not a readable history: `pnpm test:replay` reports it; it has no shape to compare.
    }
  }
  return shapes;
}

/**
 * Grows the corpus from real traffic: lists recent closed executions of the workflow type and saves
 * each whose sequence of event types the corpus doesn't hold yet (one per new shape).
 */
export async function captureNewHistories(options: CaptureOptions): Promise<CaptureResult> {
  const type = options.workflowType ?? WORKFLOW_TYPE;
  const known = corpusShapes(options.outDir);
  const corpusCount = known.size;
  const saved: Captured[] = [];
  let examined = 0;
  const query = `WorkflowType = '${type.replace(/'/g, "\\'")}' AND ExecutionStatus != 'Running'`;
  const executions = options.client.workflow.list({ query, pageSize: Math.min(options.limit, 100) })[Symbol.asyncIterator]();
  while (examined < options.limit) {
    const next = await withTimeout(executions.next(), 30_000, 'Listing executions on the server');
    if (next.done) break;
    examined++;
    const { workflowId, runId } = next.value;
    const history: History = await withTimeout(options.client.workflow.getHandle(workflowId, runId).fetchHistory(), 30_000, `Fetching ${workflowId}`);
    const shape = shapeOf(history);
    if (known.has(shape)) continue;
    known.add(shape);
    const file = path.join(options.outDir, `${shapeName(history)}_${runId}.json`);
    if (!options.dryRun) saveHistory(history, file);
    saved.push({ workflowId, runId, shape: shapeName(history), file });
  }
  return { examined, corpusShapes: corpusCount, saved };
}
