// `pnpm test`'s suite: type-check, lint, then every jest test; ends with one plain summary line.
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, run } from './lib.mjs';

const bin = (name) => path.join(ROOT, 'node_modules', '.bin', name);
const steps = [
  ['type-check (tsc -b)', bin('tsc'), ['-b']],
  ['lint (eslint)', bin('eslint'), ['.']],
];
for (const [label, cmd, args] of steps) {
  console.log(`\n== ${label}`);
  const code = run(cmd, args);
  if (code !== 0) {
    console.error(`\n${label} failed (exit ${code}).`);
    process.exit(code);
  }
}

console.log('\n== tests (jest)');
const resultsFile = path.join(ROOT, '.temporal', 'jest-results.json');
fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
fs.rmSync(resultsFile, { force: true });
const code = run(bin('jest'), ['--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)]);
let summary = 'tests: 0 passed, 1 failed';
try {
  const r = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  summary = `tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed`;
  if (r.numPendingTests + r.numTodoTests > 0) summary += `, ${r.numPendingTests + r.numTodoTests} skipped`;
} catch {
  console.error('jest wrote no results file.');
}
console.log(`\n${summary}`);
process.exit(code);
