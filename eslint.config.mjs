import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

// Runtime code never loads test machinery: the SDK's testing package (it downloads servers) or the
// project's test helpers belong to tests, which live in *.test.ts and the test-only packages.
const testOnly = [
  { name: '@temporalio/testing', message: 'Test-only: use it in *.test.ts or @background-check/test-support.' },
  { name: '@background-check/test-support', message: 'Test-only: import it from *.test.ts files only.' },
];
const testOnlyPackages = ['packages/test-support/**', 'packages/durability/**', 'packages/webui-test/**'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.types/**', '.tools/**', '.temporal/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['packages/*/{src,test}/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // An unawaited promise in a worker or starter hides failures and breaks shutdown.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    ignores: ['**/*.test.ts', ...testOnlyPackages],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: testOnly }] },
  },
  {
    // Workflow code runs in the deterministic sandbox: no Node built-ins, activities by type only.
    files: [
      'packages/workflows/src/**/*.ts',
      'packages/replay/src/recorder.ts',
      'packages/*/{src,test}/**/workflows/**/*.ts',
      'packages/*/{src,test}/**/*.workflow.ts',
    ],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...testOnly,
            ...nodeBuiltins.map((name) => ({
              name,
              message: 'Node built-ins are not available in workflow code: do I/O in an activity.',
            })),
            {
              name: '@background-check/activities',
              allowTypeImports: true,
              message: 'Import activities with `import type` only; call them through proxyActivities.',
            },
          ],
          patterns: [
            {
              group: ['**/activities', '**/activities/**'],
              allowTypeImports: true,
              message: 'Import activities with `import type` only.',
            },
          ],
        },
      ],
    },
  },
);
