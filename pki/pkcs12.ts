// Loads an office identity from PKCS#12 with node-forge, which reads the legacy files (RC2-40,
// 3DES) that Windows and older issuers export and that OpenSSL 3 / Electron's BoringSSL refuse.
// The key is handed to Node as a KeyObject and never leaves this object in any printable form.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import forge from 'node-forge';
import { allowsEku, allowsSigning, certInfo, daysLeft, EKU_CLIENT_AUTH, EKU_EMAIL_PROTECTION, type CertInfo } from './certs.js';
import { IdentityError } from './errors.js';
import { localDateText } from '../shared/time.js';

export const EXPIRY_WARNING_DAYS = 90;

export type OfficeNumberField = 'CN' | 'serialNumber' | 'OU' | 'O' | 'UID';

export interface LoadOptions {
  /** Which subject attribute holds the 10-digit office number (default CN). */
  officeNumberFrom?: OfficeNumberField;
  /** Check validity, client-auth and signing use (default true). */
  requireUsable?: boolean;
  now?: Date;
}

export interface IdentitySummary {
  officeNumber: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  fingerprint256: string;
  notBefore: string;
  notAfter: string;
  daysLeft: number;
  expiresSoon: boolean;
  chain: { subject: string; issuer: string; notAfter: string }[];
}

export class OfficeIdentity {
  #key: KeyObject | null;

  constructor(
    key: KeyObject,
    readonly certificate: CertInfo,
    readonly chain: CertInfo[],
    readonly officeNumber: string,
  ) {
    this.#key = key;
  }

  /** The private key, for signing and decrypting inside the client only (pki/ and client/). */
  get privateKey(): KeyObject {
    if (!this.#key) throw new Error('identity has been disposed');
    return this.#key;
  }

  /** Drops the reference to the key so it can be collected; the identity cannot sign after this. */
  dispose(): void {
    this.#key = null;
  }

  get disposed(): boolean {
    return this.#key === null;
  }

  summary(now = new Date()): IdentitySummary {
    const c = this.certificate;
    const left = daysLeft(c, now);
    return {
      officeNumber: this.officeNumber,
      subject: c.subjectText,
      issuer: c.issuerText,
      serialNumber: c.serialNumber,
      fingerprint256: c.fingerprint256,
      notBefore: c.notBefore.toISOString(),
      notAfter: c.notAfter.toISOString(),
      daysLeft: left,
      expiresSoon: left <= EXPIRY_WARNING_DAYS,
      chain: this.chain.map((x) => ({ subject: x.subjectText, issuer: x.issuerText, notAfter: x.notAfter.toISOString() })),
    };
  }

  /** PEMs for a TLS client: key material stays in this process. */
  tlsOptions(): { key: KeyObject; cert: string } {
    return { key: this.privateKey, cert: [this.certificate.pem, ...this.chain.map((c) => c.pem)].join('') };
  }

  toJSON(): IdentitySummary {
    return this.summary();
  }

  [inspect.custom](): string {
    return `OfficeIdentity(${this.officeNumber}, ${this.certificate.subjectText}, key hidden)`;
  }
}

function derOf(asn1: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

function officeNumberOf(c: CertInfo, field: OfficeNumberField): string {
  const value = c.subject[field] ?? '';
  // Exactly ten digits, standing alone: 13100000991 is not office 1310000099.
  const m = value.match(/(?<!\d)\d{10}(?!\d)/);
  if (!m) throw new IdentityError('CERT_NO_OFFICE_NUMBER', `${field}=${value || '(none)'}`);
  return m[0];
}

export function checkUsable(c: CertInfo, now = new Date()): void {
  if (now < c.notBefore) throw new IdentityError('CERT_NOT_YET_VALID', `from ${localDateText(c.notBefore)}`);
  if (now > c.notAfter) throw new IdentityError('CERT_EXPIRED', `until ${localDateText(c.notAfter)}`);
  if (!allowsEku(c, EKU_CLIENT_AUTH)) throw new IdentityError('CERT_NOT_FOR_CLIENT_AUTH');
  if (!allowsSigning(c) || !allowsEku(c, EKU_CLIENT_AUTH, EKU_EMAIL_PROTECTION)) throw new IdentityError('CERT_NOT_FOR_SIGNING');
}

export function loadPkcs12(bytes: Buffer, password: string, options: LoadOptions = {}): OfficeIdentity {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(bytes.toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (e) {
    const msg = (e as Error).message ?? '';
    if (/MAC could not be verified|Invalid password|password/i.test(msg)) throw new IdentityError('P12_WRONG_PASSWORD');
    if (/Unsupported OID|unsupported/i.test(msg)) throw new IdentityError('P12_UNSUPPORTED');
    throw new IdentityError('P12_CORRUPT');
  }

  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
  ];
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  if (keyBags.length === 0) throw new IdentityError('P12_NO_KEY');
  if (certBags.length === 0) throw new IdentityError('P12_NO_CERTIFICATE');

  let key: KeyObject;
  try {
    const bag = keyBags[0]!;
    // RSA keys come back parsed; other key types only as the decrypted PrivateKeyInfo.
    const pkcs8 = bag.key ? derOf(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key))) : derOf(bag.asn1 as forge.asn1.Asn1);
    key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    pkcs8.fill(0);
  } catch {
    // A key that does not decode usually means a wrong password on a file without a MAC.
    throw new IdentityError('P12_WRONG_PASSWORD');
  }

  const certs = certBags.map((b) => certInfo(b.cert ? derOf(forge.pki.certificateToAsn1(b.cert)) : derOf(b.asn1 as forge.asn1.Asn1)));
  const own = certs.find((c) => c.x509.checkPrivateKey(key));
  if (!own) throw new IdentityError('P12_KEY_MISMATCH');
  const chain = certs.filter((c) => c !== own);
  if (options.requireUsable !== false) checkUsable(own, options.now);
  return new OfficeIdentity(key, own, chain, officeNumberOf(own, options.officeNumberFrom ?? 'CN'));
}
