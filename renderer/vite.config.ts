// Builds the renderer into dist/renderer: plain static files that Electron loads from its app://
// scheme and the web bridge serves on 127.0.0.1. No dev server is needed to use the app.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // One stylesheet and one script: simple for the strict CSP.
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
  },
});
