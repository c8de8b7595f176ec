// The one font every PDF uses: Noto Sans JP (OFL), from the dependency @expo-google-fonts/noto-sans-jp.
// It is embedded (subset to the glyphs used) so Japanese renders on any PC without tofu, and no PDF ever
// falls back to PDFKit's standard fonts (they cannot draw Japanese, and inside the app's single-file
// bundles PDFKit could not even load them).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The font's family name inside each document. */
export const FONT = 'NotoSansJP';

/** The font file's name inside the package and beside the app's bundles (scripts/build-electron.mjs copies it). */
export const FONT_FILE = 'NotoSansJP_400Regular.ttf';
const PACKAGE_PATH = `@expo-google-fonts/noto-sans-jp/400Regular/${FONT_FILE}`;

/** Where the font may be: beside the bundle first (the packed app has no node_modules), then the package. */
export function fontCandidates(moduleUrl: string = import.meta.url): string[] {
  const out = [fileURLToPath(new URL(`./fonts/${FONT_FILE}`, moduleUrl))];
  try {
    out.push(createRequire(moduleUrl).resolve(PACKAGE_PATH));
  } catch {
    /* not installed beside this module (the packed app): the copy beside the bundle is the one */
  }
  return out;
}

let cached: Buffer | null = null;

/** The font's bytes, read once per process (5 MB; each PDF embeds only the glyphs it uses). */
export function notoSansJp(): Buffer {
  if (cached) return cached;
  const found = fontCandidates().find((p) => existsSync(p));
  if (!found) throw new Error(`PDF 用のフォント ${FONT_FILE} が見つかりません / the PDF font ${FONT_FILE} is missing (${fontCandidates().join(', ')})`);
  cached = readFileSync(found);
  return cached;
}
