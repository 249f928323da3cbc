// `pnpm history:capture [--out DIR] [--limit N] [--dry-run]`: saves into histories/ the recent closed
// BackgroundCheck executions whose sequence of event types the corpus doesn't hold yet, so a team grows
// its corpus from real traffic, without duplicates.
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON, type History } from '@temporalio/common/lib/proto-utils';
import {
  WORKFLOW_TYPE,
  eventTypeName,
  intOption,
  parseCommandArgs,
  repoRoot,
  runCommand,
  userPath,
} from '@background-check/common';
import { connectClient } from '@background-check/connection';
import { listHistoryFiles, loadHistoryFile } from './load';

const USAGE = `Usage: pnpm history:capture [--out DIR] [--limit N] [--dry-run]
  Saves recent closed ${WORKFLOW_TYPE} executions whose shape (sequence of event types) is new to the corpus.
  --out DIR   the corpus (default histories/)   --limit N   executions to look at (default 100)`;

/** Two histories of one shape test the same path through the code on replay: a corpus needs one of each. */
const shapeOf = (history: History) => (history.events ?? []).map((e) => eventTypeName(e.eventType)).join(',');

runCommand(async () => {
  const { values } = parseCommandArgs(
    process.argv.slice(2),
    { out: { type: 'string' }, limit: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    USAGE,
  );
  const limit = intOption(values.limit, 'limit', 100);
  const dryRun = values['dry-run'];
  const outDir = values.out ? userPath(values.out) : path.join(repoRoot(), 'histories');
  const shown = path.relative(process.env.INIT_CWD ?? process.cwd(), outDir) || '.';
  const corpus = fs.existsSync(outDir) ? listHistoryFiles(outDir).map(loadHistoryFile) : [];
  const known = new Set(corpus.flatMap((loaded) => ('history' in loaded ? [shapeOf(loaded.history)] : [])));
  const corpusShapes = known.size;
  const { client, connection, config } = await connectClient();
  const saved: string[] = [];
  let examined = 0;
  try {
    const query = `WorkflowType = '${WORKFLOW_TYPE}' AND ExecutionStatus != 'Running'`;
    for await (const item of client.workflow.list({ query, pageSize: Math.min(limit, 100) }).intoHistories()) {
      if (++examined > limit) break;
      const history = item.history as History;
      const shape = shapeOf(history);
      if (known.has(shape)) continue;
      known.add(shape);
      const last = eventTypeName(history.events?.at(-1)?.eventType);
      const status = last.replace(/^WorkflowExecution/, '').toLowerCase();
      const timer = history.events?.some((e) => e.timerStartedEventAttributes) ? 'timer' : 'no-timer';
      const runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.originalExecutionRunId;
      const file = path.join(outDir, `${status}-${timer}_${runId}.json`);
      if (!dryRun) {
        fs.mkdirSync(outDir, { recursive: true });
        fs.writeFileSync(file, historyToJSON(history) + '\n');
      }
      const name = path.join(shown, path.basename(file));
      saved.push(`${dryRun ? 'Would save' : 'Saved'} ${name}  (${status}-${timer}, workflow id ${item.workflowId})`);
    }
  } finally {
    await connection.close();
  }
  console.log(
    `Looked at ${Math.min(examined, limit)} closed ${WORKFLOW_TYPE} executions in "${config.namespace}" on ${config.address}; the corpus (${shown}) had ${corpusShapes} shapes.`,
  );
  for (const line of saved) console.log(line);
  const plural = saved.length === 1 ? '' : 's';
  const summary = `${saved.length} new shape${plural}${dryRun ? ' (dry run: nothing saved)' : ''}.`;
  console.log(saved.length ? summary : 'Nothing new: every shape is already in the corpus.');
}, USAGE);
