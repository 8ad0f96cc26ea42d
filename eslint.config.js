import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'training', 'public', 'test-results', 'playwright-report', 'e2e-output'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['bin/**/*.mjs'], languageOptions: { globals: globals.node } },
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Layers (src/layers.test.ts checks the whole graph): core/ is the science and knows nothing of the
  // worker (engine/) or the page (ui/); benches and scripts reach the science through core/ only.
  {
    files: ['src/core/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^\\.{1,2}/(.*/)?(engine|ui)(/|$)', message: 'core/ must not import engine/ or ui/: move the shared piece into core/.' }],
      }],
      'no-restricted-syntax': ['error', {
        selector: 'ImportExpression[source.value=/^\\.\\.?.(.*.)?(engine|ui)\\b/]',
        message: 'core/ must not import engine/ or ui/: move the shared piece into core/.',
      }],
    },
  },
  {
    files: ['bench/**/*.ts', 'scripts/**/*.ts', 'src/bench/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ regex: '^\\.{1,2}/(.*/)?engine(/|$)', message: 'benches and scripts go through src/core, not the worker internals of src/engine.' }],
      }],
      'no-restricted-syntax': ['error', {
        selector: 'ImportExpression[source.value=/^\\.\\.?.(.*.)?engine\\b/]',
        message: 'benches and scripts go through src/core, not the worker internals of src/engine.',
      }],
    },
  },
);
