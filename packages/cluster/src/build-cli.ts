// `pnpm build:cluster`: builds the cluster's Temporal Server and sql tool (once; `pnpm start:cluster`
// and the cluster test tier do it too when they are missing) and says where they are.
import { runCommand } from '@background-check/common';
import { ensureServerBinaries } from './binaries';

runCommand(async () => {
  const { server, sql } = await ensureServerBinaries();
  console.log(`Temporal Server: ${server}\nsql tool: ${sql}`);
});
