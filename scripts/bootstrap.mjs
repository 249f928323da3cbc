// The two-command quick start: `npm start` / `npm test` (or `pnpm start` / `pnpm test`).
// Makes sure pnpm, the dependencies and the Temporal binaries are installed (doing only what is
// missing), then runs the main job or the whole test suite.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, TOOLS, fail, run } from './lib.mjs';

// Pinned in package.json "engines" (pnpm 12 runs root scripts named like its own commands, e.g. `pnpm server`).
const PNPM_VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).engines.pnpm;
const TARGETS = {
  start: ['exec', 'ts-node', 'packages/starter/src/run-once.ts'],
  test: ['run', 'test:all'],
};

/** pnpm as [command, ...args]: the one running us, else a pinned copy installed with npm into .tools/. */
function pnpmCommand() {
  const execpath = process.env.npm_execpath ?? '';
  if (/^pnpm/.test(path.basename(execpath))) {
    // pnpm 12 is a native executable; older releases are JavaScript run by node.
    return /\.[cm]?js$/.test(execpath) ? [process.execPath, execpath] : [execpath];
  }
  const local = path.join(TOOLS, 'pnpm', 'node_modules', '.bin', process.platform === 'win32' ? 'pnpm.cmd' : 'pnpm');
  if (!fs.existsSync(local)) {
    console.log(`Installing pnpm ${PNPM_VERSION} into .tools/pnpm (with npm) ...`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const code = run(npm, ['install', '--prefix', path.join(TOOLS, 'pnpm'), '--no-audit', '--no-fund', '--loglevel=error', `pnpm@${PNPM_VERSION}`]);
    if (code !== 0 || !fs.existsSync(local)) fail(`Could not install pnpm ${PNPM_VERSION} with npm (exit ${code}). Install it yourself (\`npm i -g pnpm@${PNPM_VERSION}\` or \`corepack enable\`) and run \`pnpm install\`.`);
  }
  return [local];
}

/** What the install depends on: the lockfile and every package.json. */
function installFingerprint() {
  const hash = crypto.createHash('sha256');
  const files = ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml'];
  for (const dir of fs.readdirSync(path.join(ROOT, 'packages'))) files.push(path.join('packages', dir, 'package.json'));
  for (const file of files.sort()) {
    const full = path.join(ROOT, file);
    if (fs.existsSync(full)) hash.update(file).update(fs.readFileSync(full));
  }
  return hash.digest('hex');
}

const target = process.argv[2];
if (!TARGETS[target]) fail(`Usage: node scripts/bootstrap.mjs ${Object.keys(TARGETS).join('|')}`, 2);

const [pnpm, ...pnpmArgs] = pnpmCommand();
const stampFile = path.join(ROOT, 'node_modules', '.background-check-install');
const fingerprint = installFingerprint();
const installed = fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === fingerprint;
if (!installed) {
  console.log('Installing dependencies (pnpm install) ...');
  const frozen = fs.existsSync(path.join(ROOT, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
  const code = run(pnpm, [...pnpmArgs, 'install', ...frozen]);
  if (code !== 0) fail(`pnpm install failed (exit ${code}); see above.`, code);
  // After the install: a first install writes the lockfile, which is part of the fingerprint.
  fs.writeFileSync(stampFile, installFingerprint());
} else {
  // Dependencies are current; make sure the binaries are too (a no-op when they are).
  const code = run(process.execPath, [path.join(ROOT, 'scripts', 'install-temporal.mjs')]);
  if (code !== 0) process.exit(code);
}

const code = run(pnpm, [...pnpmArgs, ...TARGETS[target]]);
process.exit(code);
