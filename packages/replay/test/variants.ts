import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { version as workerVersion } from '@temporalio/worker/package.json';
import { stateDir } from '@background-check/common';
import { buildBundle } from '@background-check/worker';
import { RECORDER } from '../src/replay';

/**
 * Workflow variants kept beside the tests, side by side like samples-typescript's patching-api: each
 * fixtures/variants/NAME.workflow.ts exports `BackgroundCheck`, a changed copy of the real workflow.
 */
export const variantPath = (name: string) => path.join(__dirname, 'fixtures', 'variants', `${name}.workflow.ts`);

/**
 * The variant's workflow bundle, with the replay recorder. Bundling costs 1-3 s, so bundles are cached
 * on disk (.temporal/variant-bundles/, keyed by the sources and SDK version) and built once.
 */
export async function bundleVariant(name: string): Promise<{ code: string; codePath: string }> {
  const file = variantPath(name);
  const hash = crypto.createHash('sha256').update(workerVersion);
  for (const f of [file, RECORDER]) hash.update(fs.readFileSync(f));
  const codePath = path.join(stateDir('variant-bundles'), `${name}-${hash.digest('hex').slice(0, 16)}.js`);
  if (fs.existsSync(codePath)) return { code: fs.readFileSync(codePath, 'utf8'), codePath };
  const { code } = await buildBundle({ workflowsPath: file, interceptorModules: [RECORDER] });
  // Write then rename: parallel test files may build the same variant at once.
  fs.writeFileSync(`${codePath}.${process.pid}`, code);
  fs.renameSync(`${codePath}.${process.pid}`, codePath);
  return { code, codePath };
}
