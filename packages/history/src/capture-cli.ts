// `pnpm history:capture [--out DIR] [--limit N] [--namespace NS] [--dry-run]`: lists recent closed
// BackgroundCheck executions on the server and saves into histories/ those whose sequence of event
// types the corpus doesn't hold yet: a team grows its corpus from real traffic, without duplicates.
import path from 'node:path';
import { WORKFLOW_TYPE } from '@background-check/common';
import { repoRoot } from '@background-check/servers';
import { captureNewHistories } from './capture';
import { UsageError } from '@background-check/common';
import { parseFlags } from './cli-args';
import { connectFor, runCli, shownPath, userPath } from './cli-support';

const USAGE = `Usage: pnpm history:capture [--out DIR] [--limit N] [--namespace NS] [--dry-run]
  Saves recent closed ${WORKFLOW_TYPE} executions whose shape (sequence of event types) is new to the corpus.
  --out DIR   the corpus (default histories/)   --limit N   executions to look at (default 100)`;

async function main(): Promise<number> {
  const { flags, switches, positional } = parseFlags(process.argv.slice(2), ['--out', '--limit', '--namespace'], ['--dry-run', '--help']);
  if (switches.has('--help')) {
    console.log(USAGE);
    return 0;
  }
  if (positional.length > 0) throw new UsageError(`Unexpected argument ${positional[0]}.`);
  const limit = flags['--limit'] === undefined ? 100 : Number(flags['--limit']);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit takes a whole number above 0, not "${flags['--limit']}".`);
  const outDir = flags['--out'] ? userPath(flags['--out']) : path.join(repoRoot(), 'histories');
  const { client, connection, config } = await connectFor(flags['--namespace']);
  try {
    const dryRun = switches.has('--dry-run');
    const result = await captureNewHistories({ client, outDir, limit, dryRun });
    const where = shownPath(outDir);
    console.log(`Looked at ${result.examined} closed ${WORKFLOW_TYPE} executions in "${config.namespace}" on ${config.address}; the corpus (${where}) had ${result.corpusShapes} shapes.`);
    for (const s of result.saved) {
      console.log(`${dryRun ? 'Would save' : 'Saved'} ${shownPath(s.file)}  (${s.shape}, workflow id ${s.workflowId})`);
    }
    console.log(result.saved.length === 0 ? 'Nothing new: every shape is already in the corpus.' : `${result.saved.length} new shape${result.saved.length === 1 ? '' : 's'}${dryRun ? ' (dry run: nothing saved)' : ''}.`);
    return 0;
  } finally {
    await connection.close();
  }
}

runCli(main, USAGE);
