// Certificate facts the identity layer decides on, read with Node's X509Certificate (validity,
// EKU, chain signatures) and der.ts (key-usage bits and the identifiers CMS names certificates
// by, which Node does not expose).
import { X509Certificate, type KeyObject } from 'node:crypto';
import { certificateFields, type CertificateFields } from './certFields.js';

export const EKU_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
export const EKU_EMAIL_PROTECTION = '1.3.6.1.5.5.7.3.4';
export const EKU_ANY = '2.5.29.37.0';

export interface KeyUsage {
  digitalSignature: boolean;
  nonRepudiation: boolean;
  keyEncipherment: boolean;
  keyCertSign: boolean;
}

export interface CertInfo {
  x509: X509Certificate;
  der: Buffer;
  pem: string;
  subject: Record<string, string>;
  issuer: Record<string, string>;
  subjectText: string;
  issuerText: string;
  notBefore: Date;
  notAfter: Date;
  serialNumber: string;
  fingerprint256: string;
  isCA: boolean;
  /** Extended key usage OIDs; null when the certificate has no EKU extension (no restriction). */
  extendedKeyUsage: string[] | null;
  /** Key usage bits; null when the certificate has no key-usage extension (no restriction). */
  keyUsage: KeyUsage | null;
}

function names(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

function keyUsageOf(fields: CertificateFields): KeyUsage | null {
  if (!fields.keyUsageBits) return null;
  const b0 = fields.keyUsageBits[0] ?? 0;
  return { digitalSignature: (b0 & 0x80) !== 0, nonRepudiation: (b0 & 0x40) !== 0, keyEncipherment: (b0 & 0x20) !== 0, keyCertSign: (b0 & 0x04) !== 0 };
}

// Parsed certificates are immutable; the same few (CA, partners) come back in every signature.
// The key is the DER itself, so a hit needs no parsing at all and can only ever return the
// certificate made from exactly those bytes; PEM text is looked up by its text for the same reason.
const byDer = new Map<string, CertInfo>();
const byPem = new Map<string, CertInfo>();
const CACHE_MAX = 512;

/** What CMS needs beyond CertInfo, worked out once per parsed certificate. */
interface Derived {
  fields: CertificateFields;
  publicKey?: KeyObject;
  /** Certificates already checked as this one's issuer (by fingerprint), with the answer. */
  issuedBy: Map<string, boolean>;
}
const derived = new WeakMap<CertInfo, Derived>();

function remember<K>(map: Map<K, CertInfo>, key: K, info: CertInfo): CertInfo {
  if (map.size >= CACHE_MAX) map.delete(map.keys().next().value!);
  map.set(key, info);
  return info;
}

export function certInfo(input: string | Buffer | X509Certificate): CertInfo {
  if (typeof input === 'string') return byPem.get(input) ?? remember(byPem, input, fromX509(new X509Certificate(input)));
  if (Buffer.isBuffer(input)) return byDer.get(input.toString('latin1')) ?? fromX509(new X509Certificate(input));
  return fromX509(input);
}

function fromX509(x509: X509Certificate): CertInfo {
  const key = x509.raw.toString('latin1');
  return byDer.get(key) ?? remember(byDer, key, parse(x509));
}

/** Empties the certificate caches (tests compare cached with uncached results). */
export function forgetParsedCertificates(): void {
  byDer.clear();
  byPem.clear();
}

function derivedOf(c: CertInfo): Derived {
  let d = derived.get(c);
  if (!d) {
    d = { fields: certificateFields(c.der), issuedBy: new Map() };
    derived.set(c, d);
  }
  return d;
}

/** Issuer name and serial number as encoded, subject key identifier, key-usage bits. */
export function certFields(c: CertInfo): CertificateFields {
  return derivedOf(c).fields;
}

/** The certificate's public key, made once (X509Certificate.publicKey makes a new KeyObject per call). */
export function publicKeyOf(c: CertInfo): KeyObject {
  const d = derivedOf(c);
  d.publicKey ??= c.x509.publicKey;
  return d.publicKey;
}

/** Whether `issuer` issued and signed `child`; the signature is checked once per pair. */
export function issuedBy(child: CertInfo, issuer: CertInfo): boolean {
  const d = derivedOf(child);
  let answer = d.issuedBy.get(issuer.fingerprint256);
  if (answer === undefined) {
    answer = child.x509.checkIssued(issuer.x509) && child.x509.verify(publicKeyOf(issuer));
    d.issuedBy.set(issuer.fingerprint256, answer);
  }
  return answer;
}

function parse(x509: X509Certificate): CertInfo {
  const der = x509.raw;
  const eku = x509.keyUsage as string[] | undefined;
  const fields = certificateFields(der);
  const info: CertInfo = {
    x509,
    der,
    pem: x509.toString(),
    subject: names(x509.subject),
    issuer: names(x509.issuer),
    subjectText: x509.subject.split('\n').join(', '),
    issuerText: x509.issuer.split('\n').join(', '),
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    serialNumber: x509.serialNumber,
    fingerprint256: x509.fingerprint256,
    isCA: x509.ca,
    extendedKeyUsage: eku && eku.length > 0 ? eku : null,
    keyUsage: keyUsageOf(fields),
  };
  derived.set(info, { fields, issuedBy: new Map() });
  return info;
}

/** Splits a PEM bundle into certificates. */
export function certsFromPem(pem: string): CertInfo[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => certInfo(b));
}

export function allowsEku(c: CertInfo, ...oids: string[]): boolean {
  return c.extendedKeyUsage === null || c.extendedKeyUsage.includes(EKU_ANY) || oids.some((o) => c.extendedKeyUsage!.includes(o));
}

export function allowsSigning(c: CertInfo): boolean {
  return c.keyUsage === null || c.keyUsage.digitalSignature || c.keyUsage.nonRepudiation;
}

export const DAY_MS = 86_400_000;

export function daysLeft(c: CertInfo, now = new Date()): number {
  return Math.floor((c.notAfter.getTime() - now.getTime()) / DAY_MS);
}
