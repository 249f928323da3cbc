// Quieter test output: the SDK's INFO lines (worker state changes, ...) drown the test report, and
// replay tests fail on purpose, each failure printing a long Core WARN. Each test file has its own
// module registry, hence its own Runtime: install it before any test.
const { installRuntime } = require('./packages/connection/src/runtime');

const level = process.env.TEST_LOG_LEVEL || 'WARN';
try {
  installRuntime(level, level === 'WARN' ? 'ERROR' : level, true);
} catch (err) {
  // A test file that installed its own runtime first keeps it.
  if (!/already been (installed|instantiated)/.test(String(err))) throw err;
}
