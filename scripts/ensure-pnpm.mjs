// The pinned pnpm (package.json "engines"): the one running us, else a copy installed with npm into
// .tools/pnpm (Corepack cannot run pnpm 12, a native binary; npm can). Run directly, it prints the
// folder that holds the pnpm binary, for PATH: export PATH="$(node scripts/ensure-pnpm.mjs):$PATH"
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, TOOLS, fail, run } from './lib.mjs';

/** Installs the pinned pnpm into .tools/pnpm unless it is there; returns the binary. */
function installLocalPnpm() {
  const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).engines.pnpm;
  const local = path.join(TOOLS, 'pnpm', 'node_modules', '.bin', 'pnpm');
  if (fs.existsSync(local)) return local;
  console.error(`Installing pnpm ${version} into .tools/pnpm (with npm) ...`);
  const args = ['install', '--prefix', path.join(TOOLS, 'pnpm'), '--no-audit', '--no-fund', '--loglevel=error'];
  // npm's output goes to stderr: stdout may be captured for the PATH entry.
  const code = run('npm', [...args, `pnpm@${version}`], { stdio: ['ignore', 2, 2] });
  if (code !== 0 || !fs.existsSync(local))
    fail(`Could not install pnpm ${version} with npm (exit ${code}); install it yourself: npm i -g pnpm@${version}`);
  return local;
}

/** pnpm as [command, ...args]: the one running us when it is pnpm, else the local pinned copy. */
export function pnpmCommand() {
  const execpath = process.env.npm_execpath ?? '';
  if (!/^pnpm/.test(path.basename(execpath))) return [installLocalPnpm()];
  // pnpm 12 is a native executable; older releases are JavaScript run by node.
  return /\.[cm]?js$/.test(execpath) ? [process.execPath, execpath] : [execpath];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(path.dirname(installLocalPnpm()));
