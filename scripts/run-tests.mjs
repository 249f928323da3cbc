// The two test tiers, each ending with one plain summary line (`tests: N passed, N failed`):
//   node scripts/run-tests.mjs unit [jest args]   `pnpm test`: every *.test.ts but the end-to-end ones,
//                                                 with type-check, format check and lint alongside
//   node scripts/run-tests.mjs e2e [jest args]    `pnpm test:e2e`: the *.e2e.test.ts files
//   node scripts/run-tests.mjs cluster [jest args] `pnpm test:cluster`: the *.cluster.test.ts files, after
//                                                 building the cluster's Temporal Server (once)
// The checks run alongside jest (jest's workers mostly wait on servers); their output follows jest's,
// and a failed check counts as one failed test.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib.mjs';

const [tier, ...jestArgs] = process.argv.slice(2);
const CONFIGS = { unit: 'jest.config.js', e2e: 'jest.e2e.config.js', cluster: 'jest.cluster.config.js' };
if (!CONFIGS[tier]) {
  console.error('Usage: node scripts/run-tests.mjs unit|e2e|cluster [jest arguments]');
  process.exit(2);
}
const config = CONFIGS[tier];
const CHECKS = [
  ['type-check (tsc -b)', 'tsc', ['-b']],
  ['format check (prettier --check; `pnpm format` fixes it)', 'prettier', ['--check', '--log-level', 'warn', '.']],
  ['lint (eslint)', 'eslint', ['.']],
];

// Jest's own results, and this tier's counts (checks included) for .ci/run to add up; not an earlier run's.
const resultsFile = path.join(ROOT, '.temporal', `jest-results-${tier}.json`);
const summaryFile = path.join(ROOT, '.temporal', `tests-${tier}.json`);
fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
for (const file of [resultsFile, summaryFile]) fs.rmSync(file, { force: true });

/** Runs a node_modules/.bin command to completion; resolves with its exit code and (unless inherited) output. */
async function run(name, args, stdio = ['ignore', 'pipe', 'pipe']) {
  const child = spawn(path.join(ROOT, 'node_modules', '.bin', name), args, { cwd: ROOT, stdio });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  try {
    const [status] = await once(child, 'close');
    return { code: status ?? 1, output };
  } catch (err) {
    return { code: 127, output: `${output}Could not run ${name}: ${err.message}\n` };
  }
}

const checks = (tier === 'unit' ? CHECKS : []).map(([label, name, args]) =>
  run(name, args).then((r) => ({ label, ...r })),
);
console.log(`== tests (jest -c ${config})${checks.length ? `, with ${checks.length} checks alongside` : ''}`);
// The cluster tier's server is built first, in plain view (minutes on a fresh clone); without it no test can run.
const build = tier === 'cluster' ? await run('ts-node', ['packages/cluster/src/build-cli.ts'], 'inherit') : { code: 0 };
const jest =
  build.code === 0
    ? await run('jest', ['-c', config, '--json', `--outputFile=${resultsFile}`, ...jestArgs], 'inherit')
    : build;
let failed = 0;
for (const { label, code, output } of await Promise.all(checks)) {
  console.log(`\n== ${label}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`}`);
  if (output.trim()) console.log(output.trimEnd());
  if (code !== 0) failed += 1;
}
if (failed > 0) console.error(`\n${failed} check(s) failed: see above.`);

let passed = 0;
let skipped = 0;
try {
  const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  passed = r.numPassedTests;
  skipped = r.numPendingTests + r.numTodoTests;
  // A test file that failed to load counts as a failure even though it ran no test; so does running none.
  failed += r.numFailedTests + r.numRuntimeErrorTestSuites + (r.numTotalTests === 0 ? 1 : 0);
  if (r.numTotalTests === 0) console.error('jest ran no test.');
} catch {
  console.error('jest wrote no results file.');
  failed += 1;
}
fs.writeFileSync(summaryFile, JSON.stringify({ passed, failed, skipped }));
console.log(`\ntests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(jest.code || (failed > 0 ? 1 : 0));
