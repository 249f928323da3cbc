// `pnpm start`: the whole chapter in one run. Uses the configured server, or starts the project's
// dev server when none answers locally; runs a worker and one background check; prints the
// result and the Event History as the chapter's table; saves the history; stops what it started.
import path from 'node:path';
import { SAMPLE_SSN, WORKFLOW_ID, maskSsn } from '@background-check/common';
import { ConnectionProblem, connectClient, connectWorker, loadTemporalConfig } from '@background-check/connection';
import { fetchHistory, formatHistoryTable, saveHistory } from '@background-check/history';
import { isLocalAddress, portAnswers, splitAddress, startDevServer, stateDir, type DevServer } from '@background-check/servers';
import { createWorker, installRuntime, prebuiltBundle } from '@background-check/worker';
import { StarterProblem, describeFailure, startBackgroundCheck } from './starter';
import { waitForResult } from './wait';

const RESULT_TIMEOUT_MS = 180_000;

export async function runOnce(): Promise<number> {
  const config = loadTemporalConfig();
  let devServer: DevServer | undefined;
  const cleanups: Array<() => Promise<void>> = [];
  let stopping = false;
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((err) => console.error(`Cleanup: ${(err as Error).message}`));
    cleanups.length = 0;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`Received ${signal}: stopping what this run started...`);
    void cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    if (!(await portAnswers(config.address))) {
      if (!isLocalAddress(config.address)) {
        throw new ConnectionProblem(`No Temporal server answers at ${config.address}. Check TEMPORAL_ADDRESS / your temporal.toml profile.`);
      }
      console.log(`No Temporal server at ${config.address}: starting the project's dev server (Temporal CLI)...`);
      const { port } = splitAddress(config.address);
      // The Web UI goes on port + 1000, as the CLI's default: 8233 for the chapter's 7233.
      devServer = await startDevServer({ port, uiPort: port + 1000, namespaces: [config.namespace] });
      const server = devServer;
      cleanups.push(async () => {
        console.log('Stopping the dev server...');
        await server.stop();
      });
      console.log(`Dev server ready at ${devServer.address} (Web UI ${devServer.uiUrl}, state in ${devServer.dbFilename}).`);
    } else {
      console.log(`Using the Temporal server at ${config.address} (namespace ${config.namespace}).`);
    }

    installRuntime('WARN');
    const workflowBundle = await prebuiltBundle((reason) => console.log(`Bundling the workflow code (${reason})...`));
    const nativeConnection = await connectWorker(config);
    cleanups.push(() => nativeConnection.close());
    const { client, connection } = await connectClient(config);
    cleanups.push(() => connection.close());
    const worker = await createWorker({ connection: nativeConnection, namespace: config.namespace, workflowBundle });

    // A fresh id per run, so a previous run still open on a persistent server never blocks this one.
    const workflowId = `${WORKFLOW_ID}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    const ssn = SAMPLE_SSN;
    const { handle, result } = await worker.runUntil(async () => {
      const handle = await startBackgroundCheck(client, { ssn, workflowId, namespace: config.namespace });
      console.log(`Started BackgroundCheck for SSN ${maskSsn(ssn)}: workflow id ${workflowId}. (Half of all runs sleep 60 s first, as in the chapter.)`);
      return { handle, result: await waitForResult(handle, RESULT_TIMEOUT_MS) };
    });
    console.log(`\nResult: ${JSON.stringify(result)}\n`);

    const history = await fetchHistory(client, workflowId, handle.firstExecutionRunId);
    console.log(formatHistoryTable(history));
    const file = saveHistory(history, path.join(stateDir('histories'), `${workflowId}.json`));
    console.log(`\nEvent History saved as JSON: ${path.relative(process.cwd(), file)}`);
    console.log('Copy it into histories/ to make it part of the replay test (`pnpm test:replay`).');
    return 0;
  } finally {
    await cleanup();
  }
}

if (require.main === module) {
  runOnce().then(
    (code) => process.exit(code),
    (err) => {
      const known = err instanceof StarterProblem || err instanceof ConnectionProblem;
      console.error(known ? err.message : describeFailure(err));
      process.exit(1);
    },
  );
}
