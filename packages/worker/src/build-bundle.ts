// `pnpm build:bundle`: prebuilds the workflow bundle the worker runs (also done on install).
import { BUNDLE_FILE, bundleIsFresh, writeBundle } from './bundle';

async function main(): Promise<void> {
  if (bundleIsFresh() && !process.argv.includes('--force')) {
    console.log(`Workflow bundle is up to date: ${BUNDLE_FILE}`);
    return;
  }
  const started = Date.now();
  await writeBundle();
  console.log(`Built workflow bundle in ${((Date.now() - started) / 1000).toFixed(1)} s: ${BUNDLE_FILE}`);
}

main().catch((err) => {
  console.error(`Could not bundle the workflow code: ${(err as Error).message}`);
  process.exit(1);
});
