// Bundles Electron's main process and the preload into CommonJS files under dist/electron-main/.
// The preload must be one file (sandboxed preloads cannot import); main is bundled too so that it
// needs no TypeScript build of the electron module. `electron` itself stays external.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node22', external: ['electron', 'better-sqlite3'], sourcemap: true, logLevel: 'warning',
  // The core finds specs/ from import.meta.url; in a CommonJS bundle that is this file's URL.
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" } };
await build({ ...common, entryPoints: ['electron/main/main.ts'], outfile: 'dist/electron-main/main.cjs' });
await build({ ...common, entryPoints: ['electron/preload/preload.ts'], outfile: 'dist/electron-main/preload.cjs' });
