// The two-command quick start: `npm start` / `npm test` (or `pnpm start` / `pnpm test`), and
// `pnpm test:e2e`. Makes sure pnpm, the dependencies and the Temporal binaries are installed (doing
// only what is missing), then runs the main job or a test tier (extra arguments go to jest).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pnpmCommand } from './ensure-pnpm.mjs';
import { ROOT, fail, run } from './lib.mjs';

const TARGETS = {
  start: ['exec', 'ts-node', 'packages/starter/src/run-once.ts'],
  test: ['exec', 'node', 'scripts/run-tests.mjs', 'unit'],
  'test:e2e': ['exec', 'node', 'scripts/run-tests.mjs', 'e2e'],
};

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

const extra = target === 'start' ? [] : process.argv.slice(3);
const code = run(pnpm, [...pnpmArgs, ...TARGETS[target], ...extra]);
process.exit(code);
