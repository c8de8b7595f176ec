// MS932 (Windows-31J). The reference is iconv-lite, whose "shift_jis" table is Microsoft's CP932 —
// with two repairs. iconv-lite's streaming decoder can drop a character after a lead byte split
// across chunks, so text is decoded in pieces that end right after a byte that cannot be a lead
// byte: there no character is ever pending, and the result is the same however the file is chunked.
// And its table stops the user-defined area (外字, F040–F9FC) at F940, so gaiji are mapped to the
// Private Use Area here, as Windows does.
// The same self-contained pieces let a faster decoder take most of the work (ms932Fast.ts): a piece
// that TextDecoder might decode differently is decoded again by iconv-lite, on its own, with no
// decoder state to unwind. iconv-lite builds its CP932 table on first use (about 25 ms), so a file
// that never needs it — the usual case — never pays for it.
import { createRequire } from 'node:module';
import type iconvLite from 'iconv-lite';
import { LocalizedError } from '../../shared/errors.js';
import type { DecoderFactory, StreamDecoder } from '../../shared/validator/index.js';
import { decodeFast, fastShiftJis } from './ms932Fast.js';

const isLead = (b: number) => (b >= 0x81 && b <= 0x9f) || (b >= 0xe0 && b <= 0xfc);
const isTrail = (b: number) => (b >= 0x40 && b <= 0x7e) || (b >= 0x80 && b <= 0xfc);

/** Bytes held back at most while looking for a clean place to cut (only lead-range bytes are held). */
const MAX_CARRY = 1 << 20;

/** Windows maps F040–F9FC to U+E000–U+E757, 188 characters per lead byte. */
function gaiji(lead: number, trail: number): string {
  return String.fromCharCode(0xe000 + (lead - 0xf0) * 188 + (trail - 0x40 - (trail >= 0x80 ? 1 : 0)));
}

let iconvLib: typeof iconvLite | undefined;

/**
 * iconv-lite, loaded on first use: most files never need it (the fast path decodes them), and
 * importing it as ESM costs about 10 ms of CPU (the CommonJS export scan included) at every start
 * of `careplan-link check`. A CommonJS require is synchronous, which the decoder needs. Where this
 * file is bundled as CommonJS (the Electron app, which ships no node_modules), `require` exists and
 * esbuild bundles the literal require('iconv-lite'); in Node's ESM it does not, and createRequire loads it.
 */
function iconv(): typeof iconvLite {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above: the bundle needs the literal require
  iconvLib ??= (typeof require === 'function' ? require('iconv-lite') : createRequire(import.meta.url)('iconv-lite')) as typeof iconvLite;
  return iconvLib;
}

const decodeSegment = (b: Buffer) => (b.length === 0 ? '' : iconv().decode(b, 'cp932'));

/** Decodes a piece that starts and ends on character boundaries. */
function decodePiece(buf: Buffer): string {
  // Fast path: no byte F0–F9 at all means no gaiji.
  let maybeGaiji = false;
  for (let v = 0xf0; v <= 0xf9 && !maybeGaiji; v++) maybeGaiji = buf.indexOf(v) !== -1;
  if (!maybeGaiji) return decodeSegment(buf);
  let out = '';
  let segment = 0;
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    const t = buf[i + 1];
    if (!isLead(b) || t === undefined || !isTrail(t)) {
      i++;
      continue;
    }
    if (b >= 0xf0 && b <= 0xf9) {
      out += decodeSegment(buf.subarray(segment, i)) + gaiji(b, t);
      segment = i + 2;
    }
    i += 2;
  }
  return out + decodeSegment(buf.subarray(segment));
}

/** Cuts the byte stream into self-contained pieces and decodes each with `decode`. */
function pieceDecoder(decode: (piece: Buffer) => string): StreamDecoder {
  let carry: Buffer | null = null;
  return {
    write(bytes) {
      let buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (carry) {
        buf = Buffer.concat([carry, buf]);
        carry = null;
      }
      let cut = buf.length - 1;
      while (cut >= 0 && isLead(buf[cut]!)) cut--;
      if (cut < 0 && buf.length < MAX_CARRY) {
        carry = Buffer.from(buf);
        return '';
      }
      if (cut < 0) cut = buf.length - 1;
      if (cut < buf.length - 1) carry = Buffer.from(buf.subarray(cut + 1));
      return decode(buf.subarray(0, cut + 1));
    },
    end() {
      if (!carry) return '';
      const rest = carry;
      carry = null;
      return decode(rest);
    },
  };
}

/** MS932 through iconv-lite alone: the reference the fast path is held to (tests, benchmarks). */
export const decodeMs932Iconv: DecoderFactory = () => pieceDecoder(decodePiece);

/** MS932 as the validator reads it: TextDecoder where it gives the same text, iconv-lite elsewhere. */
export const decodeMs932: DecoderFactory = () => {
  const td = fastShiftJis();
  if (!td) return pieceDecoder(decodePiece);
  return pieceDecoder((piece) => (piece.length === 0 ? '' : (decodeFast(td, piece) ?? decodePiece(piece))));
};

export class UnencodableTextError extends LocalizedError {
  override name = 'UnencodableTextError';
  constructor(readonly character: string) {
    const codePoint = `U+${character.codePointAt(0)!.toString(16).toUpperCase()}`;
    super('ms932_unencodable', { ja: 'MS932 で表せない文字があります', en: `not representable in MS932: ${character} (${codePoint})` });
  }
}

/** Encodes text as MS932 and refuses characters that iconv-lite would silently turn into "?". */
export function encodeMs932(text: string): Buffer {
  const bytes = iconv().encode(text, 'cp932');
  const back = iconv().decode(bytes, 'cp932');
  if (back !== text) {
    const a = [...text];
    const b = [...back];
    const i = a.findIndex((ch, k) => ch !== b[k]);
    throw new UnencodableTextError(a[i] ?? '?');
  }
  return bytes;
}
