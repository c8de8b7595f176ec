// テスト専用: 固定のテスト PKI（fixtures/pki）の事業所と、その場で発行する2枚目の証明書（更新・失効の試験用）。
// Tests only: the fixture PKI's offices, and certificates issued on the spot for the same office (a
// renewal) or a new one (a revocation), with the office config files the sessions read. Never real.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { certInfo, type CertInfo } from '../../pki/certs.js';
import { seal } from '../../pki/cms.js';
import { makeCrl } from '../../pki/crl.js';
import type { OfficeIdentity } from '../../pki/pkcs12.js';
import { keyPair, makeCert, TEST_PKI_PASSWORD } from '../../pki/testPki.js';
import { packBundle, sha256, type BundleFile, type UnitHeader } from './bundle.js';
import type { Session } from './session.js';

const ROOT = join(import.meta.dirname, '..', '..');
export const FIXTURE_PKI = join(ROOT, 'fixtures', 'pki');
export const fixturePem = (file: string): string => readFileSync(join(FIXTURE_PKI, file), 'utf8');
export const TEST_ENV = { CPL_PW: TEST_PKI_PASSWORD };

/** The fixture PKI's offices (fixtures/pki/<id>.p12): their numbers and service types. */
export const FIXTURE_OFFICES = {
  'care-manager': { office: '1310000011', serviceType: '43' },
  'home-help': { office: '1310000029', serviceType: '11' },
  'third-office': { office: '1310000037', serviceType: '15' },
} as const;
export type FixtureOffice = keyof typeof FIXTURE_OFFICES;

export interface IssuedOffice {
  certPem: string;
  /** PKCS#12 (AES-256) with the test password. */
  p12: Buffer;
}

/**
 * A new certificate from the fixture CA (or `issuer`), valid from yesterday for a year: newer than the
 * fixture offices' (notBefore 2025-11-01), so the relay marks it `current` beside an older one.
 * The serial is random so that two issued in one test never share one (a CRL revokes by serial).
 */
export function issueOffice(cn: string, org = 'テスト事業所', issuer = { certPem: fixturePem('ca.pem'), keyPem: fixturePem('ca.key.pem') }): IssuedOffice {
  const keys = keyPair();
  const caCert = forge.pki.certificateFromPem(issuer.certPem);
  const caKey = forge.pki.privateKeyFromPem(issuer.keyPem) as forge.pki.rsa.PrivateKey;
  const now = Date.now();
  const serial = `5${randomBytes(8).toString('hex')}`;
  const cert = makeCert({ cn, org, notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 365 * 86_400_000), serial, eku: ['clientAuth', 'emailProtection'] }, keys.publicKey, { cert: caCert, key: caKey });
  const p12 = forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert, caCert], TEST_PKI_PASSWORD, { algorithm: 'aes256' });
  return { certPem: forge.pki.certificateToPem(cert), p12: Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary') };
}

/** A CRL of the fixture CA (or `ca`) revoking these certificates (PEM). */
export function crlRevoking(pems: string[], ca = { certPem: fixturePem('ca.pem'), keyPem: fixturePem('ca.key.pem') }): string {
  return makeCrl({ caCertPem: ca.certPem, caKeyPem: ca.keyPem, revoked: pems.map((p) => ({ serial: certInfo(p).serialNumber })) });
}

export interface ConfigOptions {
  /** The office's PKCS#12 file; default the fixture `<id>.p12`. */
  p12?: string;
  /** The config's `crl` paths. */
  crl?: string[];
}

/** Writes `<dir>/<id>.json` with its export/import/spool folders under `<dir>/<id>/`. */
export function writeOfficeConfig(dir: string, id: string, office: string, serviceType: string, relayUrl: string, options: ConfigOptions = {}): string {
  for (const f of ['export', 'import', 'spool']) mkdirSync(join(dir, id, f), { recursive: true });
  const path = join(dir, `${id}.json`);
  const config = {
    office,
    serviceType,
    p12: options.p12 ?? join(FIXTURE_PKI, `${id}.p12`),
    passwordEnv: 'CPL_PW',
    relay: relayUrl,
    trust: [join(FIXTURE_PKI, 'ca.pem')],
    ...(options.crl ? { crl: options.crl } : {}),
    folders: { export: `${id}/export`, import: `${id}/import`, spool: `${id}/spool` },
  };
  writeFileSync(path, JSON.stringify(config));
  return path;
}

const VALID = join(ROOT, 'fixtures', 'valid');
/** The fixture ticket's files (UPPLAN, UPSIKYU, UPHOSOKU of 202504, sequence 20250425120002). */
export const TICKET_FILES = ['UPPLAN', 'UPSIKYU', 'UPHOSOKU'].map((k) => join(VALID, readdirSync(VALID).find((f) => f.startsWith(`${k}_202504_`))!));

/** The fixture ticket from 1310000011 (43) to 1310000029 (11), under another sequence number. */
export function ticket(sequence: string): BundleFile[] {
  return TICKET_FILES.map((p) => ({ name: p.split('/').pop()!.replace('20250425120002', sequence), data: readFileSync(p) }));
}

/** The header of the fixture ticket from 1310000011 (43) to 1310000029 (11) under `sequence`. */
export function ticketHeader(messageId: string, sequence: string, kinds = ['UPHOSOKU', 'UPPLAN', 'UPSIKYU']): UnitHeader {
  return { messageId, sender: { office: '1310000011', serviceType: '43' }, receiver: { office: '1310000029', serviceType: '11' }, sequence, month: '202504', kinds };
}

/**
 * Seals `files` for `recipient`, signed by `signer` (the sender's own identity unless a test makes it
 * lie), and submits them to the relay as `from` with `header`, exactly as a sender would; the envelope.
 */
export async function submitUnit(from: Session, header: UnitHeader, files: BundleFile[], recipient: CertInfo, signer: OfficeIdentity = from.identity): Promise<Buffer> {
  const envelope = await seal(packBundle(header, files), signer, recipient);
  await from.client.submit({ ...header, files: files.map((f) => f.name), sha256: sha256(envelope) }, envelope);
  return envelope;
}
