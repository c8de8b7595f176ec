// A minimal BER reader and DER writer for the few structures pki/ makes and reads (CMS, X.509
// fields). Why not asn1js/PKI.js: they build one object per ASN.1 node and stop at 10,000 nodes, so
// a large envelope (its ciphertext split in 1,024-byte pieces) was refused as malformed, and their
// schema parsing was a third of the cost of opening a small one. This reader builds nothing: an
// element is a set of offsets into the caller's buffer, and contents are subarrays (no copies),
// so any size is read in time linear in the number of elements, with the nesting depth capped.

/** Thrown for input that is not well-formed BER; the message names the problem, never the bytes. */
export class BerError extends Error {
  override name = 'BerError';
}

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** The identifier octet of a context-specific tag [n] (constructed unless said otherwise). */
export function contextTag(n: number, constructed = true): number {
  return 0x80 | (constructed ? 0x20 : 0) | n;
}

/** Nesting deeper than this is refused: CMS needs about 12 levels; the cap bounds work on hostile input. */
const MAX_DEPTH = 64;

/** One element, as offsets into the buffer it was read from. */
export interface Tlv {
  /** The identifier octet (low-tag-number form only; CMS and X.509 need no other). */
  tag: number;
  constructed: boolean;
  start: number;
  contentStart: number;
  /** Where the contents end: for the indefinite-length form, the offset of the end-of-contents octets. */
  contentEnd: number;
  /** The offset after the element. */
  end: number;
}

export class BerReader {
  /** Ends of indefinite-length elements by content start, found in one scan and reused. */
  readonly #indefiniteEnds = new Map<number, number>();

  constructor(readonly buf: Buffer) {}

  /** Reads the element at `offset`, which must end by `limit`. */
  read(offset: number, limit = this.buf.length): Tlv {
    const { tag, contentStart, length } = this.#header(offset, limit);
    const constructed = (tag & 0x20) !== 0;
    if (length === null) {
      if (!constructed) throw new BerError('indefinite length on a primitive element');
      const end = this.#indefiniteEnd(contentStart, limit);
      return { tag, constructed, start: offset, contentStart, contentEnd: end - 2, end };
    }
    return { tag, constructed, start: offset, contentStart, contentEnd: contentStart + length, end: contentStart + length };
  }

  /** Reads the element at `offset` and checks its tag. */
  expect(offset: number, tag: number, limit = this.buf.length): Tlv {
    const t = this.read(offset, limit);
    if (t.tag !== tag) throw new BerError(`expected tag 0x${tag.toString(16)}, found 0x${t.tag.toString(16)}`);
    return t;
  }

  children(parent: Tlv): Tlv[] {
    if (!parent.constructed) throw new BerError('a primitive element has no children');
    const out: Tlv[] = [];
    for (let p = parent.contentStart; p < parent.contentEnd; ) {
      const child = this.read(p, parent.contentEnd);
      out.push(child);
      p = child.end;
    }
    return out;
  }

  /** The contents of a primitive element, without copying. */
  content(t: Tlv): Buffer {
    if (t.constructed) throw new BerError('expected a primitive element');
    return this.buf.subarray(t.contentStart, t.contentEnd);
  }

  /** The whole encoding of an element (identifier, length, contents), without copying. */
  raw(t: Tlv): Buffer {
    return this.buf.subarray(t.start, t.end);
  }

  /**
   * The bytes of an OCTET STRING (or of an implicitly tagged one): primitive, or constructed from
   * pieces as BER allows (PKI.js writes its ciphertext in 1,024-byte pieces). One copy at most.
   */
  octets(t: Tlv): Buffer {
    if (!t.constructed) return this.content(t);
    const pieces: Buffer[] = [];
    const pending: { t: Tlv; depth: number }[] = [{ t, depth: 0 }];
    while (pending.length) {
      const { t: item, depth } = pending.pop()!;
      if (!item.constructed) {
        pieces.push(this.content(item));
        continue;
      }
      if (depth >= MAX_DEPTH) throw new BerError('OCTET STRING nested too deeply');
      const parts = this.children(item);
      for (let i = parts.length - 1; i >= 0; i--) {
        if (parts[i]!.tag !== TAG.OCTET_STRING && parts[i]!.tag !== (TAG.OCTET_STRING | 0x20)) throw new BerError('a piece of an OCTET STRING is not an OCTET STRING');
        pending.push({ t: parts[i]!, depth: depth + 1 });
      }
    }
    return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
  }

  #header(offset: number, limit: number): { tag: number; contentStart: number; length: number | null } {
    const b = this.buf;
    if (offset + 2 > limit) throw new BerError('truncated');
    const tag = b[offset]!;
    if ((tag & 0x1f) === 0x1f) throw new BerError('high tag numbers are not supported');
    const first = b[offset + 1]!;
    if (first < 0x80) return this.#checked(tag, offset + 2, first, limit);
    if (first === 0x80) return { tag, contentStart: offset + 2, length: null };
    const n = first & 0x7f;
    if (n > 4) throw new BerError('length too large');
    if (offset + 2 + n > limit) throw new BerError('truncated');
    let length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + b[offset + 2 + i]!;
    return this.#checked(tag, offset + 2 + n, length, limit);
  }

  #checked(tag: number, contentStart: number, length: number, limit: number): { tag: number; contentStart: number; length: number } {
    if (contentStart + length > limit) throw new BerError('truncated');
    return { tag, contentStart, length };
  }

  /**
   * Finds where an indefinite-length element ends by walking its contents once, with a stack
   * instead of recursion; the ends of the indefinite elements met inside are remembered too, so a
   * later read of them costs nothing.
   */
  #indefiniteEnd(contentStart: number, limit: number): number {
    const known = this.#indefiniteEnds.get(contentStart);
    if (known !== undefined) return known;
    const b = this.buf;
    const open = [contentStart];
    let p = contentStart;
    while (open.length) {
      if (p + 2 > limit) throw new BerError('truncated: end-of-contents missing');
      if (b[p] === 0 && b[p + 1] === 0) {
        p += 2;
        this.#indefiniteEnds.set(open.pop()!, p);
        continue;
      }
      const h = this.#header(p, limit);
      if (h.length !== null) {
        p = h.contentStart + h.length;
        continue;
      }
      if ((h.tag & 0x20) === 0) throw new BerError('indefinite length on a primitive element');
      const inner = this.#indefiniteEnds.get(h.contentStart);
      if (inner !== undefined) {
        p = inner;
        continue;
      }
      if (open.length >= MAX_DEPTH) throw new BerError('nested too deeply');
      open.push(h.contentStart);
      p = h.contentStart;
    }
    return p;
  }
}

/** Dotted text of an OBJECT IDENTIFIER's contents. */
export function oidText(content: Buffer): string {
  if (content.length === 0) throw new BerError('empty OBJECT IDENTIFIER');
  const arcs: number[] = [];
  let value = 0;
  for (const byte of content) {
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new BerError('OBJECT IDENTIFIER arc too large');
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  if (content[content.length - 1]! & 0x80) throw new BerError('OBJECT IDENTIFIER cut short');
  return arcs.join('.');
}

// ── writing (DER; and BER's indefinite form where the bytes must match what PKI.js wrote) ──

/** An encoding under construction: pieces joined once at the end, so large contents are copied once. */
export interface Encoded {
  parts: Buffer[];
  length: number;
}

type Piece = Encoded | Buffer;

function pieces(items: Piece[]): Encoded {
  const parts: Buffer[] = [];
  let length = 0;
  for (const item of items) {
    if (Buffer.isBuffer(item)) {
      parts.push(item);
      length += item.length;
    } else {
      for (const p of item.parts) parts.push(p);
      length += item.length;
    }
  }
  return { parts, length };
}

function lengthOctets(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** Identifier, definite length and contents. */
export function tlv(tag: number, ...contents: Piece[]): Encoded {
  const body = pieces(contents);
  const header = Buffer.concat([Buffer.from([tag]), lengthOctets(body.length)]);
  return { parts: [header, ...body.parts], length: header.length + body.length };
}

const END_OF_CONTENTS = Buffer.from([0, 0]);

/** Identifier, the indefinite-length octet, contents and the end-of-contents octets. */
export function indefinite(tag: number, ...contents: Piece[]): Encoded {
  return pieces([Buffer.from([tag, 0x80]), ...contents, END_OF_CONTENTS]);
}

export const sequence = (...contents: Piece[]): Encoded => tlv(TAG.SEQUENCE, ...contents);
export const octetString = (bytes: Buffer): Encoded => tlv(TAG.OCTET_STRING, bytes);
export const DER_NULL = Buffer.from([TAG.NULL, 0]);

/** A small non-negative INTEGER (versions). */
export function smallInteger(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > 127) throw new RangeError('smallInteger takes 0..127');
  return Buffer.from([TAG.INTEGER, 1, n]);
}

/** The full encoding of an OBJECT IDENTIFIER. */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const body: number[] = [];
  const push = (v: number) => {
    const bytes = [v & 0x7f];
    for (v = Math.floor(v / 128); v > 0; v = Math.floor(v / 128)) bytes.unshift((v & 0x7f) | 0x80);
    body.push(...bytes);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  for (const arc of arcs.slice(2)) push(arc);
  return Buffer.from([TAG.OID, body.length, ...body]);
}

export function toBuffer(e: Encoded): Buffer {
  return Buffer.concat(e.parts, e.length);
}
