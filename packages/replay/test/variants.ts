import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { stateDir } from '@background-check/common';
import { buildBundle } from '@background-check/worker';
import { RECORDER } from '../src/replay';
import { version as workerVersion } from '@temporalio/worker/package.json';

/**
 * Workflow variants kept beside the tests, side by side like samples-typescript's patching-api: each is
 * a workflows module exporting `BackgroundCheck`, a changed copy of the real workflow.
 */
export const VARIANTS = {
  /** The chapter's workflow before the sleep was added (also: "the timer removed"). */
  v0: 'v0-before-sleep.workflow.ts',
  /** Upgrade story, step 1: the sleep behind patched(). */
  'v1-patched': 'v1-patched.workflow.ts',
  /** Upgrade story, step 2: deprecatePatch(), old path gone. */
  'v2-deprecated': 'v2-deprecated.workflow.ts',
  /** Version 0 plus the current code's draw, reported through a replay-time sink. */
  'draw-probe': 'draw-probe.workflow.ts',
  // The chapter's non-deterministic changes, and their neighbours.
  'add-activity': 'add-activity.workflow.ts',
  'remove-activity': 'remove-activity.workflow.ts',
  'switch-activity-type': 'switch-activity-type.workflow.ts',
  'add-timer': 'add-timer.workflow.ts',
  'reorder-activity-and-timer': 'reorder-activity-and-timer.workflow.ts',
  /** The same change behind patched(). */
  'reorder-patched': 'reorder-patched.workflow.ts',
  'add-child-workflow': 'add-child-workflow.workflow.ts',
  'add-local-activity': 'add-local-activity.workflow.ts',
  // The chapter's safe changes.
  'change-logging': 'change-logging.workflow.ts',
  'change-activity-options': 'change-activity-options.workflow.ts',
  'change-activity-code': 'change-activity-code.workflow.ts',
  // Intrinsic non-determinism.
  'clock-and-random': 'clock-and-random.workflow.ts',
  'imports-fs': 'imports-fs.workflow.ts',
} as const;

export type VariantName = keyof typeof VARIANTS;

export const variantPath = (name: VariantName) => path.join(__dirname, 'fixtures', 'variants', VARIANTS[name]);

/**
 * The variant's workflow bundle, with the replay recorder. Bundling costs 1-3 s, so bundles are cached
 * on disk (.temporal/variant-bundles/, keyed by the sources and SDK version) and built once.
 */
export async function bundleVariant(name: VariantName): Promise<{ code: string; codePath: string }> {
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
