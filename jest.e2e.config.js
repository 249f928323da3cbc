// `pnpm test:e2e`: the end-to-end tier, on real dev servers and real 60 s timers.
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testMatch: ['**/{src,test}/**/*.e2e.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 240_000,
};
