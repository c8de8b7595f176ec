import { describe, expect, it } from 'vitest';
import { BerError, BerReader, contextTag, indefinite, octetString, oid, oidText, sequence, TAG, tlv, toBuffer } from './der.js';

describe('BER reader', () => {
  it('reads definite lengths in every form the writer makes', () => {
    for (const size of [0, 1, 127, 128, 255, 256, 65_535, 65_536, 16 * 1024 * 1024 + 1]) {
      const body = Buffer.alloc(size, 7);
      const encoded = toBuffer(sequence(octetString(body)));
      const r = new BerReader(encoded);
      const outer = r.expect(0, TAG.SEQUENCE);
      expect(outer.end).toBe(encoded.length);
      const [inner] = r.children(outer);
      expect(r.octets(inner!).equals(body)).toBe(true);
    }
  });

  it('reads indefinite lengths nested inside each other, and OCTET STRINGs in pieces, pieces in pieces', () => {
    const piecewise = indefinite(TAG.OCTET_STRING | 0x20, octetString(Buffer.from('ab')), indefinite(TAG.OCTET_STRING | 0x20, octetString(Buffer.from('cd'))), octetString(Buffer.from('e')));
    const encoded = toBuffer(indefinite(TAG.SEQUENCE, tlv(TAG.INTEGER, Buffer.from([1])), indefinite(contextTag(0), piecewise), sequence()));
    const r = new BerReader(encoded);
    const outer = r.read(0);
    expect(outer.end).toBe(encoded.length);
    const children = r.children(outer);
    expect(children.map((c) => c.tag)).toEqual([TAG.INTEGER, contextTag(0), TAG.SEQUENCE]);
    expect(r.octets(r.children(children[1]!)[0]!).toString()).toBe('abcde');
  });

  it('reads 200,000 pieces (asn1js stops at 10,000 nodes) with the right bytes', () => {
    const bytes = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i & 0xff));
    const parts = Buffer.concat(Array.from({ length: bytes.length }, (_, i) => toBuffer(octetString(bytes.subarray(i, i + 1)))));
    const encoded = toBuffer(indefinite(TAG.OCTET_STRING | 0x20, parts));
    const r = new BerReader(encoded);
    expect(r.octets(r.read(0)).equals(bytes)).toBe(true);
  });

  it('refuses truncation, a missing end-of-contents, indefinite primitives and nesting past the cap', () => {
    const good = toBuffer(sequence(octetString(Buffer.from('hello'))));
    const bad = (bytes: Buffer) => () => {
      const r = new BerReader(bytes);
      const t = r.read(0);
      if (t.constructed) r.children(t).forEach((c) => r.children(c));
    };
    for (let cut = 0; cut < good.length; cut++) expect(bad(good.subarray(0, cut))).toThrow(BerError);
    expect(bad(Buffer.from([0x30, 0x80, 0x04, 0x01, 0x41]))).toThrow(/end-of-contents|truncated/);
    expect(bad(Buffer.from([0x04, 0x80, 0x00, 0x00]))).toThrow(/primitive/);
    expect(bad(Buffer.from([0x30, 0x85, 1, 0, 0, 0, 0]))).toThrow(/length too large/);
    const deep = Buffer.concat([Buffer.alloc(2 * 70, 0).map((_, i) => (i % 2 ? 0x80 : 0x30)), Buffer.alloc(2 * 70, 0)]);
    expect(bad(deep)).toThrow(/deeply/);
  });

  it('round-trips OBJECT IDENTIFIERs', () => {
    for (const id of ['1.2.840.113549.1.7.3', '2.16.840.1.101.3.4.1.42', '1.3.14.3.2.26', '2.5.29.14', '2.999.1']) {
      const encoded = oid(id);
      expect(encoded[0]).toBe(TAG.OID);
      expect(oidText(encoded.subarray(2))).toBe(id);
    }
    expect(() => oidText(Buffer.from([0x2a, 0x86]))).toThrow(BerError);
  });
});
