import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.types/**', '.tools/**', '.temporal/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['packages/*/src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // An unawaited promise in a worker or starter hides failures and breaks shutdown.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code runs in the deterministic sandbox: no Node built-ins, activities by type only.
    files: ['packages/workflows/src/**/*.ts', 'packages/*/src/**/workflows/**/*.ts', 'packages/*/src/**/*.workflow.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'Node built-ins are not available in workflow code: do I/O in an activity.' })),
            { name: '@background-check/activities', allowTypeImports: true, message: 'Import activities with `import type` only; call them through proxyActivities.' },
          ],
          patterns: [{ group: ['**/activities', '**/activities/**'], allowTypeImports: true, message: 'Import activities with `import type` only.' }],
        },
      ],
    },
  },
);
