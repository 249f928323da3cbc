// `pnpm start:server`: the chapter's `temporal server start-dev`, with the Web UI on 8233, state kept in
// .temporal/dev-server.db (executions survive a restart) and backgroundcheck_namespace registered.
// The port follows TEMPORAL_ADDRESS when that names this machine (the UI goes on port + 1000).
import { DEFAULT_ADDRESS, NAMESPACE, UserError, runCommand } from '@background-check/common';
import { isLocalAddress, splitAddress, startDevServer } from './dev-server';

runCommand(async () => {
  const address = process.env.TEMPORAL_ADDRESS || DEFAULT_ADDRESS;
  if (!isLocalAddress(address)) {
    throw new UserError(
      `TEMPORAL_ADDRESS=${address} is not on this machine; \`pnpm start:server\` only starts a local dev server. Unset it, or use your cluster directly.`,
    );
  }
  const namespace = process.env.TEMPORAL_NAMESPACE || NAMESPACE;
  console.log('Starting the Temporal dev server (Temporal CLI) ...');
  const server = await startDevServer({ log: 'inherit', port: splitAddress(address).port, namespace });
  console.log(`Temporal dev server ready at ${server.address}, namespace "${namespace}".`);
  console.log(`Web UI: ${server.uiUrl}   State: ${server.dbFilename}`);
  console.log('Ctrl-C to stop.');
  let stopping = false;
  const code = await new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      stopping = true;
      console.log(`Received ${signal}: stopping the dev server ...`);
      void server.stop().then(() => resolve(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    server.child.once('exit', () => stopping || resolve(1));
  });
  console.log(code === 0 ? 'Dev server stopped.' : 'The dev server exited unexpectedly.');
  return code;
});
