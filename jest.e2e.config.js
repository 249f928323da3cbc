// `pnpm test:e2e`: the end-to-end tier, on real dev servers and real 60 s timers.
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: ['**/{src,test}/**/*.e2e.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 240_000,
  // These files mostly wait (60 s timers, servers starting up) rather than compute: four files at a
  // time keep two cores busy without starving any of them.
  maxWorkers: 4,
  testSequencer: '<rootDir>/jest.e2e.sequencer.js',
};
