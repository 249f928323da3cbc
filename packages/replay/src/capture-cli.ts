// `pnpm history:capture [--out DIR] [--limit N] [--dry-run] [--workflows PATH]`: saves the recent closed executions
// of the workflow types the code defines whose sequence of event types the corpus doesn't hold yet, so a team grows
// its corpus from real traffic, without duplicates.
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON, type History } from '@temporalio/common/lib/proto-utils';
import { parseOptions, runMain, shownPath, userPath, wholeNumber, workflowTypesOf } from './command';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, connectClient, connectionSettings } from './connect';
import { DEFAULTS } from './defaults';
import { eventTypeName } from './events';
import { listHistoryFiles, loadHistoryFile } from './load';

const USAGE = `Usage: pnpm history:capture [--out DIR] [--limit N] [--dry-run] [--workflows PATH] [connection options]
  Saves recent closed executions whose shape (sequence of event types) is new to the corpus.
  --out DIR   the corpus (default histories/)   --limit N   executions to look at (default 100)
  --workflows PATH   the workflow code whose types to look for (default this repository's)
${CONNECTION_USAGE}`;

/** Two histories of one shape test the same path through the code on replay: a corpus needs one of each. */
const shapeOf = (history: History) => (history.events ?? []).map((e) => eventTypeName(e.eventType)).join(',');

async function main(): Promise<number> {
  const options = {
    ...CONNECTION_OPTIONS,
    out: { type: 'string' },
    limit: { type: 'string' },
    'dry-run': { type: 'boolean' },
    workflows: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  const { values } = parseOptions(process.argv.slice(2), options);
  if (values.help) return (console.log(USAGE), 0);
  const limit = wholeNumber(values.limit, 'limit', 100);
  const dryRun = values['dry-run'];
  const outDir = values.out ? userPath(values.out) : DEFAULTS.historiesDir;
  const types = workflowTypesOf(values.workflows ? userPath(values.workflows) : DEFAULTS.workflowsPath);
  const corpus = fs.existsSync(outDir) ? listHistoryFiles(outDir).map(loadHistoryFile) : [];
  const known = new Set(corpus.flatMap((loaded) => ('history' in loaded ? [shapeOf(loaded.history)] : [])));
  const corpusShapes = known.size;
  const settings = connectionSettings(values, process.env, DEFAULTS);
  const { client, connection } = await connectClient(settings, { dataConverter: DEFAULTS.dataConverter() });
  const saved: string[] = [];
  let examined = 0;
  try {
    const query = `WorkflowType IN (${types.map((t) => `'${t}'`).join(', ')}) AND ExecutionStatus != 'Running'`;
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
      saved.push(
        `${dryRun ? 'Would save' : 'Saved'} ${shownPath(file)}  (${status}-${timer}, workflow id ${item.workflowId})`,
      );
    }
  } finally {
    await connection.close();
  }
  const shown = shownPath(outDir);
  console.log(
    `Looked at ${Math.min(examined, limit)} closed ${types.join(', ')} executions in "${settings.namespace}" on ${settings.address}; the corpus (${shown}) had ${corpusShapes} shapes.`,
  );
  for (const line of saved) console.log(line);
  const plural = saved.length === 1 ? '' : 's';
  const summary = `${saved.length} new shape${plural}${dryRun ? ' (dry run: nothing saved)' : ''}.`;
  console.log(saved.length ? summary : 'Nothing new: every shape is already in the corpus.');
  return 0;
}

runMain(main, USAGE);
