// The fast path of the MS932 decoder: TextDecoder('shift_jis') decodes about 3× faster than
// iconv-lite, but it is not the same decoder. Node's ICU converter swaps 0x1A, 0x1C and 0x7F (as
// IBM-943 does), turns 0x80 into U+FFFD where iconv-lite gives U+0080, and after an unassigned
// pair or a lead byte with a bad trail it resynchronises differently (iconv-lite reads the trail
// byte again as a new character; ICU swallows it). Everywhere else — every assigned pair, the NEC
// and IBM extensions, the user-defined area (F040–F9FC → U+E000…, which iconv-lite needs a repair
// for) — they agree. Every difference either involves one of those three control bytes or makes
// TextDecoder emit U+FFFD, so a piece is taken from TextDecoder only when it holds none of the
// three bytes and its text holds no U+FFFD; anything else goes to iconv-lite.
//
// That rule was verified on this runtime's ICU (ms932.test.ts: every lead × trail pair and every
// single byte against iconv-lite). Another runtime (Electron's Node uses Chromium's ICU data) may
// carry another table, so before the fast path is used the same probe is decoded here and its
// digest compared with the one verified; a runtime whose TextDecoder differs anywhere that matters,
// or has no Shift_JIS at all (small-icu builds throw), silently keeps iconv-lite.
import { createHash } from 'node:crypto';
import { TextDecoder } from 'node:util';

/** The bytes that TextDecoder and iconv-lite decode differently without TextDecoder emitting U+FFFD. */
export const SWAPPED_CONTROLS = [0x1a, 0x1c, 0x7f] as const;

const isLeadByte = (b: number) => (b >= 0x81 && b <= 0x9f) || (b >= 0xe0 && b <= 0xfc);

/**
 * The probe: each lead byte with every possible next byte, and every single byte but the swapped
 * controls (routed to iconv-lite by a byte scan) and 0x80 (checked on its own), each segment
 * followed by LF — a byte no decoder takes as a trail, so a segment's damage stays in its segment.
 * Built straight into one buffer: 15,551 small arrays took 30 ms on a cold start.
 */
export function probeBytes(): Uint8Array {
  const out = new Uint8Array(60 * 255 * 3 + 256 * 2);
  let at = 0;
  for (let lead = 0x81; lead <= 0xfc; lead++) {
    if (!isLeadByte(lead)) continue;
    for (let trail = 0; trail <= 0xff; trail++) {
      if (trail === 0x0a) continue;
      out[at++] = lead;
      out[at++] = trail;
      out[at++] = 0x0a;
    }
  }
  for (let b = 0; b <= 0xff; b++) {
    if (b === 0x0a || b === 0x80 || b === 0x1a || b === 0x1c || b === 0x7f) continue;
    out[at++] = b;
    out[at++] = 0x0a;
  }
  return out.subarray(0, at);
}

/** A segment's text as the fast path sees it: taken as is, or (any U+FFFD) sent to iconv-lite. */
export const reduceSegment = (text: string) => (text.includes('\uFFFD') ? '\uFFFD' : text);

/** The digest of the probe's text through `decode`, each segment reduced as the fast path would. */
export function probeDigest(decode: (bytes: Uint8Array) => string): string {
  const reduced = decode(probeBytes()).replace(/[^\n]*\uFFFD[^\n]*/g, '\uFFFD');
  return createHash('sha256').update(reduced).digest('hex');
}

/** probeDigest of Node 20's TextDecoder('shift_jis'), every non-U+FFFD segment checked against iconv-lite (ms932.test.ts). */
export const VERIFIED_PROBE_SHA256 = '6a7e3881a0e386deeefdaa4205fba5381f09e2f8bccf90bd7b9d568d66b423ee';

/** The decoder `make` gives if it passes the probe; null (use iconv-lite) if it differs or cannot be made. */
export function probedDecoder(make: () => TextDecoder): TextDecoder | null {
  try {
    const td = make();
    const b80 = td.decode(Uint8Array.of(0x80));
    return (b80 === '\uFFFD' || b80 === '\u0080') && probeDigest((b) => td.decode(b)) === VERIFIED_PROBE_SHA256 ? td : null;
  } catch {
    // No Shift_JIS in this build's ICU (small-icu throws RangeError): iconv-lite does all the work.
    return null;
  }
}

let decoder: TextDecoder | null | undefined;

/** This runtime's TextDecoder('shift_jis') if it passes the probe, else null. Probed once per process (about 4 ms of CPU). */
export function fastShiftJis(): TextDecoder | null {
  if (decoder === undefined) decoder = probedDecoder(() => new TextDecoder('shift_jis'));
  return decoder;
}

/**
 * Decodes a piece that starts and ends on character boundaries with TextDecoder, or returns null
 * when the piece has a byte where the two decoders may differ (then iconv-lite decodes it).
 */
export function decodeFast(td: TextDecoder, piece: Uint8Array): string | null {
  for (const b of SWAPPED_CONTROLS) if (piece.indexOf(b) !== -1) return null;
  const text = td.decode(piece);
  return text.indexOf('\uFFFD') === -1 ? text : null;
}
