// `pnpm build:bundle` (also run on install): prebuilds the workflow bundle the worker runs.
import { runCommand } from '@background-check/common';
import { prebuiltBundle } from './bundle';

runCommand(async () => {
  const force = process.argv.includes('--force');
  const why = (reason: string) => console.log(`Bundling the workflow code (${reason})...`);
  const { codePath } = await prebuiltBundle('workflow-bundle', {}, why, force);
  console.log(`Workflow bundle: ${codePath}`);
});
