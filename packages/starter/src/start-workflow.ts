// `pnpm start:workflow`: the chapter's starter. Starts BackgroundCheck, waits, prints the result.
import { SAMPLE_SSN, TASK_QUEUE, UsageError, WORKFLOW_ID, maskSsn } from '@background-check/common';
import { ConnectionProblem, connectClient, loadTemporalConfig } from '@background-check/connection';
import { USAGE, parseStarterArgs } from './args';
import { StarterProblem, checkSsn, describeFailure, startBackgroundCheck } from './starter';
import { countPollers, waitForResult } from './wait';

async function main(): Promise<number> {
  const args = parseStarterArgs(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const ssn = args.ssn ?? SAMPLE_SSN;
  const workflowId = args.workflowId ?? WORKFLOW_ID;
  checkSsn(ssn); // before connecting: bad input needs no server to be reported
  const { client, connection, config } = await connectClient(loadTemporalConfig());
  try {
    const handle = await startBackgroundCheck(client, { ssn, workflowId, namespace: config.namespace });
    console.log(`Started BackgroundCheck for SSN ${maskSsn(ssn)}: workflow id ${workflowId}, run id ${handle.firstExecutionRunId}`);
    if ((await countPollers(client, config.namespace)) === 0) console.log(`Note: no worker is polling task queue "${TASK_QUEUE}" yet. Start one with \`pnpm start:worker\`.`);
    const result = await waitForResult(handle, args.timeoutSeconds * 1000);
    console.log(`Result: ${JSON.stringify(result)}`);
    return 0;
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    const known = err instanceof StarterProblem || err instanceof ConnectionProblem;
    console.error(known ? err.message : describeFailure(err));
    process.exit(1);
  },
);
