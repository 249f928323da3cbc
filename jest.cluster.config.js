// `pnpm test:cluster`: the cluster tier, on local self-hosted Temporal clusters (four services on
// PostgreSQL, started by each test file) and real 60 s timers.
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: ['**/{src,test}/**/*.cluster.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 300_000,
  // Each file runs its own cluster (five processes, mostly waiting on 60 s timers): three at a time on two cores.
  maxWorkers: 3,
};
