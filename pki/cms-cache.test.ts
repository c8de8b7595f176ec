// Parsed certificates and their public keys are cached (by the exact DER bytes); private keys are
// never cached or imported, each operation uses the identity's own KeyObject. These tests show the
// caches change no result, and that one identity can never end up with another's key — not even an
// impostor whose certificate names the same issuer, serial number and office.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { certFields, certInfo, certsFromPem, forgetParsedCertificates, publicKeyOf, type CertInfo } from './certs.js';
import { decryptCms, encryptCms, open, seal, signCms, verifyCms, type VerifyResult } from './cms.js';
import { loadPkcs12, OfficeIdentity } from './pkcs12.js';
import { makeCert } from './testPki.js';

const PKI = join(import.meta.dirname, '..', 'fixtures', 'pki');
const load = (id: string) => loadPkcs12(readFileSync(join(PKI, `${id}.p12`)), 'test-password', { requireUsable: false });
const caPem = readFileSync(join(PKI, 'ca.pem'), 'utf8');
const content = Buffer.from('202504,131010,1000000000,20250401\r\n', 'utf8');

/** What a person or a caller sees of a verification, without the certificate objects themselves. */
const facts = (r: VerifyResult) => ({ ...r, content: r.content?.toString('hex') });
const certFacts = (c: CertInfo) => ({ ...c, x509: c.x509.fingerprint256, fields: certFields(c) });

describe('certificate cache', () => {
  it('gives the same verdicts, certificate facts and keys as parsing afresh', () => {
    const manager = load('care-manager');
    const signatures = [signCms(content, manager, { detached: false }), signCms(content, load('foreign')), signCms(content, load('expired')), signCms(content, load('server-only'))];
    const dir = mkdtempSync(join(tmpdir(), 'cpl-cache-'));
    writeFileSync(join(dir, 'c.csv'), content);
    signatures.push(execFileSync('openssl', ['cms', '-sign', '-binary', '-outform', 'DER', '-keyid', '-in', join(dir, 'c.csv'), '-signer', join(PKI, 'home-help.pem'), '-inkey', join(PKI, 'home-help.key.pem')]));
    const verdicts = () => signatures.map((s, i) => facts(verifyCms(s, { trustAnchors: certsFromPem(caPem), ...(i === 0 ? {} : { content }) })));

    forgetParsedCertificates();
    const cold = verdicts();
    expect(cold.map((v) => v.status)).toEqual(['valid', 'unknown-issuer', 'expired-at-signing', 'wrong-key-usage', 'valid']);
    expect(verdicts()).toEqual(cold);
    forgetParsedCertificates();
    expect(verdicts()).toEqual(cold);

    const der = manager.certificate.der;
    const warm = certInfo(der);
    expect(certInfo(Buffer.from(der))).toBe(warm);
    forgetParsedCertificates();
    const fresh = certInfo(der);
    expect(fresh).not.toBe(warm);
    expect(certFacts(fresh)).toEqual(certFacts(warm));
    const spki = (c: CertInfo) => publicKeyOf(c).export({ type: 'spki', format: 'der' });
    expect(spki(fresh).equals(fresh.x509.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    expect(spki(fresh).equals(spki(load('home-help').certificate))).toBe(false);
  });

  it('seals and opens the same with cold and warm caches', async () => {
    const manager = load('care-manager');
    const provider = load('home-help');
    forgetParsedCertificates();
    const cold = await open(await seal(content, manager, provider.certificate), provider, certsFromPem(caPem));
    const warm = await open(await seal(content, manager, provider.certificate), provider, certsFromPem(caPem));
    expect(facts(warm.verification)).toEqual({ ...facts(cold.verification), signingTime: warm.verification.signingTime });
    expect(warm.content?.equals(content)).toBe(true);
    expect(cold.content?.equals(content)).toBe(true);
  });
});

/** An office certificate with the same issuer name, serial number and office number as care-manager, from a look-alike CA, with its own key. */
function impostorOf(real: OfficeIdentity): OfficeIdentity {
  const forgeKeys = () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    return { privatePem, privateKey: forge.pki.privateKeyFromPem(privatePem), publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }) as string) };
  };
  const now = Date.now();
  const caKeys = forgeKeys();
  const realCa = real.chain[0]!;
  const fakeCa = makeCert({ cn: realCa.subject.CN!, org: realCa.subject.O!, notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 365 * 86_400_000), serial: '01', ca: true }, caKeys.publicKey, { cert: null, key: caKeys.privateKey });
  const keys = forgeKeys();
  const cert = makeCert(
    { cn: real.certificate.subject.CN!, org: real.certificate.subject.O!, notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 365 * 86_400_000), serial: real.certificate.serialNumber.toLowerCase(), eku: ['clientAuth', 'emailProtection'] },
    keys.publicKey,
    { cert: fakeCa, key: caKeys.privateKey },
  );
  return new OfficeIdentity(createPrivateKey(keys.privatePem), certInfo(forge.pki.certificateToPem(cert)), [certInfo(forge.pki.certificateToPem(fakeCa))], real.officeNumber);
}

describe('keys stay with their identity', () => {
  const manager = load('care-manager');
  const provider = load('home-help');
  const impostor = impostorOf(manager);
  const trust = certsFromPem(caPem);

  it('the impostor names the same issuer and serial number (the test is meaningful)', () => {
    expect(certFields(impostor.certificate).issuer.equals(certFields(manager.certificate).issuer)).toBe(true);
    expect(certFields(impostor.certificate).serial.equals(certFields(manager.certificate).serial)).toBe(true);
    expect(impostor.certificate.fingerprint256).not.toBe(manager.certificate.fingerprint256);
  });

  it('each signs with its own key, whichever signed or was verified before', () => {
    for (let round = 0; round < 2; round++) {
      for (const [who, expected] of (round === 0 ? [[manager, 'valid'], [impostor, 'unknown-issuer']] : [[impostor, 'unknown-issuer'], [manager, 'valid']]) as [OfficeIdentity, string][]) {
        const sig = signCms(content, who);
        const r = verifyCms(sig, { content, trustAnchors: trust });
        expect(r.status).toBe(expected);
        expect(r.signer?.fingerprint256).toBe(who.certificate.fingerprint256);
      }
    }
  });

  it("an envelope for one opens only with that one's key, in any order", async () => {
    const forManager = await encryptCms(content, manager.certificate);
    const forImpostor = await encryptCms(content, impostor.certificate);
    for (let round = 0; round < 2; round++) {
      expect((await decryptCms(forManager, manager)).equals(content)).toBe(true);
      // Same issuer and serial, so the impostor finds "its" recipient entry — and its own key cannot open it.
      await expect(decryptCms(forManager, impostor)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
      await expect(decryptCms(forImpostor, manager)).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
      expect((await decryptCms(forImpostor, impostor)).equals(content)).toBe(true);
      await expect(decryptCms(forManager, provider)).rejects.toMatchObject({ code: 'DECRYPT_NOT_FOR_ME' });
    }
  });

  it('a disposed identity can neither sign nor decrypt, right after it did', async () => {
    const own = load('home-help');
    const envelope = await seal(content, manager, own.certificate);
    expect((await open(envelope, own, trust)).content?.equals(content)).toBe(true);
    own.dispose();
    await expect(decryptCms(envelope, own)).rejects.toThrow(/disposed/);
    expect(() => signCms(content, own)).toThrow(/disposed/);
    expect((await open(envelope, provider, trust)).content?.equals(content)).toBe(true);
  });
});
