import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { WorkflowBundle } from '@temporalio/worker';
import { stateDir } from '@background-check/servers';
import { buildBundle } from '@background-check/worker';

/**
 * Workflow variants kept beside the tests: each is a workflows module exporting `BackgroundCheck`,
 * a changed copy of the real workflow (which is never edited in place).
 */
export const VARIANTS = {
  /** The chapter's workflow before the sleep was added (also: "the timer removed"). */
  'v0-before-sleep': 'v0-before-sleep.workflow.ts',
  /** Upgrade story, step 1: the sleep behind patched(). */
  'v1-patched': 'v1-patched.workflow.ts',
  /** Upgrade story, step 2: deprecatePatch(), old path gone. */
  'v2-deprecated': 'v2-deprecated.workflow.ts',
  /** Version 0 plus the current code's draw, reported through a replay-time sink. */
  'draw-probe': 'draw-probe.workflow.ts',
  // The chapter's non-deterministic changes.
  'add-activity': 'add-activity.workflow.ts',
  'remove-activity': 'remove-activity.workflow.ts',
  'switch-activity-type': 'switch-activity-type.workflow.ts',
  'add-timer': 'add-timer.workflow.ts',
  'reorder-activity-and-timer': 'reorder-activity-and-timer.workflow.ts',
  // The chapter's safe changes.
  'change-logging': 'change-logging.workflow.ts',
  'change-activity-options': 'change-activity-options.workflow.ts',
  'change-activity-code': 'change-activity-code.workflow.ts',
  // Intrinsic non-determinism.
  'clock-and-random': 'clock-and-random.workflow.ts',
  'imports-fs': 'imports-fs.workflow.ts',
} as const;

export type VariantName = keyof typeof VARIANTS;

export const VARIANTS_DIR = path.join(__dirname, 'variants');

export function variantPath(name: VariantName): string {
  return path.join(VARIANTS_DIR, VARIANTS[name]);
}

function fingerprint(file: string): string {
  const hash = crypto.createHash('sha256');
  hash.update(require('@temporalio/worker/package.json').version as string);
  hash.update(fs.readFileSync(file));
  // Variants import only the SDK and (by type) the activities, so the file itself is the input.
  return hash.digest('hex').slice(0, 16);
}

/**
 * The variant's workflow bundle. Bundling costs 1-3 s, so bundles are cached on disk
 * (.temporal/variant-bundles/, keyed by the source and SDK version) and built once.
 */
export async function bundleVariant(name: VariantName): Promise<WorkflowBundle & { codePath: string }> {
  const file = variantPath(name);
  const codePath = path.join(stateDir('variant-bundles'), `${name}-${fingerprint(file)}.js`);
  if (fs.existsSync(codePath)) return { code: fs.readFileSync(codePath, 'utf8'), codePath };
  const { code } = await buildBundle(file);
  // Write then rename: parallel test files may build the same variant at once.
  const tmp = `${codePath}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, code);
  fs.renameSync(tmp, codePath);
  return { code, codePath };
}
