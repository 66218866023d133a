// One lint setup for every workspace package (ESLint 9 flat config). Each package runs
// `eslint src test` as its own turbo `lint` task, which finds this file by looking upward.
// The rule set is eslint's and typescript-eslint's recommended ones, without type information:
// a file's lint result then depends on that file alone, so turbo can cache lint per package with
// the package's own files (and this config) as the only inputs.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.test-results/**', '**/coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      // Unused names are a smell, but a leading underscore says "deliberately unused".
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Plain JavaScript (scripts, the benchmark) runs on Node: its globals are not undefined names.
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: globals.node },
  },
  {
    // Tests build loosely typed payloads on purpose (to prove that schemas reject them).
    files: ['**/test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
