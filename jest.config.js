// One jest run over every package's tests: src/**/*.test.ts files, beside the code they test.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages'],
  testMatch: ['**/src/**/*.test.ts'],
  transform: {
    // Transpile only: `tsc -b` type-checks separately, once, for the whole repository.
    // tsconfig.base.json: the root tsconfig.json has no compilerOptions, and without esModuleInterop
    // `import fs from 'node:fs'` is undefined under jest.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false, tsconfig: '<rootDir>/tsconfig.base.json' }],
  },
  // Tests start real Temporal servers and workers; each sets its own bounds, this is the backstop.
  testTimeout: 180_000,
  maxWorkers: 2,
  setupFiles: ['<rootDir>/jest.setup.js'],
  // The SDK's native runtime keeps the event loop alive after the last test; every test stops
  // the servers and workers it started, so exiting is safe.
  forceExit: true,
};
