// `pnpm build:bundle` (also run on install): prebuilds the workflow bundle the worker runs.
import { runCommand } from '@background-check/common';
import { prebuiltBundle } from './bundle';

runCommand(async () => {
  const { codePath } = await prebuiltBundle('workflow-bundle', {}, console.log, process.argv.includes('--force'));
  console.log(`Workflow bundle: ${codePath}`);
});
