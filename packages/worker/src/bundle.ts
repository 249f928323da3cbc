import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

/** The workflow package's entry point: every export is a workflow type. */
export const WORKFLOWS_PATH = require.resolve('@background-check/workflows');
const DIST = path.resolve(__dirname, '..', 'dist');

export interface BundleOptions {
  /** Default: the BackgroundCheck workflows. */
  workflowsPath?: string;
  /** Workflow interceptor modules bundled with the code (the replay test adds its recorder). */
  interceptorModules?: string[];
}

function sourcesOf(entry: string): string[] {
  const dir = fs.statSync(entry).isDirectory() ? entry : path.dirname(entry);
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.[cm]?[jt]s$/.test(f) && !/\.test\.[jt]s$/.test(f))
    .map((f) => path.join(dir, f))
    .sort();
}

/** What goes into a bundle, by content (not mtimes, so a fresh clone doesn't rebuild): sources and SDK version. */
export function sourceFingerprint({
  workflowsPath = WORKFLOWS_PATH,
  interceptorModules = [],
}: BundleOptions = {}): string {
  const hash = crypto.createHash('sha256').update(require('@temporalio/worker/package.json').version as string);
  // Names relative to the repository, so a copy of it elsewhere (a clone, the walkthrough's) needs no rebuild.
  for (const file of [...sourcesOf(workflowsPath), ...interceptorModules]) {
    hash.update(path.relative(DIST, file)).update(fs.readFileSync(file));
  }
  return hash.digest('hex');
}

/** Bundles workflow code with webpack (1-3 s), quietly: do it once per process, then reuse the bundle. */
export async function buildBundle(options: BundleOptions = {}): Promise<WorkflowBundleWithSourceMap> {
  return await bundleWorkflowCode({
    workflowsPath: options.workflowsPath ?? WORKFLOWS_PATH,
    workflowInterceptorModules: options.interceptorModules,
    logger: new DefaultLogger('WARN'), // webpack's progress lines are noise next to a command's output
  });
}

/**
 * A bundle on disk for `Worker.create({ workflowBundle })` / replay, rebuilt only when its sources
 * changed since the last build, so starts don't pay for webpack. `name` picks the file under dist/;
 * `log` is told when it is rebuilt, and why.
 */
export async function prebuiltBundle(
  name = 'workflow-bundle',
  options: BundleOptions = {},
  log?: (line: string) => void,
  force = false,
): Promise<{ codePath: string }> {
  const codePath = path.join(DIST, `${name}.js`);
  const stampPath = path.join(DIST, `${name}.stamp`);
  const fingerprint = sourceFingerprint(options);
  const fresh =
    fs.existsSync(codePath) && fs.existsSync(stampPath) && fs.readFileSync(stampPath, 'utf8') === fingerprint;
  if (!fresh || force) {
    const why = force ? 'asked to' : fs.existsSync(codePath) ? 'the workflow code changed' : 'no bundle yet';
    log?.(`Bundling the workflow code (${why})...`);
    const { code } = await buildBundle(options);
    fs.mkdirSync(DIST, { recursive: true });
    // Write, then rename: another process may be reading the bundle, or writing it too.
    fs.writeFileSync(`${codePath}.${process.pid}`, code);
    fs.renameSync(`${codePath}.${process.pid}`, codePath);
    fs.writeFileSync(stampPath, fingerprint);
  }
  return { codePath };
}
