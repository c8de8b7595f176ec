// The MS932 fast path (TextDecoder where it agrees with iconv-lite) must give exactly the text of
// the iconv-lite decoder, byte string for byte string and however the bytes are chunked.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDecoder } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../paths.js';
import { decodeMs932, decodeMs932Iconv } from './ms932.js';
import { fastShiftJis, probeBytes, probeDigest, probedDecoder, reduceSegment, VERIFIED_PROBE_SHA256 } from './ms932Fast.js';

const whole = (factory: typeof decodeMs932, bytes: Uint8Array) => {
  const d = factory();
  return d.write(bytes) + d.end();
};
const iconvText = (bytes: Uint8Array) => whole(decodeMs932Iconv, bytes);
const hex = (s: string) => [...s].map((c) => c.codePointAt(0)!.toString(16).padStart(4, '0')).join(' ');

describe('TextDecoder shift_jis against iconv-lite (what the fast path relies on)', () => {
  const td = new TextDecoder('shift_jis');

  it('exists in this Node and passes the probe, so the fast path is on', () => {
    expect(fastShiftJis()).not.toBeNull();
    expect(probeDigest((b) => td.decode(b))).toBe(VERIFIED_PROBE_SHA256);
  });

  it('the probe is sound: every segment TextDecoder decodes without U+FFFD decodes the same through iconv-lite', () => {
    const bytes = probeBytes();
    const segments: Uint8Array[] = [];
    for (let at = 0; at < bytes.length; ) {
      const end = bytes.indexOf(0x0a, at);
      segments.push(bytes.subarray(at, end));
      at = end + 1;
    }
    expect(segments.length).toBe(60 * 255 + 256 - 5);
    let taken = 0;
    for (const seg of segments) {
      const fast = reduceSegment(td.decode(seg));
      if (fast === '\uFFFD') continue;
      taken++;
      expect(hex(fast), `bytes ${Buffer.from(seg).toString('hex')}`).toBe(hex(iconvText(seg)));
    }
    // 9,604 assigned pairs (with the user-defined area) and the singles but the two-byte leads.
    expect(taken).toBe(9604 + 256 - 5 - 60 - 4);
    // Segments stay apart inside the one probe text: what is hashed is what was checked here.
    const reduced = td.decode(bytes).replace(/[^\n]*\uFFFD[^\n]*/g, '\uFFFD');
    expect(reduced).toBe(segments.map((s) => reduceSegment(td.decode(s))).join('\n') + '\n');
  });

  it('the known differences: swapped controls, 0x80, resynchronisation after a bad pair', () => {
    for (const [b, tdCode] of [[0x1a, 0x1c], [0x1c, 0x7f], [0x7f, 0x1a]] as const) {
      expect(td.decode(Uint8Array.of(b)).charCodeAt(0)).toBe(tdCode);
      expect(iconvText(Uint8Array.of(b)).charCodeAt(0)).toBe(b);
      expect(whole(decodeMs932, Uint8Array.of(0x41, b, 0x42))).toBe(`A${String.fromCharCode(b)}B`);
    }
    expect(td.decode(Uint8Array.of(0x80))).toBe('\uFFFD');
    expect(iconvText(Uint8Array.of(0x80))).toBe('\u0080');
    // 0x83 0x97 is unassigned: iconv-lite reads 0x97 again as a lead (0x9741 = 酸), ICU swallows it.
    expect(hex(iconvText(Uint8Array.of(0x83, 0x97, 0x41)))).toBe('fffd 8f38');
    expect(hex(td.decode(Uint8Array.of(0x83, 0x97, 0x41)))).toBe('fffd 0041');
    expect(hex(whole(decodeMs932, Uint8Array.of(0x83, 0x97, 0x41)))).toBe('fffd 8f38');
  });

  it('agrees where the fast path takes the text: NEC and IBM extensions, the user-defined area', () => {
    const cases: [number[], string][] = [
      [[0x87, 0x40], '①'],
      [[0xed, 0x40], '纊'],
      [[0xfa, 0x40], 'ⅰ'],
      [[0x81, 0x60], '～'],
      [[0xf0, 0x40], '\ue000'],
      [[0xf9, 0xfc], '\ue757'],
    ];
    for (const [bytes, text] of cases) {
      expect(td.decode(Uint8Array.from(bytes))).toBe(text);
      expect(whole(decodeMs932, Uint8Array.from(bytes))).toBe(text);
      expect(iconvText(Uint8Array.from(bytes))).toBe(text);
    }
  });
});

describe('the fast path falls back to iconv-lite', () => {
  it('when TextDecoder has no Shift_JIS (small-icu builds throw)', () => {
    expect(
      probedDecoder(() => {
        throw new RangeError('The "shift_jis" encoding is not supported');
      }),
    ).toBeNull();
  });

  it('when TextDecoder decodes the probe differently', () => {
    const other = new TextDecoder('utf-8');
    expect(probedDecoder(() => other)).toBeNull();
    const shifted = { decode: (b?: Uint8Array) => new TextDecoder('shift_jis').decode(b).replace('①', '?') } as TextDecoder;
    expect(probedDecoder(() => shifted)).toBeNull();
  });
});

/** Bytes weighted toward what matters to the two decoders: leads, trails, the user-defined area, the risky bytes. */
const byte = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0x81, max: 0x9f }) },
  { weight: 3, arbitrary: fc.integer({ min: 0xe0, max: 0xfc }) },
  { weight: 4, arbitrary: fc.integer({ min: 0x40, max: 0xfc }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xf0, max: 0xf9 }) },
  { weight: 2, arbitrary: fc.constantFrom(0x1a, 0x1c, 0x7f, 0x80, 0xa0, 0xfd, 0xfe, 0xff, 0x0a, 0x0d, 0x22, 0x2c) },
  { weight: 2, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xff }) },
);

/** Mostly well-formed text: valid pairs in a run, with the odd risky byte among them. */
const mostlyValid = fc.array(
  fc.oneof(
    { weight: 8, arbitrary: fc.tuple(fc.integer({ min: 0x88, max: 0x9f }), fc.integer({ min: 0x80, max: 0xfc })) },
    { weight: 4, arbitrary: fc.tuple(fc.constant(0x82), fc.integer({ min: 0x9f, max: 0xf1 })) },
    { weight: 4, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((b) => [b]) },
    { weight: 1, arbitrary: byte.map((b) => [b]) },
  ),
  { maxLength: 400 },
).map((parts) => Uint8Array.from(parts.flat()));

function chunked(bytes: Uint8Array, cuts: number[]): string {
  const d = decodeMs932();
  let out = '';
  let prev = 0;
  for (const c of [...new Set(cuts.map((x) => x % (bytes.length + 1)))].sort((a, b) => a - b)) {
    out += d.write(bytes.subarray(prev, c));
    prev = c;
  }
  return out + d.write(bytes.subarray(prev)) + d.end();
}

describe('fast path = iconv-lite on random bytes', () => {
  it('decoded at once', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(byte, { maxLength: 600 }), (raw, weighted) => {
        for (const b of [raw, Uint8Array.from(weighted)]) expect(hex(whole(decodeMs932, b))).toBe(hex(iconvText(b)));
      }),
      { numRuns: 400 },
    );
  });

  it('split at random points', () => {
    fc.assert(
      fc.property(fc.oneof(mostlyValid, fc.array(byte, { maxLength: 600 }).map((a) => Uint8Array.from(a))), fc.array(fc.nat(), { maxLength: 8 }), (bytes, cuts) => {
        expect(hex(chunked(bytes, cuts))).toBe(hex(iconvText(bytes)));
      }),
      { numRuns: 600 },
    );
  });

  it('every fixture file', () => {
    const root = join(packageRoot(), 'fixtures');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => /\.csv$/i.test(f));
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      const bytes = readFileSync(join(root, f));
      expect(whole(decodeMs932, bytes), f).toBe(iconvText(bytes));
      expect(chunked(bytes, [1, 7, 100, 1000]), f).toBe(iconvText(bytes));
    }
  });
});
