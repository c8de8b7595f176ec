// Certificate facts the identity layer decides on, read with Node's X509Certificate (validity,
// EKU, chain signatures) and PKI.js (key-usage bits, which Node does not expose).
import { X509Certificate } from 'node:crypto';
import * as pkijs from 'pkijs';

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

function keyUsageOf(der: Buffer): KeyUsage | null {
  const cert = pkijs.Certificate.fromBER(der);
  const ext = cert.extensions?.find((e) => e.extnID === '2.5.29.15');
  if (!ext) return null;
  const bits = (ext.parsedValue as { valueBlock: { valueHexView: Uint8Array } }).valueBlock.valueHexView;
  const b0 = bits[0] ?? 0;
  return { digitalSignature: (b0 & 0x80) !== 0, nonRepudiation: (b0 & 0x40) !== 0, keyEncipherment: (b0 & 0x20) !== 0, keyCertSign: (b0 & 0x04) !== 0 };
}

// Parsed certificates are immutable; the same few (CA, partners) come back in every signature.
const cache = new Map<string, CertInfo>();
const CACHE_MAX = 512;

export function certInfo(input: string | Buffer | X509Certificate): CertInfo {
  const x509 = input instanceof X509Certificate ? input : new X509Certificate(input);
  const hit = cache.get(x509.fingerprint256);
  if (hit) return hit;
  const info = parse(x509);
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(x509.fingerprint256, info);
  return info;
}

function parse(x509: X509Certificate): CertInfo {
  const der = x509.raw;
  const eku = x509.keyUsage as string[] | undefined;
  return {
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
    keyUsage: keyUsageOf(der),
  };
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
