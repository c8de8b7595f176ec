import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Renderer component tests are .tsx and pick jsdom with a `// @vitest-environment jsdom` line.
  esbuild: { jsx: 'automatic' },
  test: {
    include: ['shared/**/*.test.ts', 'client/**/*.test.ts', 'pki/**/*.test.ts', 'platform/**/*.test.ts', 'electron/**/*.test.ts', 'relay/**/*.test.ts', 'test/**/*.test.ts', 'renderer/**/*.test.tsx'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
