// The packed app runs client/pdf from one esbuild bundle with no node_modules beside it (as
// scripts/build-electron.mjs builds it): PDFKit must not need its standard fonts or data files there, and the
// font must be found in ./fonts/ beside the bundle.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { expect, it } from 'vitest';
import { FONT_FILE } from './font.js';

it('a CommonJS bundle with the font beside it makes a Japanese PDF outside the repository', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpl-pdf-bundle-'));
  const entry = join(dir, 'entry.ts');
  writeFileSync(
    entry,
    `import { finish, openPdf } from ${JSON.stringify(join(import.meta.dirname, 'index.ts'))};
const doc = openPdf({ timestamp: new Date('2026-12-02T00:00:00Z'), title: 't' });
doc.fontSize(12).text('送付状 ケアプラン', 40, 40);
finish(doc).then((b) => process.stdout.write(b.toString('base64')));`,
  );
  // The same options as scripts/build-electron.mjs.
  await build({
    entryPoints: [entry], outfile: join(dir, 'out', 'backend.cjs'), bundle: true, platform: 'node', format: 'cjs', target: 'node22', logLevel: 'warning',
    define: { 'import.meta.url': '__importMetaUrl' }, banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  mkdirSync(join(dir, 'out', 'fonts'));
  copyFileSync(createRequire(import.meta.url).resolve(`@expo-google-fonts/noto-sans-jp/400Regular/${FONT_FILE}`), join(dir, 'out', 'fonts', FONT_FILE));
  const pdf = Buffer.from(execFileSync(process.execPath, [join(dir, 'out', 'backend.cjs')], { cwd: dir, encoding: 'utf8' }), 'base64');
  writeFileSync(join(dir, 'x.pdf'), pdf);
  expect(execFileSync('pdftotext', [join(dir, 'x.pdf'), '-'], { encoding: 'utf8' })).toContain('送付状 ケアプラン');
}, 60_000);
