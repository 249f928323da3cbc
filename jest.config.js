// One jest run over every package's tests: src/**/*.test.ts files, beside the code they test.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages'],
  testMatch: ['**/src/**/*.test.ts'],
  transform: {
    // Transpile only: `tsc -b` type-checks separately, once, for the whole repository.
    '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }],
  },
  // Tests start real Temporal servers and workers; each sets its own bounds, this is the backstop.
  testTimeout: 180_000,
  maxWorkers: 2,
};
