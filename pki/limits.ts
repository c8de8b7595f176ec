// The largest send unit, in one place. It lives in pki/ for now because sealing is where the size
// matters; it belongs with the protocol (shared/protocol) once that folder is free to change, and
// the sender, the relay and the receiver should all read it from there.
import { LocalizedError } from '../shared/errors.js';

/**
 * The largest plaintext handed to seal(): the packed unit (the JSON bundle with every file in
 * base64), 16 MiB. Files travel base64-encoded, so this is about 12 MiB of CSV and images.
 *
 * Why this size:
 * - Real data: the 第6/7表 unit of a care-manager office with 760 users is 3.6 MB of CSV, 4.8 MB
 *   packed; a large provider's 実績 file reaches several MB. 16 MiB leaves about three times that.
 * - The relay refuses ciphertext over its maxUnitBytes, 20 MiB by default (relay/server.ts). Sealing
 *   adds the signature with its certificates (2–5 KB), AES padding (16 B) and 4 bytes per 1,024 of
 *   ciphertext for the pieces it is written in (0.4 %): 16 MiB seals to about 16.07 MiB, leaving
 *   almost 4 MiB (20 %) for longer certificate chains and for relays configured a little lower.
 * - Opening holds about four copies of a unit in memory (ciphertext, signed data, content, the
 *   parsed bundle): under 100 MB at the limit, which an office PC and the relay can afford.
 */
export const MAX_UNIT_BYTES = 16 * 1024 * 1024;

const mib = (n: number) => (n / (1024 * 1024)).toFixed(1);

export class UnitTooLargeError extends LocalizedError {
  override name = 'UnitTooLargeError';
  declare readonly code: 'UNIT_TOO_LARGE';

  constructor(readonly bytes: number) {
    super(
      'UNIT_TOO_LARGE',
      {
        ja: `送信単位が大きすぎます（${mib(bytes)} MB、上限 ${mib(MAX_UNIT_BYTES)} MB）`,
        en: `The send unit is too large (${mib(bytes)} MB; the limit is ${mib(MAX_UNIT_BYTES)} MB)`,
      },
      {
        hint: {
          ja: '利用者を分けて複数の送信単位（別々のファイル）にして送ってください',
          en: 'Split it: send the users in several units (separate files)',
        },
      },
    );
  }
}

/** Throws UNIT_TOO_LARGE when `unit` (or a byte count) is over MAX_UNIT_BYTES. */
export function checkUnitSize(unit: Buffer | number): void {
  const bytes = typeof unit === 'number' ? unit : unit.length;
  if (bytes > MAX_UNIT_BYTES) throw new UnitTooLargeError(bytes);
}
