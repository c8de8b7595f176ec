// Bundles Electron's main process, the preload and the back end's utility process into CommonJS files,
// in two flavours:
// - dist/electron-main/ for development (`careplan-link app` with Electron): the demo offices of the
//   embedded relay, CPL_RENDERER_DIR for tests, source maps;
// - dist/electron-app/ for the installer (electron-builder.yml packs only it, the renderer and specs/):
//   built with CPL_PACKAGED_BUILD=1, which removes the demo offices — and with them relay/ code and the
//   development PKI maker — and the renderer override; no source maps.
// Everything the app runs is in these bundles: `electron` stays external and nothing else, so the app
// ships no node_modules (and no native module: better-sqlite3 is the relay's alone). The preload must
// be one file anyway (sandboxed preloads cannot import). The tray icons are copied beside the bundles
// because electron-builder never packs build/, and the PDF font (client/pdf/font.ts looks in ./fonts/
// beside the bundle first) because the app has no node_modules.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const ENTRIES = { main: 'electron/main/main.ts', preload: 'electron/preload/preload.ts', backend: 'electron/backend/entry.ts' };
const ICONS = ['tray.png', 'tray@2x.png', 'tray-attention.png', 'tray-attention@2x.png'];
const FONT = 'NotoSansJP_400Regular.ttf';
const FONT_SOURCE = createRequire(import.meta.url).resolve(`@expo-google-fonts/noto-sans-jp/400Regular/${FONT}`);

async function flavour(outdir, packaged) {
  rmSync(outdir, { recursive: true, force: true });
  for (const [name, entry] of Object.entries(ENTRIES)) {
    await build({
      entryPoints: [entry],
      outfile: `${outdir}/${name}.cjs`,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      external: ['electron'],
      sourcemap: !packaged,
      // Drops the dead development branches as text too, not only their imports (names stay readable).
      minifySyntax: packaged,
      logLevel: 'warning',
      define: {
        // The core finds specs/ from import.meta.url; in a CommonJS bundle that is this file's URL.
        'import.meta.url': '__importMetaUrl',
        // A constant, so esbuild drops the development-only branches and what only they import.
        ...(packaged ? { 'process.env.CPL_PACKAGED_BUILD': '"1"' } : {}),
      },
      banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    });
  }
  for (const icon of ICONS) copyFileSync(`build/${icon}`, `${outdir}/${icon}`);
  mkdirSync(`${outdir}/fonts`, { recursive: true });
  copyFileSync(FONT_SOURCE, `${outdir}/fonts/${FONT}`);
}

await flavour('dist/electron-main', false);
await flavour('dist/electron-app', true);
