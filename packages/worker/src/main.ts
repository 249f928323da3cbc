// `pnpm start:worker`: the worker, until Ctrl-C (SIGINT) or SIGTERM.
import { NativeConnection } from '@temporalio/worker';
import { TASK_QUEUE } from '@background-check/common';
import { ConnectionProblem, connectWorker, loadTemporalConfig } from '@background-check/connection';
import { prebuiltBundle } from './bundle';
import { installRuntime } from './runtime';
import { createWorker } from './worker';

const FORCE_EXIT_AFTER_MS = 20_000;

async function main(): Promise<void> {
  installRuntime();
  const config = loadTemporalConfig();
  const workflowBundle = await prebuiltBundle((reason) => console.log(`Bundling the workflow code (${reason})...`));
  const connection: NativeConnection = await connectWorker(config);
  const worker = await createWorker({ connection, namespace: config.namespace, workflowBundle });

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      console.log(`Received ${signal} again: exiting now.`);
      process.exit(130);
    }
    console.log(`Received ${signal}: shutting down (in-flight tasks finish or are handed back)...`);
    worker.shutdown();
    // Never hang: if shutdown stalls, leave anyway.
    setTimeout(() => {
      console.error(`Worker did not stop within ${FORCE_EXIT_AFTER_MS / 1000} s; exiting.`);
      process.exit(1);
    }, FORCE_EXIT_AFTER_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  console.log(`Worker started: task queue "${TASK_QUEUE}", namespace "${config.namespace}", server ${config.address}. Ctrl-C to stop.`);
  await worker.run();
  await connection.close();
  console.log('Worker stopped.');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof ConnectionProblem ? err.message : `Worker failed: ${(err as Error)?.stack ?? String(err)}`);
    process.exit(1);
  },
);
