// `pnpm server`: the chapter's `temporal server start-dev`, with the Web UI on 8233, state kept in
// .temporal/dev-server.db (so executions survive a restart) and backgroundcheck_namespace registered.
// The port follows TEMPORAL_ADDRESS when that names this machine (the UI goes on port + 1000).
import { DEFAULT_ADDRESS, NAMESPACE } from '@background-check/common';
import { isLocalAddress, splitAddress, startDevServer } from './dev-server';

async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS || DEFAULT_ADDRESS;
  if (!isLocalAddress(address)) {
    throw new Error(`TEMPORAL_ADDRESS=${address} is not on this machine; \`pnpm server\` only starts a local dev server. Unset it, or use your cluster directly.`);
  }
  const namespace = process.env.TEMPORAL_NAMESPACE || NAMESPACE;
  const { port } = splitAddress(address);
  console.log('Starting the Temporal dev server (Temporal CLI) ...');
  const server = await startDevServer({ log: 'inherit', port, uiPort: port + 1000, namespaces: [namespace] });
  console.log(`Temporal dev server ready at ${server.address}, namespace "${namespace}".`);
  console.log(`Web UI: ${server.uiUrl}   State: ${server.dbFilename}`);
  console.log('Ctrl-C to stop.');
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`Received ${signal}: stopping the dev server ...`);
    void server.stop().then(() => {
      console.log('Dev server stopped.');
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.child?.once('exit', (code) => {
    if (!stopping) {
      console.error(`The dev server exited unexpectedly (code ${code}).`);
      process.exit(1);
    }
  });
}

main().catch((err) => {
  console.error((err as Error).message);
  process.exit(1);
});
