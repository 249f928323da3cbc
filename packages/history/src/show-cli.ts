// `pnpm history:show FILE` or `pnpm history:show --workflow-id ID [--run-id RUN] [--namespace NS]`:
// prints the chapter's table (ID, Time, Type) and the result (Status, Output).
import { UsageError, withTimeout } from '@background-check/common';
import { parseFlags } from './cli-args';
import { CliProblem, connectFor, isNotFound, runCli, userPath } from './cli-support';
import { formatHistoryTable } from './format';
import { readHistoryFile } from './read';

const USAGE = `Usage: pnpm history:show FILE
       pnpm history:show --workflow-id ID [--run-id RUN] [--namespace NS]
  Prints an Event History as the chapter shows it: Progress (ID, Time, Type), then Result (Status, Output).`;

async function main(): Promise<number> {
  const { flags, switches, positional } = parseFlags(process.argv.slice(2), ['--workflow-id', '--run-id', '--namespace'], ['--help']);
  if (switches.has('--help')) {
    console.log(USAGE);
    return 0;
  }
  const workflowId = flags['--workflow-id'];
  if (positional.length > 1 || (positional.length === 1) === Boolean(workflowId)) {
    throw new UsageError('Give either one history FILE or --workflow-id.');
  }
  if (positional[0]) {
    console.log(formatHistoryTable(readHistoryFile(userPath(positional[0]))));
    return 0;
  }
  const { client, connection, config } = await connectFor(flags['--namespace']);
  try {
    const history = await withTimeout(client.workflow.getHandle(workflowId!, flags['--run-id']).fetchHistory(), 30_000, `The server at ${config.address}`).catch((err) => {
      if (isNotFound(err)) throw new CliProblem(`No execution with workflow id "${workflowId}" in namespace "${config.namespace}" on ${config.address}.`);
      throw err;
    });
    console.log(formatHistoryTable(history));
    return 0;
  } finally {
    await connection.close();
  }
}

runCli(main, USAGE);
