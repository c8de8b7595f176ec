// CMS SignedData (RFC 5652 §5) as bytes: written in exactly the layout node-forge wrote before (so
// signatures are byte-for-byte what they were, and every receiver reads them as before), and read
// back taking only the fields verification needs. No policy here: cms.ts decides what is valid.
import { BerError, BerReader, contextTag, DER_NULL, octetString, oid, oidText, sequence, smallInteger, TAG, tlv, toBuffer, type Tlv } from './der.js';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256: '2.16.840.1.101.3.4.2.1',
} as const;

const SHA256_ALGORITHM = sequence(oid(OID.sha256), DER_NULL);
const RSA_ALGORITHM = sequence(oid(OID.rsaEncryption), DER_NULL);

// ── writing ──────────────────────────────────────────────────────────────────

const JAN_1_1950 = Date.UTC(1950, 0, 1);
const JAN_1_2050 = Date.UTC(2050, 0, 1);

/** UTCTime from 1950 to 2049, GeneralizedTime outside (RFC 5652 §11.3), whole seconds, Z. */
function timeOf(date: Date): Buffer {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z';
  const utc = date.getTime() >= JAN_1_1950 && date.getTime() < JAN_1_2050;
  return toBuffer(utc ? tlv(TAG.UTC_TIME, Buffer.from(digits.slice(2), 'ascii')) : tlv(TAG.GENERALIZED_TIME, Buffer.from(digits, 'ascii')));
}

/**
 * The signed attributes as the SET the signature covers: contentType (data), messageDigest,
 * signingTime — in this order, which is forge's (a DER SET OF would sort them; OpenSSL and PKI.js
 * verify over the bytes as sent, so the order is kept to keep signatures identical to before).
 */
export function signedAttributes(digest: Buffer, signingTime: Date): Buffer {
  return toBuffer(
    tlv(
      TAG.SET,
      sequence(oid(OID.contentType), tlv(TAG.SET, oid(OID.data))),
      sequence(oid(OID.messageDigest), tlv(TAG.SET, octetString(digest))),
      sequence(oid(OID.signingTime), tlv(TAG.SET, timeOf(signingTime))),
    ),
  );
}

export interface SignedDataParts {
  /** Carried inside when given; a detached signature omits it. */
  content: Buffer | null;
  /** From signedAttributes(). */
  attributes: Buffer;
  /** RSA PKCS#1 v1.5 signature over `attributes`. */
  signature: Buffer;
  /** DER of the signer's certificate, then of the chain. */
  certificates: Buffer[];
  /** The signer certificate's issuer Name encoding and serialNumber contents. */
  issuer: Buffer;
  serial: Buffer;
}

export function encodeSignedData(p: SignedDataParts): Buffer {
  // In SignerInfo the attributes are [0] IMPLICIT: the same bytes with another identifier octet.
  const implicitAttributes = Buffer.from(p.attributes);
  implicitAttributes[0] = contextTag(0);
  const signerInfo = sequence(smallInteger(1), sequence(p.issuer, tlv(TAG.INTEGER, p.serial)), SHA256_ALGORITHM, implicitAttributes, RSA_ALGORITHM, octetString(p.signature));
  const encapsulated = p.content ? sequence(oid(OID.data), tlv(contextTag(0), octetString(p.content))) : sequence(oid(OID.data));
  const signedData = sequence(smallInteger(1), tlv(TAG.SET, SHA256_ALGORITHM), encapsulated, tlv(contextTag(0), ...p.certificates), tlv(TAG.SET, signerInfo));
  return toBuffer(sequence(oid(OID.signedData), tlv(contextTag(0), signedData)));
}

// ── reading ──────────────────────────────────────────────────────────────────

export type SignerId = { kind: 'issuer-serial'; issuer: Buffer; serial: Buffer } | { kind: 'key-id'; keyId: Buffer };

export interface ParsedSignerInfo {
  sid: SignerId;
  digestAlgorithm: string;
  /** The signed attributes re-tagged as the SET the signature covers; null without attributes. */
  signedAttributes: Buffer | null;
  /** First value of each signed attribute, by type. */
  attributes: Map<string, { tag: number; content: Buffer }>;
  signatureAlgorithm: string;
  signature: Buffer;
}

export interface ParsedSignedData {
  /** The ContentInfo's content type (callers refuse anything but SignedData). */
  contentType: string;
  eContentType: string;
  eContent: Buffer | null;
  /** DER of each certificate carried (other certificate choices are skipped). */
  certificates: Buffer[];
  signerInfos: ParsedSignerInfo[];
}

/** Reads a ContentInfo holding SignedData; throws BerError (or Error) for anything malformed. */
export function parseSignedData(bytes: Buffer): ParsedSignedData {
  const r = new BerReader(bytes);
  // Bytes after the ContentInfo are ignored, as PKI.js and OpenSSL ignore them.
  const ci = r.expect(0, TAG.SEQUENCE);
  const [typeTlv, wrapped] = r.children(ci);
  const contentType = oidOf(r, typeTlv);
  if (contentType !== OID.signedData) return { contentType, eContentType: '', eContent: null, certificates: [], signerInfos: [] };
  const sd = only(r, wrapped, contextTag(0), TAG.SEQUENCE);
  const fields = r.children(sd);
  let i = 0;
  need(fields[i++], TAG.INTEGER, 'version');
  need(fields[i++], TAG.SET, 'digestAlgorithms');
  const encap = need(fields[i++], TAG.SEQUENCE, 'encapContentInfo');
  const [eTypeTlv, eWrapped] = r.children(encap);
  const eContentType = oidOf(r, eTypeTlv);
  const eContent = eWrapped ? r.octets(octetStringIn(r, eWrapped)) : null;
  const certificates: Buffer[] = [];
  if (fields[i]?.tag === contextTag(0)) {
    for (const c of r.children(fields[i++]!)) if (c.tag === TAG.SEQUENCE) certificates.push(r.raw(c));
  }
  if (fields[i]?.tag === contextTag(1)) i++; // CRLs: not used
  const signerSet = need(fields[i], TAG.SET, 'signerInfos');
  return { contentType, eContentType, eContent, certificates, signerInfos: r.children(signerSet).map((s) => signerInfo(r, s)) };
}

function signerInfo(r: BerReader, si: Tlv): ParsedSignerInfo {
  const f = r.children(need(si, TAG.SEQUENCE, 'SignerInfo'));
  let i = 1; // after version
  const sidTlv = f[i++];
  let sid: SignerId;
  if (sidTlv?.tag === TAG.SEQUENCE) {
    const [issuer, serial] = r.children(sidTlv);
    sid = { kind: 'issuer-serial', issuer: r.raw(need(issuer, TAG.SEQUENCE, 'issuer')), serial: r.content(need(serial, TAG.INTEGER, 'serialNumber')) };
  } else if (sidTlv?.tag === contextTag(0, false) || sidTlv?.tag === contextTag(0)) {
    sid = { kind: 'key-id', keyId: r.octets(sidTlv) };
  } else {
    throw new BerError('signer identifier unreadable');
  }
  const digestAlgorithm = algorithmOf(r, f[i++]);
  let signedAttributes: Buffer | null = null;
  const attributes = new Map<string, { tag: number; content: Buffer }>();
  if (f[i]?.tag === contextTag(0)) {
    const attrs = f[i++]!;
    // The signature covers the DER of the attributes as a SET (tag 0x31), not as the [0] field.
    signedAttributes = Buffer.from(r.raw(attrs));
    signedAttributes[0] = TAG.SET;
    for (const a of r.children(attrs)) {
      const [type, values] = r.children(need(a, TAG.SEQUENCE, 'Attribute'));
      const id = oidOf(r, type);
      const first = r.children(need(values, TAG.SET, 'attribute values'))[0];
      if (first && !attributes.has(id)) attributes.set(id, { tag: first.tag, content: first.constructed ? r.raw(first) : r.content(first) });
    }
  }
  const signatureAlgorithm = algorithmOf(r, f[i++]);
  const signature = r.content(need(f[i], TAG.OCTET_STRING, 'signature'));
  return { sid, digestAlgorithm, signedAttributes, attributes, signatureAlgorithm, signature };
}

function need(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) throw new BerError(`${what} missing or of the wrong type`);
  return t;
}

/** The single element inside an explicit tag, checked against `innerTag` when given. */
function only(r: BerReader, t: Tlv | undefined, tag: number, innerTag?: number): Tlv {
  const inner = r.children(need(t, tag, `[${tag & 0x1f}]`))[0];
  if (!inner || (innerTag !== undefined && inner.tag !== innerTag)) throw new BerError('tagged content missing');
  return inner;
}

/** The OCTET STRING inside an explicit [0] (primitive, or constructed from pieces). */
export function octetStringIn(r: BerReader, t: Tlv): Tlv {
  const inner = only(r, t, contextTag(0));
  if (inner.tag !== TAG.OCTET_STRING && inner.tag !== (TAG.OCTET_STRING | 0x20)) throw new BerError('expected an OCTET STRING');
  return inner;
}

function oidOf(r: BerReader, t: Tlv | undefined): string {
  return oidText(r.content(need(t, TAG.OID, 'OBJECT IDENTIFIER')));
}

function algorithmOf(r: BerReader, t: Tlv | undefined): string {
  return oidOf(r, r.children(need(t, TAG.SEQUENCE, 'AlgorithmIdentifier'))[0]);
}

/** A UTCTime or GeneralizedTime attribute value as a Date; null when it cannot be read. */
export function timeValue(v: { tag: number; content: Buffer }): Date | null {
  const text = v.content.toString('latin1');
  const m = v.tag === TAG.UTC_TIME ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(text) : v.tag === TAG.GENERALIZED_TIME ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d+)?Z$/.exec(text) : null;
  if (!m) return null;
  let year = Number(m[1]);
  if (v.tag === TAG.UTC_TIME) year += year < 50 ? 2000 : 1900;
  const t = Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
  return Number.isNaN(t) ? null : new Date(t);
}
