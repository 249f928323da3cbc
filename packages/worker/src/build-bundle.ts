// `pnpm build:bundle` (also run on install): prebuilds the workflow bundle the worker runs.
import { runCommand } from '@background-check/common';
import { workerBundle } from './worker';

runCommand(async () => {
  const { codePath } = await workerBundle(console.log, process.argv.includes('--force'));
  console.log(`Workflow bundle: ${codePath}`);
});
