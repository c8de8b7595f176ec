// Lint rules: the layers and their arrows (eslint-rules/layers.js), and the boundary that keeps
// shared/ pure (no Node built-ins, no electron, no DOM, no Node globals).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import layers from './eslint-rules/layers.js';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'fixtures/**', 'test-output/**', 'bench-output/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The layers and their allowed arrows (docs/architecture.md); tested in test/layers.test.ts.
    files: ['**/*.{ts,tsx}'],
    plugins: { project: layers },
    rules: { 'project/layers': 'error' },
  },
  {
    // CommonJS on purpose: a `node -r` preload that stands in for the electron module in a test.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['shared/**/*.ts'],
    ignores: ['shared/**/*.test.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.map((name) => ({ name, message: 'shared/ is pure TypeScript: no Node built-ins.' })),
            { name: 'electron', message: 'shared/ must not import electron.' },
            { name: 'react-dom', message: 'shared/ must not depend on the DOM.' },
            { name: 'iconv-lite', message: 'shared/ takes a decoder by injection; iconv-lite needs Node buffers.' },
          ],
          patterns: [
            { group: ['electron/*', '**/electron/**'], message: 'shared/ must not import Electron or electron/ code.' },
            { group: ['**/renderer/**'], message: 'shared/ must not import renderer code.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'HTMLElement', 'process', 'Buffer', 'require', '__dirname', '__filename', 'global'].map((name) => ({
          name,
          message: 'shared/ runs everywhere: no DOM or Node globals.',
        })),
      ],
    },
  },
);
