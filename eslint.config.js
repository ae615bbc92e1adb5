// Lint also enforces the import rules of ARCHITECTURE §3.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const electronValueImport = {
  name: 'electron',
  allowTypeImports: true,
  message: "Only electron/platform, electron/main.ts and electron/preload.ts may import 'electron' at runtime.",
};

export default tseslint.config(
  { ignores: ['out/**', 'release/**', 'node_modules/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      'no-restricted-imports': ['error', { paths: [electronValueImport] }],
    },
  },
  {
    // CommonJS on purpose (bin/dspatch.cjs starts faster than an ES module would).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['electron/platform/**', 'electron/main.ts', 'electron/preload.ts', 'test/unit/platform/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronValueImport],
          patterns: [
            {
              group: ['**/electron/**', '**/agents/**'],
              allowTypeImports: true,
              message: 'The renderer imports only types from electron/ and agents/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['agents/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronValueImport],
          patterns: [{ group: ['**/electron/**'], message: 'agents/ never imports electron/.' }],
        },
      ],
    },
  },
  {
    files: ['electron/host/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronValueImport],
          patterns: [
            {
              group: ['**/agents/**', '!**/agents/protocol'],
              message: 'electron/host imports agents/protocol and nothing else of agents/.',
            },
          ],
        },
      ],
    },
  },
);
