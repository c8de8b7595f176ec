// A unit too large to send is refused by its files' sizes (one stat each), before a byte is read:
// reading, validating and sealing a 200 MB export took 2.5 GB and 46 s, only for the relay to refuse it.
// The limit is pki/limits.ts's MAX_UNIT_BYTES (the packed unit that seal() takes); this file only
// turns it into what the files on disk may weigh.
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { LocalizedError } from '../../shared/errors.js';
import { MAX_UNIT_BYTES } from '../../pki/limits.js';

/** Files travel base64-encoded in the packed unit: every 3 bytes become 4. */
const packedBytes = (fileBytes: number) => 4 * Math.ceil(fileBytes / 3);

/**
 * About how much CSV and images one unit may hold: MAX_UNIT_BYTES less the base64 growth. "About",
 * because names, hashes and the header take a few hundred bytes more; seal() checks the exact size.
 */
export const MAX_UNIT_FILE_BYTES = Math.floor((MAX_UNIT_BYTES * 3) / 4);

const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);

/** The same code as pki's UnitTooLargeError: one condition, one code, whichever step finds it. */
export class UnitFilesTooLargeError extends LocalizedError {
  override name = 'UnitFilesTooLargeError';

  constructor(
    readonly bytes: number,
    readonly files: string[],
  ) {
    const largest = files[0] ?? '';
    super(
      'UNIT_TOO_LARGE',
      {
        ja: `送信単位が大きすぎます（ファイルの合計 ${mb(bytes)} MB、上限 ${mb(MAX_UNIT_FILE_BYTES)} MB）。月や利用者で分けて書き出してください: ${largest}`,
        en: `The send unit is too large (its files total ${mb(bytes)} MB; the limit is ${mb(MAX_UNIT_FILE_BYTES)} MB). Export it in parts: split it by month or by users: ${largest}`,
      },
      {
        hint: {
          ja: '介護ソフトで、対象の月や利用者を分けて何回かに分けて書き出すと、それぞれ別の送信単位として送れます',
          en: 'Export in several runs from the care software (by month or by group of users); each run is sent as its own unit',
        },
      },
    );
  }
}

/**
 * Throws UnitFilesTooLargeError when the files of one unit cannot fit: their base64 alone is over
 * MAX_UNIT_BYTES. A unit just under that line is still checked exactly by seal(). Files that cannot
 * be stat'ed are left to the step that reads them (it reports them by name).
 */
export function checkUnitFileSizes(paths: string[], stat: (p: string) => { size: number } = statSync): void {
  let bytes = 0;
  let packed = 0;
  const sizes: { name: string; size: number }[] = [];
  for (const p of paths) {
    let size: number;
    try {
      size = stat(p).size;
    } catch {
      continue;
    }
    bytes += size;
    packed += packedBytes(size);
    sizes.push({ name: basename(p), size });
  }
  // The largest file first: the one to split.
  if (packed > MAX_UNIT_BYTES) throw new UnitFilesTooLargeError(bytes, sizes.sort((a, b) => b.size - a.size).map((s) => s.name));
}
