import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

/** The workflow package's entry point: every export is a workflow type. */
export const WORKFLOWS_PATH = require.resolve('@background-check/workflows');
const WORKFLOWS_SRC = path.dirname(WORKFLOWS_PATH);
export const BUNDLE_DIR = path.resolve(__dirname, '..', 'dist');
export const BUNDLE_FILE = path.join(BUNDLE_DIR, 'workflow-bundle.js');
const STAMP_FILE = path.join(BUNDLE_DIR, 'workflow-bundle.stamp.json');

function listSources(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? listSources(path.join(dir, d.name)) : [path.join(dir, d.name)]))
    .filter((f) => /\.[cm]?[jt]s$/.test(f) && !/\.test\.[jt]s$/.test(f))
    .sort();
}

/**
 * A fingerprint of what goes into the bundle: the workflow sources and the SDK version.
 * Content, not mtimes, so a fresh clone or a `touch` doesn't force a rebuild.
 */
export function sourceFingerprint(workflowsSrc: string = WORKFLOWS_SRC): string {
  const hash = crypto.createHash('sha256');
  hash.update(require('@temporalio/worker/package.json').version as string);
  for (const file of listSources(workflowsSrc)) {
    hash.update(path.relative(workflowsSrc, file));
    hash.update(fs.readFileSync(file));
  }
  return hash.digest('hex');
}

/** Bundles workflow code with webpack (1-3 s), quietly: do it once, then reuse the bundle. */
export async function buildBundle(workflowsPath: string = WORKFLOWS_PATH): Promise<WorkflowBundleWithSourceMap> {
  return await bundleWorkflowCode({ workflowsPath, logger: quietLogger });
}

/** Builds the bundle and writes it under dist/ with the fingerprint of its sources. */
export async function writeBundle(): Promise<string> {
  const { code } = await buildBundle();
  fs.mkdirSync(BUNDLE_DIR, { recursive: true });
  fs.writeFileSync(BUNDLE_FILE, code);
  fs.writeFileSync(STAMP_FILE, JSON.stringify({ fingerprint: sourceFingerprint() }, null, 2));
  return BUNDLE_FILE;
}

/** True when dist/ holds a bundle built from the current workflow sources. */
export function bundleIsFresh(): boolean {
  try {
    const stamp = JSON.parse(fs.readFileSync(STAMP_FILE, 'utf8')) as { fingerprint?: string };
    return fs.existsSync(BUNDLE_FILE) && stamp.fingerprint === sourceFingerprint();
  } catch {
    return false;
  }
}

/**
 * The prebuilt bundle for `Worker.create({ workflowBundle })`. Rebuilt only when the workflow
 * sources changed since the last build (or there is none yet), so starts don't pay for webpack.
 */
export async function prebuiltBundle(onRebuild?: (reason: string) => void): Promise<{ codePath: string }> {
  if (!bundleIsFresh()) {
    onRebuild?.(fs.existsSync(BUNDLE_FILE) ? 'the workflow code changed' : 'no bundle yet');
    await writeBundle();
  }
  return { codePath: BUNDLE_FILE };
}

// webpack's progress lines are noise next to the worker's own output.
const quietLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  log: () => undefined,
  warn: (message: string, meta?: unknown) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: unknown) => console.error(message, meta ?? ''),
};
