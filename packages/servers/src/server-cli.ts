// `pnpm server`: the chapter's `temporal server start-dev`, with the Web UI on 8233, state kept in
// .temporal/dev-server.db (so executions survive a restart) and backgroundcheck_namespace registered.
import { DEFAULT_UI_PORT, NAMESPACE } from '@background-check/common';
import { startDevServer } from './dev-server';

async function main(): Promise<void> {
  console.log('Starting the Temporal dev server (Temporal CLI) ...');
  const server = await startDevServer({ log: 'inherit', uiPort: DEFAULT_UI_PORT, namespaces: [NAMESPACE] });
  console.log(`Temporal dev server ready at ${server.address}, namespace "${NAMESPACE}".`);
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
  server.child.once('exit', (code) => {
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
