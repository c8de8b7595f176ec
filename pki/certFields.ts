// The X.509 fields CMS needs that Node's X509Certificate does not give as bytes: the issuer name
// and serial number exactly as encoded (a CMS signer or recipient names its certificate by them),
// the subject key identifier, and the key-usage bits. Read once per certificate with der.ts.
import { BerReader, contextTag, oidText, TAG, type Tlv } from './der.js';

const OID_SUBJECT_KEY_IDENTIFIER = '2.5.29.14';
const OID_KEY_USAGE = '2.5.29.15';

export interface CertificateFields {
  /** The issuer Name, whole encoding (SEQUENCE …). */
  issuer: Buffer;
  /** The serialNumber INTEGER's contents (two's complement, as encoded). */
  serial: Buffer;
  /** The subjectKeyIdentifier extension's key identifier, or null without one. */
  subjectKeyIdentifier: Buffer | null;
  /** The keyUsage BIT STRING's bits (first octet first, unused-bits octet removed), or null without one. */
  keyUsageBits: Buffer | null;
}

export function certificateFields(der: Buffer): CertificateFields {
  const r = new BerReader(der);
  const cert = r.expect(0, TAG.SEQUENCE);
  const tbs = r.children(cert)[0];
  if (!tbs || tbs.tag !== TAG.SEQUENCE) throw new Error('certificate without tbsCertificate');
  const fields = r.children(tbs);
  // version is [0] EXPLICIT and absent for v1 certificates.
  const at = fields[0]?.tag === contextTag(0) ? 1 : 0;
  const serial = fields[at];
  const issuer = fields[at + 2];
  if (serial?.tag !== TAG.INTEGER || issuer?.tag !== TAG.SEQUENCE) throw new Error('certificate fields out of order');
  const extensions = fields.find((f) => f.tag === contextTag(3));
  let subjectKeyIdentifier: Buffer | null = null;
  let keyUsageBits: Buffer | null = null;
  if (extensions) {
    const list = r.children(extensions)[0];
    for (const ext of list ? r.children(list) : []) {
      const parts = r.children(ext);
      const id = oidText(r.content(parts[0]!));
      // extnValue is the last part (critical BOOLEAN may sit between); it wraps the DER of the value.
      const value = r.content(parts[parts.length - 1]!);
      if (id === OID_SUBJECT_KEY_IDENTIFIER) subjectKeyIdentifier = innerContent(value, TAG.OCTET_STRING);
      if (id === OID_KEY_USAGE) keyUsageBits = innerContent(value, TAG.BIT_STRING).subarray(1);
    }
  }
  return { issuer: r.raw(issuer), serial: r.content(serial), subjectKeyIdentifier, keyUsageBits };
}

function innerContent(der: Buffer, tag: number): Buffer {
  const r = new BerReader(der);
  const t: Tlv = r.expect(0, tag);
  return r.content(t);
}
