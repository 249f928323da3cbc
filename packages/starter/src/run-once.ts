// `pnpm start`: the whole chapter in one run. Uses the configured server, or starts the project's dev
// server when none answers locally; runs a worker and one background check; prints the result and the
// Event History as the chapter's table; saves the history as JSON; stops everything it started.
// Ctrl-C (or SIGTERM) at any moment stops what it started, says what, and exits 130.
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { SAMPLE_SSN, UserError, WORKFLOW_ID, maskSsn, runCommand, stateDir } from '@background-check/common';
import { connectClient, connectWorker, installRuntime, loadTemporalConfig } from '@background-check/connection';
import { isLocalAddress, portAnswers, splitAddress, startDevServer, type DevServer } from '@background-check/servers';
import { createWorker } from '@background-check/worker';
import { startBackgroundCheck, waitForResult } from './starter';
import { formatHistoryTable } from './table';

/** How long the run may take to stop after Ctrl-C before it kills what is left and leaves. */
const STOP_BOUND_MS = 8_000;

const interrupt = new AbortController();
const cleanups: Array<() => Promise<unknown>> = [];
let server: DevServer | undefined;

async function cleanup() {
  for (const fn of cleanups.splice(0).reverse())
    await fn().catch((err) => console.error(`Cleanup: ${(err as Error).message}`));
}

/** Leaves at once (a second Ctrl-C, or the bound passed): the dev server goes too, killed. */
function leaveNow(why: string): never {
  console.error(why);
  server?.child.kill('SIGKILL');
  process.exit(130);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupt.signal.aborted) leaveNow(`Received ${signal} again: leaving now.`);
    console.log(`\nReceived ${signal}: stopping what this run started...`);
    interrupt.abort(new Error(`Interrupted by ${signal}`));
    setTimeout(() => leaveNow(`Not stopped within ${STOP_BOUND_MS / 1000} s: leaving now.`), STOP_BOUND_MS).unref();
  });
}

runCommand(async () => {
  const config = loadTemporalConfig();
  let workflowId: string | undefined;
  let finished = false;
  let workerRan = false;
  try {
    if (await portAnswers(config.address)) {
      console.log(`Using the Temporal server at ${config.address} (namespace ${config.namespace}).`);
    } else if (!isLocalAddress(config.address)) {
      throw new UserError(
        `No Temporal server answers at ${config.address}. Check TEMPORAL_ADDRESS / your temporal.toml profile.`,
      );
    } else {
      console.log(`No Temporal server at ${config.address}: starting the project's dev server (Temporal CLI)...`);
      const port = splitAddress(config.address).port;
      const started = await startDevServer({ port, namespace: config.namespace, signal: interrupt.signal });
      server = started;
      cleanups.push(() => (console.log('Stopping the dev server...'), started.stop()));
      console.log(`Dev server ready at ${started.address} (Web UI ${started.uiUrl}, state in ${started.dbFilename}).`);
    }

    interrupt.signal.throwIfAborted();
    installRuntime('WARN');
    const nativeConnection = await connectWorker(config);
    cleanups.push(() => nativeConnection.close());
    const { client, connection } = await connectClient(config);
    cleanups.push(() => connection.close());
    // The activity's own attempt timeout is 2 s: no reason to wait longer for it on Ctrl-C.
    const worker = await createWorker({
      connection: nativeConnection,
      namespace: config.namespace,
      shutdownGraceTime: '2s',
    });

    // A fresh id per run, so a previous run still open on a persistent server never blocks this one.
    const id = `${WORKFLOW_ID}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    workerRan = true;
    // Ctrl-C aborts the client's calls (the start, the wait for the result); runUntil then stops the worker.
    const { handle, result } = await worker.runUntil(
      client.withAbortSignal(interrupt.signal, async () => {
        interrupt.signal.throwIfAborted();
        const handle = await startBackgroundCheck(client, {
          ssn: SAMPLE_SSN,
          workflowId: id,
          namespace: config.namespace,
        });
        workflowId = id;
        console.log(
          `Started BackgroundCheck for SSN ${maskSsn(SAMPLE_SSN)}: workflow id ${id}. (Half of all runs sleep 60 s first, as in the chapter.)`,
        );
        return { handle, result: await waitForResult(handle, 180_000) };
      }),
    );
    finished = true;
    console.log(`\nResult: ${JSON.stringify(result)}\n`);

    const history = await client.workflow.getHandle(id, handle.firstExecutionRunId).fetchHistory();
    console.log(formatHistoryTable(history));
    const file = path.join(stateDir('histories'), `${id}.json`);
    fs.writeFileSync(file, historyToJSON(history) + '\n'); // the same JSON as `temporal workflow show --output json`
    console.log(`\nEvent History saved as JSON: ${path.relative(process.cwd(), file)}`);
    console.log('Copy it into histories/ to make it part of the replay test (`pnpm test:replay`).');
  } catch (err) {
    if (!interrupt.signal.aborted) throw err;
  } finally {
    await cleanup();
  }
  if (!interrupt.signal.aborted) return 0;

  const stopped = [workerRan && 'the worker', server && `the dev server at ${server.address}`].filter(Boolean);
  console.log(stopped.length > 0 ? `Stopped ${stopped.join(' and ')}.` : 'Stopped before anything was started.');
  if (workflowId && !finished) {
    const where = server
      ? `in the dev server's state (${server.dbFilename}): \`pnpm start:server\` and \`pnpm start:worker\` continue it`
      : `on the server at ${config.address}: a worker (\`pnpm start:worker\`) continues it`;
    console.log(`BackgroundCheck ${workflowId} did not finish; it stays open ${where}.`);
    console.log(
      `Follow it: pnpm temporal workflow describe --workflow-id ${workflowId} --namespace ${config.namespace}`,
    );
  }
  return 130;
});
