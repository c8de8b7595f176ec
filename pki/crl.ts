// Certificate revocation lists (RFC 5280 §5): reading a CA's CRL, checking its signature against
// the CA, asking whether a certificate is on it — and, for tests and the demo, making one.
// Parsing uses PKI.js; signatures are checked and made with Node's crypto, so everything here is
// synchronous and verifyCms can ask isRevoked without becoming async.
import { createPrivateKey, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { LocalizedError } from '../shared/errors.js';
import { certInfo, type CertInfo } from './certs.js';

/** A CRL whose signature has been checked against the CA that issued it. */
export interface Crl {
  /** The CA certificate that signed this list; it covers the certificates this CA issued. */
  issuer: CertInfo;
  thisUpdate: Date;
  /** When the CA promises the next list; null when it makes no promise. */
  nextUpdate: Date | null;
  /** Revoked serial numbers (uppercase hex without leading zeros) and when they were revoked. */
  revoked: Map<string, Date>;
  /** The list as PEM, to hand on (e.g. to Node's TLS `crl` option). */
  pem: string;
}

export class CrlError extends LocalizedError {
  override name = 'CrlError';
  constructor(ja: string, en: string) {
    super('crl', { ja, en });
  }
}

const PEM_BLOCK = /-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----/g;

// Signature algorithms a CA signs CRLs with, as Node's hash names (RSA PKCS#1 v1.5 and ECDSA).
const SIGNATURE_HASH: Record<string, string> = {
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

/** Serial numbers compared as Node prints them (X509Certificate.serialNumber): uppercase hex, no leading zeros. */
export function normalizeSerial(hex: string): string {
  return hex.toUpperCase().replace(/^0+(?=.)/, '');
}

function pemOf(der: Buffer): string {
  return `-----BEGIN X509 CRL-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END X509 CRL-----\n`;
}

/**
 * Reads one or more CRLs (PEM, several blocks allowed, or one DER) and checks each against the
 * CA certificates given: a list that no given CA signed is refused, never silently ignored —
 * a CRL that cannot be trusted must not be mistaken for "nothing is revoked".
 */
export function loadCrls(input: string | Buffer, issuers: CertInfo[]): Crl[] {
  const text = typeof input === 'string' ? input : input.toString('latin1');
  const blocks = text.match(PEM_BLOCK);
  const ders = blocks ? blocks.map((b) => Buffer.from(b.replace(/-----[^-]+-----|\s/g, ''), 'base64')) : Buffer.isBuffer(input) && input[0] === 0x30 ? [input] : [];
  if (ders.length === 0) throw new CrlError('失効リスト（CRL）が見つかりません', 'No certificate revocation list (CRL) found');
  return ders.map((der) => readCrl(der, issuers));
}

/** The lists in these files (an office config's `crl`, the relay's --crl): a file that cannot serve is named. */
export function readCrlFiles(paths: readonly string[], issuers: CertInfo[]): Crl[] {
  return paths.flatMap((path) => {
    try {
      return loadCrls(readFileSync(path), issuers);
    } catch (e) {
      const why = e instanceof CrlError ? e : null;
      throw new CrlError(`失効リストのファイル ${path}: ${why ? why.ja : '読めません'}`, `CRL file ${path}: ${why ? why.en : 'cannot be read'}`);
    }
  });
}

function readCrl(der: Buffer, issuers: CertInfo[]): Crl {
  let crl: pkijs.CertificateRevocationList;
  try {
    crl = pkijs.CertificateRevocationList.fromBER(der);
  } catch {
    throw new CrlError('失効リスト（CRL）の形式が正しくありません', 'The certificate revocation list (CRL) is malformed');
  }
  const hash = SIGNATURE_HASH[crl.signatureAlgorithm.algorithmId];
  if (!hash) throw new CrlError(`失効リストの署名方式に対応していません（${crl.signatureAlgorithm.algorithmId}）`, `Unsupported CRL signature algorithm (${crl.signatureAlgorithm.algorithmId})`);
  const tbs = Buffer.from(crl.tbsView);
  const signature = Buffer.from(crl.signatureValue.valueBlock.valueHexView);
  const issuerName = Buffer.from(crl.issuer.toSchema().toBER(false));
  const issuer = issuers.find((ca) => ca.isCA && subjectDer(ca).equals(issuerName) && cryptoVerify(hash, tbs, ca.x509.publicKey, signature));
  if (!issuer) {
    throw new CrlError('失効リスト（CRL）が信頼する CA の署名ではありません（発行元の CA 証明書を確かめてください）', 'The CRL is not signed by a trusted CA (check the issuing CA certificate)');
  }
  const revoked = new Map<string, Date>();
  for (const entry of crl.revokedCertificates ?? []) {
    revoked.set(normalizeSerial(Buffer.from(entry.userCertificate.valueBlock.valueHexView).toString('hex')), entry.revocationDate.value);
  }
  return { issuer, thisUpdate: crl.thisUpdate.value, nextUpdate: crl.nextUpdate?.value ?? null, revoked, pem: pemOf(der) };
}

// A certificate's subject Name as DER, to compare with a CRL's issuer exactly as encoded.
const subjects = new WeakMap<CertInfo, Buffer>();
function subjectDer(c: CertInfo): Buffer {
  let s = subjects.get(c);
  if (!s) {
    s = Buffer.from(pkijs.Certificate.fromBER(c.der).subject.toSchema().toBER(false));
    subjects.set(c, s);
  }
  return s;
}

/** The entry that revokes `cert` in a list by the CA that issued it, or null. */
export function revocationOf(cert: CertInfo, crls: readonly Crl[]): { revokedAt: Date; issuer: CertInfo } | null {
  const serial = normalizeSerial(cert.serialNumber);
  for (const crl of crls) {
    const at = crl.revoked.get(serial);
    // Serial numbers are unique per CA only: the list must be the issuer's own.
    if (at && cert.x509.checkIssued(crl.issuer.x509) && cert.x509.verify(crl.issuer.x509.publicKey)) return { revokedAt: at, issuer: crl.issuer };
  }
  return null;
}

/** Whether a CA whose list is given has revoked `cert`. A certificate no list covers is not revoked. */
export function isRevoked(cert: CertInfo, crls: readonly Crl[]): boolean {
  return revocationOf(cert, crls) !== null;
}

/** A list past its nextUpdate: OpenSSL (Node's TLS) then refuses every certificate of that CA. */
export function isStale(crl: Crl, now = new Date()): boolean {
  return crl.nextUpdate !== null && crl.nextUpdate.getTime() < now.getTime();
}

export interface CrlSpec {
  caCertPem: string;
  caKeyPem: string;
  /** Serial numbers (hex, as Node prints them) to revoke, with the revocation time. */
  revoked: { serial: string; at?: Date }[];
  thisUpdate?: Date;
  nextUpdate?: Date;
  /** The CRL number extension (RFC 5280 §5.2.3). */
  number?: number;
}

function hexBytes(hex: string): ArrayBuffer {
  let h = hex.length % 2 ? `0${hex}` : hex;
  // DER integers are signed: a leading bit of one needs a zero byte in front.
  if (/^[89a-f]/i.test(h)) h = `00${h}`;
  const bytes = Buffer.from(h, 'hex');
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
}

/** Makes a CRL signed by the CA (SHA-256 with RSA): for tests and the development PKI, like pki/testPki.ts. */
export function makeCrl(spec: CrlSpec): string {
  const ca = certInfo(spec.caCertPem);
  const thisUpdate = spec.thisUpdate ?? new Date();
  const sha256WithRsa = () => new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.840.113549.1.1.11', algorithmParams: new asn1js.Null() });
  const crl = new pkijs.CertificateRevocationList({
    version: 1,
    signature: sha256WithRsa(),
    issuer: pkijs.Certificate.fromBER(ca.der).subject,
    thisUpdate: new pkijs.Time({ type: 0, value: thisUpdate }),
    nextUpdate: new pkijs.Time({ type: 0, value: spec.nextUpdate ?? new Date(thisUpdate.getTime() + 7 * 86_400_000) }),
    crlExtensions: new pkijs.Extensions({
      extensions: [new pkijs.Extension({ extnID: '2.5.29.20', critical: false, extnValue: new asn1js.Integer({ value: spec.number ?? 1 }).toBER(false) })],
    }),
    signatureAlgorithm: sha256WithRsa(),
  });
  if (spec.revoked.length > 0) {
    crl.revokedCertificates = spec.revoked.map(
      (r) => new pkijs.RevokedCertificate({ userCertificate: new asn1js.Integer({ valueHex: hexBytes(r.serial) }), revocationDate: new pkijs.Time({ type: 0, value: r.at ?? thisUpdate }) }),
    );
  }
  // encodeTBS is protected in PKI.js's types; it is what sign() itself uses.
  const tbs = Buffer.from((crl as unknown as { encodeTBS(): asn1js.Sequence }).encodeTBS().toBER(false));
  crl.tbsView = new Uint8Array(tbs);
  const signature = cryptoSign('sha256', tbs, createPrivateKey(spec.caKeyPem));
  crl.signatureValue = new asn1js.BitString({ valueHex: signature.buffer.slice(signature.byteOffset, signature.byteOffset + signature.length) as ArrayBuffer });
  return pemOf(Buffer.from(crl.toSchema(false).toBER(false)));
}
