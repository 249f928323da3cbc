// The pinned pnpm (package.json "engines"): the one running us, else a copy installed with npm into
// .tools/pnpm. Run directly, it prints the folder that holds the pnpm binary, for PATH:
//   export PATH="$(node scripts/ensure-pnpm.mjs):$PATH"
// (Corepack cannot run pnpm 12, a native binary; npm can.)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, TOOLS, fail, run } from './lib.mjs';

export const PNPM_VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).engines.pnpm;
const LOCAL_BIN = path.join(TOOLS, 'pnpm', 'node_modules', '.bin');

/** Installs the pinned pnpm into .tools/pnpm unless it is there; returns the binary. */
export function installLocalPnpm() {
  const local = path.join(LOCAL_BIN, process.platform === 'win32' ? 'pnpm.cmd' : 'pnpm');
  if (!fs.existsSync(local)) {
    console.error(`Installing pnpm ${PNPM_VERSION} into .tools/pnpm (with npm) ...`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    // npm's output goes to stderr: stdout may be captured for the PATH entry.
    const code = run(
      npm,
      [
        'install',
        '--prefix',
        path.join(TOOLS, 'pnpm'),
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        `pnpm@${PNPM_VERSION}`,
      ],
      {
        stdio: ['ignore', process.stderr, process.stderr],
      },
    );
    if (code !== 0 || !fs.existsSync(local))
      fail(
        `Could not install pnpm ${PNPM_VERSION} with npm (exit ${code}). Install it yourself (\`npm i -g pnpm@${PNPM_VERSION}\`) and run \`pnpm install\`.`,
      );
  }
  return local;
}

/** pnpm as [command, ...args]: the one running us when it is pnpm, else the local pinned copy. */
export function pnpmCommand() {
  const execpath = process.env.npm_execpath ?? '';
  if (/^pnpm/.test(path.basename(execpath))) {
    // pnpm 12 is a native executable; older releases are JavaScript run by node.
    return /\.[cm]?js$/.test(execpath) ? [process.execPath, execpath] : [execpath];
  }
  return [installLocalPnpm()];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(path.dirname(installLocalPnpm()));
}
