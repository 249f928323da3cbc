// Workflow bundles kept on disk, so starts don't pay for webpack (1-3 s), and rebuilt when any file webpack put
// into one has changed: the workflows, what they import from anywhere (another package, a shared helper), the SDK.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, bundleWorkflowCode, type BundleOptions as SdkBundleOptions } from '@temporalio/worker';

/** The recorder's module path: bundled with workflow code whose replays must be explained. */
export const RECORDER = require.resolve('./recorder');

const SDK_VERSION = require('@temporalio/worker/package.json').version as string;
// The replay package's own folder, not the team's tree (which may be read-only, or would commit a stray bundle).
const DEFAULT_CACHE_DIR = path.resolve(__dirname, '..', 'dist');

export interface BundleOptions {
  /** The workflows: a module file or a folder (its index), as the SDK's `workflowsPath`. */
  workflowsPath: string;
  /** Workflow interceptor modules bundled with the code (the replay check adds its recorder). */
  interceptorModules?: string[];
  /** Where bundles and their stamps are kept; default the replay package's dist/. */
  cacheDir?: string;
  /** Rebuild even when the bundle is fresh. */
  force?: boolean;
}

type WebpackConfig = Parameters<NonNullable<SdkBundleOptions['webpackConfigHook']>>[0];
type Compilation = { fileDependencies: Iterable<string> };
type Compiler = { hooks: { done: { tap(name: string, fn: (stats: { compilation: Compilation }) => void): void } } };

/** What a bundle was built from: the inputs that pick its code, and every file webpack read, with its hash. */
interface Stamp {
  inputs: Record<string, unknown>;
  files: Record<string, string>; // path relative to the cache folder: sha256 of its content
}

const sha256 = (data: string | Buffer) => crypto.createHash('sha256').update(data).digest('hex');

/**
 * The @temporalio/workflow that the workflow code itself resolves (a team's code outside this repository has its
 * own), else ours. The SDK's entrypoint and the recorder are made to use it too: one copy in the bundle.
 */
export function workflowPackageDir(workflowsPath: string): string {
  const from = fs.statSync(workflowsPath).isDirectory() ? workflowsPath : path.dirname(workflowsPath);
  for (const paths of [[from], [__dirname]]) {
    try {
      return path.dirname(require.resolve('@temporalio/workflow/package.json', { paths }));
    } catch {
      // not installed there: try the next place
    }
  }
  throw new Error(`@temporalio/workflow is not installed where ${workflowsPath} can import it: add it to that code.`);
}

/** Bundles the code with webpack, quietly; returns the code and every file webpack read to make it. */
async function build(workflowsPath: string, interceptorModules: string[], workflowDir: string) {
  const read = new Set<string>();
  const recordFiles = {
    apply: (compiler: Compiler) =>
      compiler.hooks.done.tap('record-bundled-files', ({ compilation }) => {
        for (const file of compilation.fileDependencies) read.add(file);
      }),
  };
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: interceptorModules,
    logger: new DefaultLogger('WARN'), // webpack's progress lines are noise next to a command's output
    webpackConfigHook: (config: WebpackConfig) => ({
      ...config,
      resolve: { ...config.resolve, alias: { ...config.resolve?.alias, '@temporalio/workflow': workflowDir } },
      plugins: [...(config.plugins ?? []), recordFiles],
    }),
  });
  // The SDK's generated entrypoint lives in memory only: keep the files that are on disk.
  return { code, files: [...read].filter((f) => fs.statSync(f, { throwIfNoEntry: false })?.isFile()).sort() };
}

/** Why the bundle under `stampPath` is stale, or undefined when it is fresh. */
function staleness(stampPath: string, inputs: Stamp['inputs'], cacheDir: string): string | undefined {
  let stamp: Stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(stampPath, 'utf8')) as Stamp;
  } catch {
    return 'no bundle yet';
  }
  if (JSON.stringify(stamp.inputs) !== JSON.stringify(inputs)) return 'the SDK version or the bundle options changed';
  for (const [file, hash] of Object.entries(stamp.files ?? {})) {
    const absolute = path.resolve(cacheDir, file);
    let content: Buffer;
    try {
      content = fs.readFileSync(absolute);
    } catch {
      return `${path.relative(process.cwd(), absolute)} was removed`;
    }
    if (sha256(content) !== hash) return `${path.relative(process.cwd(), absolute)} changed`;
  }
  if (Object.keys(stamp.files ?? {}).length === 0) return 'no bundle yet';
}

/** Writes the file whole: another process may be reading it, or writing it too. */
function writeWhole(file: string, data: string) {
  fs.writeFileSync(`${file}.${process.pid}`, data);
  fs.renameSync(`${file}.${process.pid}`, file);
}

/**
 * A bundle on disk for `Worker.create({ workflowBundle })` or replay, one per workflowsPath and interceptor modules
 * (so different code never shares a file). A start re-hashes the files the last build read and rebuilds when one
 * changed or was removed, or the SDK or the options differ; `log` is told when it rebuilds, and why.
 */
export async function prebuiltBundle(
  options: BundleOptions,
  log?: (line: string) => void,
): Promise<{ codePath: string }> {
  const { interceptorModules = [], cacheDir = DEFAULT_CACHE_DIR, force = false } = options;
  const workflowsPath = path.resolve(options.workflowsPath);
  if (!fs.existsSync(workflowsPath))
    throw new Error(`The workflows path ${workflowsPath} does not exist: name a workflow module file or a folder.`);
  const workflowDir = workflowPackageDir(workflowsPath);
  // Paths relative to the cache folder, so a copy of a repository with its dist/ (a clone, the walkthrough's) is fresh.
  const relative = (file: string) => path.relative(cacheDir, file);
  const inputs = {
    sdk: SDK_VERSION,
    workflowsPath: relative(workflowsPath),
    interceptorModules: interceptorModules.map((m) => relative(path.resolve(m))),
    // Its version, not its path: a copy of the repository may reach the same package through a link elsewhere.
    workflowPackage: (
      JSON.parse(fs.readFileSync(path.join(workflowDir, 'package.json'), 'utf8')) as { version: string }
    ).version,
  };
  const name = `${path.parse(workflowsPath).name}-${sha256(JSON.stringify(inputs)).slice(0, 12)}`;
  const codePath = path.join(cacheDir, `${name}.js`);
  const stampPath = path.join(cacheDir, `${name}.stamp.json`);
  const stale = force ? 'asked to' : fs.existsSync(codePath) ? staleness(stampPath, inputs, cacheDir) : 'no bundle yet';
  if (!stale) return { codePath };

  log?.(`Bundling the workflow code (${stale})...`);
  const started = Date.now();
  const { code, files } = await build(workflowsPath, interceptorModules, workflowDir);
  // A file edited while webpack ran may be bundled in its old state: leave it unhashed, so the next start rebuilds.
  const hashOf = (file: string) =>
    fs.statSync(file).mtimeMs >= started ? 'edited during the build' : sha256(fs.readFileSync(file));
  const stamp: Stamp = { inputs, files: Object.fromEntries(files.map((f) => [relative(f), hashOf(f)])) };
  fs.mkdirSync(cacheDir, { recursive: true });
  writeWhole(codePath, code);
  writeWhole(stampPath, JSON.stringify(stamp, null, 1));
  return { codePath };
}

/** The workflows with the recorder, bundled on disk once (see prebuiltBundle): the replay check's code under test. */
export const replayBundle = (workflowsPath: string, log?: (line: string) => void) =>
  prebuiltBundle({ workflowsPath, interceptorModules: [RECORDER] }, log);
