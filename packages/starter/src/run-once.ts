// `pnpm start`: the whole chapter in one run. Uses the configured server, or starts the project's dev
// server when none answers locally; runs a worker and one background check; prints the result and the
// Event History as the chapter's table; saves the history as JSON; stops everything it started.
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { SAMPLE_SSN, UserError, WORKFLOW_ID, maskSsn, runCommand, stateDir } from '@background-check/common';
import { connectClient, connectWorker, installRuntime, loadTemporalConfig } from '@background-check/connection';
import { isLocalAddress, portAnswers, splitAddress, startDevServer } from '@background-check/servers';
import { createWorker } from '@background-check/worker';
import { startBackgroundCheck, waitForResult } from './starter';
import { formatHistoryTable } from './table';

const cleanups: Array<() => Promise<unknown>> = [];
async function cleanup() {
  for (const fn of cleanups.splice(0).reverse())
    await fn().catch((err) => console.error(`Cleanup: ${(err as Error).message}`));
}
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`Received ${signal}: stopping what this run started...`);
    void cleanup().finally(() => process.exit(130));
  });
}

runCommand(async () => {
  const config = loadTemporalConfig();
  try {
    if (await portAnswers(config.address)) {
      console.log(`Using the Temporal server at ${config.address} (namespace ${config.namespace}).`);
    } else if (!isLocalAddress(config.address)) {
      throw new UserError(
        `No Temporal server answers at ${config.address}. Check TEMPORAL_ADDRESS / your temporal.toml profile.`,
      );
    } else {
      console.log(`No Temporal server at ${config.address}: starting the project's dev server (Temporal CLI)...`);
      const server = await startDevServer({ port: splitAddress(config.address).port, namespace: config.namespace });
      cleanups.push(() => (console.log('Stopping the dev server...'), server.stop()));
      console.log(`Dev server ready at ${server.address} (Web UI ${server.uiUrl}, state in ${server.dbFilename}).`);
    }

    installRuntime('WARN');
    const nativeConnection = await connectWorker(config);
    cleanups.push(() => nativeConnection.close());
    const { client, connection } = await connectClient(config);
    cleanups.push(() => connection.close());
    const worker = await createWorker({ connection: nativeConnection, namespace: config.namespace });

    // A fresh id per run, so a previous run still open on a persistent server never blocks this one.
    const workflowId = `${WORKFLOW_ID}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    const { handle, result } = await worker.runUntil(async () => {
      const handle = await startBackgroundCheck(client, { ssn: SAMPLE_SSN, workflowId, namespace: config.namespace });
      console.log(
        `Started BackgroundCheck for SSN ${maskSsn(SAMPLE_SSN)}: workflow id ${workflowId}. (Half of all runs sleep 60 s first, as in the chapter.)`,
      );
      return { handle, result: await waitForResult(handle, 180_000) };
    });
    console.log(`\nResult: ${JSON.stringify(result)}\n`);

    const history = await client.workflow.getHandle(workflowId, handle.firstExecutionRunId).fetchHistory();
    console.log(formatHistoryTable(history));
    const file = path.join(stateDir('histories'), `${workflowId}.json`);
    fs.writeFileSync(file, historyToJSON(history) + '\n'); // the same JSON as `temporal workflow show --output json`
    console.log(`\nEvent History saved as JSON: ${path.relative(process.cwd(), file)}`);
    console.log('Copy it into histories/ to make it part of the replay test (`pnpm test:replay`).');
  } finally {
    await cleanup();
  }
});
