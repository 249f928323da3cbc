// The quick start: `npm start` / `npm test` (or `pnpm start` / `pnpm test`), and `pnpm test:e2e`.
// Installs what is missing (pnpm, the dependencies, the Temporal binaries), then runs the main job
// or a test tier (extra arguments go to jest).
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pnpmCommand } from './ensure-pnpm.mjs';
import { ROOT, fail, run } from './lib.mjs';

// `start` runs in this process group, with no pnpm in between: Ctrl-C reaches it directly.
const TARGETS = {
  start: () => [process.execPath, [tsNodeBin(), 'packages/starter/src/run-once.ts']],
  test: (pnpm) => [pnpm[0], [...pnpm.slice(1), 'exec', 'node', 'scripts/run-tests.mjs', 'unit', ...extra]],
  'test:e2e': (pnpm) => [pnpm[0], [...pnpm.slice(1), 'exec', 'node', 'scripts/run-tests.mjs', 'e2e', ...extra]],
};
const tsNodeBin = () => createRequire(path.join(ROOT, 'package.json')).resolve('ts-node/dist/bin.js');
const [target, ...extra] = process.argv.slice(2);
if (!TARGETS[target]) fail(`Usage: node scripts/bootstrap.mjs ${Object.keys(TARGETS).join('|')}`, 2);

/** What the install depends on: the lockfile and every package.json. */
function installFingerprint() {
  const hash = crypto.createHash('sha256');
  const packages = fs.readdirSync(path.join(ROOT, 'packages')).map((dir) => path.join('packages', dir, 'package.json'));
  for (const file of ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', ...packages].sort()) {
    const full = path.join(ROOT, file);
    if (fs.existsSync(full)) hash.update(file).update(fs.readFileSync(full));
  }
  return hash.digest('hex');
}

const [pnpm, ...pnpmArgs] = pnpmCommand();
const stampFile = path.join(ROOT, 'node_modules', '.background-check-install');
if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === installFingerprint()) {
  // Dependencies are current; make sure the binaries are too (a no-op when they are).
  const code = run(process.execPath, ['scripts/install-temporal.mjs']);
  if (code !== 0) process.exit(code);
} else {
  console.log('Installing dependencies (pnpm install) ...');
  const frozen = fs.existsSync(path.join(ROOT, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
  const code = run(pnpm, [...pnpmArgs, 'install', ...frozen]);
  if (code !== 0) fail(`pnpm install failed (exit ${code}); see above.`, code);
  // After the install: a first install writes the lockfile, which is part of the fingerprint.
  fs.writeFileSync(stampFile, installFingerprint());
}

// The child is in our process group: Ctrl-C (or a group's SIGTERM) reaches it too, and it stops in its own
// way. We wait for it, as a shell does, and exit as it did.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => {});
const [command, args] = TARGETS[target]([pnpm, ...pnpmArgs]);
const child = spawn(command, args, { stdio: 'inherit', cwd: ROOT });
child.on('error', (err) => fail(`Could not run ${command}: ${err.message}`));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] ?? 0)));
