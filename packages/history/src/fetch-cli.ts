// `pnpm history:fetch --workflow-id ID [--run-id RUN] [--namespace NS] [--out FILE] [--force]`:
// saves an execution's Event History as JSON that replays: the format of
// `temporal workflow show --output json`. Without --run-id, the latest run of the workflow id.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@background-check/servers';
import { UsageError, withTimeout } from '@background-check/common';
import { parseFlags } from './cli-args';
import { CliProblem, connectFor, isNotFound, runCli, shownPath, userPath } from './cli-support';
import { historyResult } from './format';
import { saveHistory } from './server';

const USAGE = `Usage: pnpm history:fetch --workflow-id ID [--run-id RUN] [--namespace NS] [--out FILE] [--force]
  Saves the execution's Event History as replayable JSON (as \`temporal workflow show --output json\` does).
  Without --run-id: the latest run. Default --out: histories/<workflow-id>_<run-id>.json. --force overwrites.`;

async function main(): Promise<number> {
  const { flags, switches, positional } = parseFlags(process.argv.slice(2), ['--workflow-id', '--run-id', '--namespace', '--out'], ['--force', '--help']);
  if (switches.has('--help')) {
    console.log(USAGE);
    return 0;
  }
  if (positional.length > 0) throw new UsageError(`Unexpected argument ${positional[0]}.`);
  const workflowId = flags['--workflow-id'];
  if (!workflowId) throw new UsageError('--workflow-id is required.');
  const { client, connection, config } = await connectFor(flags['--namespace']);
  try {
    const handle = client.workflow.getHandle(workflowId, flags['--run-id']);
    let history;
    try {
      history = await withTimeout(handle.fetchHistory(), 30_000, `The server at ${config.address}`);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      throw new CliProblem(
        `No execution with workflow id "${workflowId}"${flags['--run-id'] ? ` and run id ${flags['--run-id']}` : ''} in namespace "${config.namespace}" on ${config.address}. ` +
          'Check the id (`pnpm temporal workflow list`) and the namespace (--namespace).',
      );
    }
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const runId = flags['--run-id'] ?? started?.originalExecutionRunId ?? 'latest';
    const out = flags['--out'] ? userPath(flags['--out']) : path.join(repoRoot(), 'histories', `${workflowId}_${runId}.json`.replace(/[^\w.-]+/g, '_'));
    if (fs.existsSync(out) && !switches.has('--force')) {
      throw new CliProblem(`${out} already exists; nothing was overwritten. Choose another --out, or add --force.`);
    }
    saveHistory(history, out);
    const { status } = historyResult(history);
    console.log(`Saved ${history.events?.length ?? 0} events of ${started?.workflowType?.name ?? 'the workflow'} "${workflowId}" (run ${runId}, ${status}) to ${shownPath(out)}`);
    return 0;
  } finally {
    await connection.close();
  }
}

runCli(main, USAGE);
