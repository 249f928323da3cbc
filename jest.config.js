// `pnpm test`'s tier: every package's tests (src/**/*.test.ts beside the code, or test/**/*.test.ts),
// except the end-to-end files (*.e2e.test.ts, run by `pnpm test:e2e` with jest.e2e.config.js) and the
// cluster tier's (*.cluster.test.ts, `pnpm test:cluster` with jest.cluster.config.js).
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages'],
  testMatch: ['**/{src,test}/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '\\.e2e\\.test\\.ts$', '\\.cluster\\.test\\.ts$'],
  transform: {
    // Transpile only: `tsc -b` type-checks separately, once, for the whole repository.
    // tsconfig.base.json: the root tsconfig.json has no compilerOptions, and without esModuleInterop
    // `import fs from 'node:fs'` is undefined under jest.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false, tsconfig: '<rootDir>/tsconfig.base.json' }],
  },
  // Each test sets its own bounds; this is the backstop.
  testTimeout: 60_000,
  maxWorkers: 2,
  setupFiles: ['<rootDir>/jest.setup.js'],
};
