// Revocation lists: made by the test CA, read and checked against it, and honoured by verifyCms
// and open() when given, so that a signature by a revoked certificate does not verify.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { certInfo } from './certs.js';
import { open, seal, signCms, verifyCms } from './cms.js';
import { CrlError, isRevoked, isStale, loadCrls, makeCrl, normalizeSerial, readCrlFiles, revocationOf } from './crl.js';
import { loadPkcs12 } from './pkcs12.js';

const PKI = join(import.meta.dirname, '..', 'fixtures', 'pki');
const pem = (f: string) => readFileSync(join(PKI, f), 'utf8');
const identity = (name: string) => loadPkcs12(readFileSync(join(PKI, `${name}.p12`)), 'test-password', { requireUsable: false });
const ca = certInfo(pem('ca.pem'));
const foreignCa = certInfo(pem('foreign-ca.pem'));
const revokedAt = new Date('2026-01-15T00:00:00Z');
const crlPem = makeCrl({ caCertPem: pem('ca.pem'), caKeyPem: pem('ca.key.pem'), revoked: [{ serial: certInfo(pem('home-help.pem')).serialNumber, at: revokedAt }] });

describe('CRL', () => {
  it('is read and checked against the CA that signed it', () => {
    const [crl] = loadCrls(crlPem, [foreignCa, ca]);
    expect(crl!.issuer.fingerprint256).toBe(ca.fingerprint256);
    expect(crl!.revoked.size).toBe(1);
    expect(isStale(crl!)).toBe(false);
    expect(isStale(crl!, new Date(Date.now() + 8 * 86_400_000))).toBe(true);
  });

  it('says which certificates are revoked, and only for the CA that issued them', () => {
    const crls = loadCrls(crlPem, [ca]);
    expect(isRevoked(certInfo(pem('home-help.pem')), crls)).toBe(true);
    expect(revocationOf(certInfo(pem('home-help.pem')), crls)?.revokedAt.toISOString()).toBe(revokedAt.toISOString());
    expect(isRevoked(certInfo(pem('care-manager.pem')), crls)).toBe(false);
    // The foreign CA's office may carry the same serial number; another CA's list says nothing about it.
    const foreign = certInfo(pem('foreign.pem'));
    const sameSerial = loadCrls(makeCrl({ caCertPem: pem('ca.pem'), caKeyPem: pem('ca.key.pem'), revoked: [{ serial: foreign.serialNumber }] }), [ca]);
    expect(isRevoked(foreign, sameSerial)).toBe(false);
    expect(isRevoked(certInfo(pem('home-help.pem')), [])).toBe(false);
  });

  it('refuses a list no given CA signed, or that is not a CRL at all', () => {
    expect(() => loadCrls(crlPem, [foreignCa])).toThrow(CrlError);
    expect(() => loadCrls('no list here', [ca])).toThrow(CrlError);
    expect(() => loadCrls('-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n', [ca])).toThrow(CrlError);
  });

  it('reads the files an office config names (PEM or DER), naming a file that cannot serve', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-crl-'));
    const pemFile = join(dir, 'ca.crl.pem');
    const derFile = join(dir, 'ca.crl');
    writeFileSync(pemFile, crlPem);
    writeFileSync(derFile, Buffer.from(crlPem.replace(/-----[^-]+-----|\s/g, ''), 'base64'));
    expect(readCrlFiles([pemFile, derFile], [ca]).map((c) => c.revoked.size)).toEqual([1, 1]);
    const missing = join(dir, 'missing.crl');
    expect(() => readCrlFiles([missing], [ca])).toThrow(missing);
    expect(() => readCrlFiles([pemFile], [foreignCa])).toThrow(pemFile);
  });

  it('compares serial numbers as Node prints them', () => {
    expect(normalizeSerial('00ab')).toBe('AB');
    expect(normalizeSerial('0')).toBe('0');
  });
});

describe('verifyCms and open with a CRL', () => {
  const content = Buffer.from('202407,131010,1000000000\r\n');

  it('does not verify a signature by a revoked certificate, and says why', () => {
    const signature = signCms(content, identity('home-help'));
    expect(verifyCms(signature, { content, trustAnchors: [ca] }).valid).toBe(true);
    const verdict = verifyCms(signature, { content, trustAnchors: [ca], crls: loadCrls(crlPem, [ca]) });
    expect(verdict.valid).toBe(false);
    expect(verdict.status).toBe('revoked');
    expect(verdict.messageJa).toContain('失効');
    expect(verdict.messageEn).toContain('revoked');
    expect(verifyCms(signCms(content, identity('care-manager')), { content, trustAnchors: [ca], crls: loadCrls(crlPem, [ca]) }).valid).toBe(true);
  });

  it('opens nothing sealed by a revoked sender', async () => {
    const envelope = await seal(content, identity('home-help'), identity('care-manager').certificate);
    const opened = await open(envelope, identity('care-manager'), [ca], undefined, loadCrls(crlPem, [ca]));
    expect(opened.content).toBeNull();
    expect(opened.verification.status).toBe('revoked');
  });
});
