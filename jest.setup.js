// Quieter test output: the SDK's INFO lines (worker state changes, ...) drown the test report.
// Each test file has its own module registry, hence its own Runtime; install it before any test.
const path = require('node:path');

// The root has no SDK dependency of its own; use the worker package's copy (the one tests load).
const { DefaultLogger, Runtime } = require(require.resolve('@temporalio/worker', { paths: [path.join(__dirname, 'packages', 'worker')] }));

try {
  const level = process.env.TEST_LOG_LEVEL || 'WARN';
  Runtime.install({
    logger: new DefaultLogger(level),
    // Core's own lines too: replay tests fail on purpose, and each failure would print a long WARN.
    telemetryOptions: { logging: { filter: { core: level === 'WARN' ? 'ERROR' : level, other: 'ERROR' }, forward: {} } },
    shutdownSignals: [],
  });
} catch {
  // A test file that installs its own runtime first keeps it.
}
