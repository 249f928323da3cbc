// pnpm: the one running us (any pnpm 10 or later, package.json "engines"), else a copy of PNPM_VERSION
// installed with npm into .tools/pnpm (Corepack cannot run pnpm 12, a native binary; npm can). Run
// directly, it prints the folder that holds the pnpm binary, for PATH:
//   export PATH="$(node scripts/ensure-pnpm.mjs):$PATH"
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOOLS, fail, run } from './lib.mjs';

/** The pnpm the project installs for itself when none runs it (CI's, and `npm start`'s). */
export const PNPM_VERSION = '12.21.0';

/** Installs PNPM_VERSION into .tools/pnpm unless it is there; returns the binary. */
function installLocalPnpm() {
  const local = path.join(TOOLS, 'pnpm', 'node_modules', '.bin', 'pnpm');
  if (fs.existsSync(local)) return local;
  console.error(`Installing pnpm ${PNPM_VERSION} into .tools/pnpm (with npm) ...`);
  const args = ['install', '--prefix', path.join(TOOLS, 'pnpm'), '--no-audit', '--no-fund', '--loglevel=error'];
  // npm's output goes to stderr: stdout may be captured for the PATH entry.
  const code = run('npm', [...args, `pnpm@${PNPM_VERSION}`], { stdio: ['ignore', 2, 2] });
  if (code !== 0 || !fs.existsSync(local))
    fail(
      `Could not install pnpm ${PNPM_VERSION} with npm (exit ${code}); install it yourself: npm i -g pnpm@${PNPM_VERSION}`,
    );
  return local;
}

/** pnpm as [command, ...args]: the one running us when it is pnpm, else the local copy. */
export function pnpmCommand() {
  const execpath = process.env.npm_execpath ?? '';
  if (!/^pnpm/.test(path.basename(execpath))) return [installLocalPnpm()];
  const major = Number(/\bpnpm\/(\d+)/.exec(process.env.npm_config_user_agent ?? '')?.[1]);
  if (major < 10)
    fail(
      `pnpm ${major} is too old for this project: use pnpm 10 or later (npm i -g pnpm@10), or \`npm start\`, which installs pnpm ${PNPM_VERSION} into .tools/.`,
    );
  // pnpm 12 is a native executable; older releases are JavaScript run by node.
  return /\.[cm]?js$/.test(execpath) ? [process.execPath, execpath] : [execpath];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(path.dirname(installLocalPnpm()));
