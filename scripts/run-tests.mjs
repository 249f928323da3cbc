// The two test tiers, each ending with one plain summary line (`tests: N passed, N failed`):
//   node scripts/run-tests.mjs unit [jest args]   `pnpm test`: type-check, format check and lint, and
//                                                 every *.test.ts but the end-to-end ones
//   node scripts/run-tests.mjs e2e [jest args]    `pnpm test:e2e`: the *.e2e.test.ts files
// The checks run alongside jest (each is mostly one core, and jest's workers mostly wait on the
// servers and processes they start); their output follows jest's. A failed check
// counts as one failed test.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib.mjs';

const bin = (name) => path.join(ROOT, 'node_modules', '.bin', name);
const TIERS = {
  unit: {
    config: 'jest.config.js',
    checks: [
      ['type-check (tsc -b)', bin('tsc'), ['-b']],
      [
        'format check (prettier --check; `pnpm format` fixes it)',
        bin('prettier'),
        ['--check', '--log-level', 'warn', '.'],
      ],
      ['lint (eslint)', bin('eslint'), ['.']],
    ],
  },
  e2e: { config: 'jest.e2e.config.js', checks: [] },
};

const [tierName, ...jestArgs] = process.argv.slice(2);
const tier = TIERS[tierName];
if (!tier) {
  console.error(`Usage: node scripts/run-tests.mjs ${Object.keys(TIERS).join('|')} [jest arguments]`);
  process.exit(2);
}

// Jest's own results, and this tier's counts (checks included) for .ci/run to add up. Files from an
// earlier run must not count for this one.
const resultsFile = path.join(ROOT, '.temporal', `jest-results-${tierName}.json`);
const summaryFile = path.join(ROOT, '.temporal', `tests-${tierName}.json`);
fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
for (const file of [resultsFile, summaryFile]) fs.rmSync(file, { force: true });

/** Runs a command to completion; resolves with its exit code and, unless inherited, its output. */
function run(cmd, args, { inherit = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    child.on('error', (err) => (output += `Could not run ${cmd}: ${err.message}\n`));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 127), output }));
  });
}

const checks = tier.checks.map(([label, cmd, args]) => run(cmd, args).then((result) => ({ label, ...result })));
console.log(`== tests (jest -c ${tier.config})${checks.length ? `, with ${checks.length} checks alongside` : ''}`);
const jest = await run(bin('jest'), ['-c', tier.config, '--json', `--outputFile=${resultsFile}`, ...jestArgs], {
  inherit: true,
});
let checksFailed = 0;
for (const { label, code, output } of await Promise.all(checks)) {
  console.log(`\n== ${label}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`}`);
  if (output.trim()) console.log(output.trimEnd());
  if (code !== 0) checksFailed += 1;
}

let passed = 0;
let failed = 1;
let skipped = 0;
try {
  const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  passed = r.numPassedTests;
  // A test file that failed to load counts as a failure even though it ran no test.
  failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
  skipped = r.numPendingTests + r.numTodoTests;
  if (r.numTotalTests === 0) {
    console.error('jest ran no test.');
    failed += 1;
  }
} catch {
  console.error('jest wrote no results file.');
}
failed += checksFailed;
if (checksFailed > 0) console.error(`\n${checksFailed} check(s) failed: see above.`);
fs.writeFileSync(summaryFile, JSON.stringify({ passed, failed, skipped }));
console.log(`\ntests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(jest.code !== 0 || failed > 0 ? jest.code || 1 : 0);
