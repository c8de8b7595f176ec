// The CMS code before der.ts (node-forge for SignedData, PKI.js for EnvelopedData) is kept here as
// the reference: what we write now must be what it wrote, so every receiver already installed,
// the relay and OpenSSL read it as before; and what it wrote must still open.
import { execFileSync } from 'node:child_process';
import { constants, privateEncrypt, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { certsFromPem, type CertInfo } from './certs.js';
import { decryptCms, encryptCms, open, seal, signCms, verifyCms } from './cms.js';
import { IdentityError } from './errors.js';
import { loadPkcs12, type OfficeIdentity } from './pkcs12.js';

const PKI = join(import.meta.dirname, '..', 'fixtures', 'pki');
const load = (id: string) => loadPkcs12(readFileSync(join(PKI, `${id}.p12`)), 'test-password', { requireUsable: false });
const trust = certsFromPem(readFileSync(join(PKI, 'ca.pem'), 'utf8'));
const tmp = mkdtempSync(join(tmpdir(), 'cpl-compat-'));
const manager = load('care-manager');
const provider = load('home-help');
const third = load('third-office');

// ── the previous implementation, verbatim in substance ──

const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');
const forgeCert = (c: CertInfo) => forge.pki.certificateFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(c.der.toString('binary'))));
const nodeSigner = (key: KeyObject) => ({
  sign(md: forge.md.MessageDigest): string {
    const digest = Buffer.from(md.digest().getBytes(), 'binary');
    return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, digest])).toString('binary');
  },
});

function legacySign(content: Buffer, identity: OfficeIdentity, signingTime: Date, detached: boolean): Buffer {
  const p7 = forge.pkcs7.createSignedData();
  p7.content = forge.util.createBuffer(content.toString('binary'));
  const own = forgeCert(identity.certificate);
  p7.addCertificate(own);
  for (const c of identity.chain) p7.addCertificate(forgeCert(c));
  p7.addSigner({
    key: nodeSigner(identity.privateKey) as unknown as forge.pki.rsa.PrivateKey,
    certificate: own,
    digestAlgorithm: forge.pki.oids.sha256!,
    authenticatedAttributes: [
      { type: forge.pki.oids.contentType!, value: forge.pki.oids.data! },
      { type: forge.pki.oids.messageDigest! },
      { type: forge.pki.oids.signingTime!, value: signingTime as unknown as string },
    ],
  });
  p7.sign({ detached });
  return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
}

async function legacyEncrypt(content: Buffer, recipients: CertInfo[]): Promise<Buffer> {
  const env = new pkijs.EnvelopedData();
  for (const r of recipients) env.addRecipientByCertificate(pkijs.Certificate.fromBER(r.der), { oaepHashAlgorithm: 'SHA-256' }, 1);
  const plain = content.buffer.slice(content.byteOffset, content.byteOffset + content.byteLength) as ArrayBuffer;
  await env.encrypt({ name: 'AES-CBC', length: 256 } as Parameters<pkijs.EnvelopedData['encrypt']>[0], plain);
  return Buffer.from(new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.3', content: env.toSchema() }).toSchema().toBER());
}

async function legacyDecrypt(envelope: Buffer, identity: OfficeIdentity): Promise<Buffer> {
  const env = new pkijs.EnvelopedData({ schema: pkijs.ContentInfo.fromBER(envelope).content });
  const mine = pkijs.Certificate.fromBER(identity.certificate.der);
  const index = env.recipientInfos.findIndex((ri) => {
    const rid = (ri.value as pkijs.KeyTransRecipientInfo).rid;
    return rid instanceof pkijs.IssuerAndSerialNumber && rid.issuer.isEqual(mine.issuer) && rid.serialNumber.isEqual(mine.serialNumber);
  });
  const pkcs8 = identity.privateKey.export({ format: 'der', type: 'pkcs8' });
  const key = await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['decrypt']);
  return Buffer.from(await env.decrypt(index, { recipientCertificate: mine, recipientPrivateKey: key as unknown as ArrayBuffer }));
}

/** `openssl asn1parse` of the bytes with every value dump removed: tags, lengths and offsets only. */
function layout(der: Buffer): string {
  const file = join(tmp, `layout-${Math.random().toString(36).slice(2)}.der`);
  writeFileSync(file, der);
  return execFileSync('openssl', ['asn1parse', '-inform', 'DER', '-in', file], { encoding: 'utf8' }).replace(/\[HEX DUMP\]:[0-9A-F]*/g, '[value]');
}

describe('compatibility with the forge / PKI.js code it replaces', () => {
  it('signs byte for byte as node-forge did (detached and carried, UTCTime and GeneralizedTime)', () => {
    const contents = [Buffer.from('202407,131010,1000000000\r\n'), Buffer.alloc(100_000, 0x41), Buffer.from('山田　花子', 'utf8')];
    const times = [new Date('2026-01-02T03:04:05.678Z'), new Date('2051-06-30T23:59:59Z'), new Date('1999-12-31T23:59:59Z')];
    for (const identity of [manager, provider]) {
      for (const content of contents) {
        for (const at of times) {
          for (const detached of [true, false]) {
            expect(signCms(content, identity, { signingTime: at, detached }).equals(legacySign(content, identity, at, detached))).toBe(true);
          }
        }
      }
    }
  });

  it('writes envelopes in the layout PKI.js wrote, for one and for two recipients', async () => {
    for (const size of [1, 15, 16, 1023, 1024, 1025, 3000, 4096]) {
      const content = Buffer.alloc(size, 0x30);
      for (const recipients of [[provider.certificate], [provider.certificate, third.certificate]]) {
        const ours = await encryptCms(content, recipients);
        expect(layout(ours)).toBe(layout(await legacyEncrypt(content, recipients)));
        expect(ours[1]).toBe(0x80); // BER indefinite length, as the relay's check and its test expect
      }
    }
  });

  it('receivers on the old code open new envelopes, and the new code opens envelopes from old senders', async () => {
    const unit = Buffer.from('UPPLAN の中身: 利用者 山田　花子 さん\r\n'.repeat(300), 'utf8');
    const sealedNow = await seal(unit, manager, provider.certificate);
    expect(verifyCms(await legacyDecrypt(sealedNow, provider), { trustAnchors: trust }).content?.equals(unit)).toBe(true);
    const sealedBefore = await legacyEncrypt(legacySign(unit, manager, new Date(), false), [provider.certificate, third.certificate]);
    for (const reader of [provider, third]) {
      const opened = await open(sealedBefore, reader, trust);
      expect(opened.verification.status).toBe('valid');
      expect(opened.content?.equals(unit)).toBe(true);
    }
    await expect(decryptCms(sealedBefore, manager)).rejects.toMatchObject({ code: 'DECRYPT_NOT_FOR_ME' });
  });

  it('opens a 5 MB unit from an old sender, which the old code itself refused (asn1js node limit)', async () => {
    const unit = randomBytes(5 * 1024 * 1024);
    const sealedBefore = await legacyEncrypt(legacySign(unit, manager, new Date(), false), [provider.certificate]);
    await expect(legacyDecrypt(sealedBefore, provider)).rejects.toThrow();
    const opened = await open(sealedBefore, provider, trust);
    expect(opened.verification.status).toBe('valid');
    expect(opened.content?.equals(unit)).toBe(true);
  });
});

describe('damaged input', () => {
  const unit = Buffer.from('202504,131010,1000000000,20250401\r\n'.repeat(40));

  it('a damaged envelope is refused with an identity error or opens to the original, never to other bytes', async () => {
    const sealed = await seal(unit, manager, provider.certificate);
    let refused = 0;
    let tried = 0;
    for (let at = 0; at < sealed.length; at += 7, tried++) {
      const damaged = Buffer.from(sealed);
      damaged[at] = damaged[at]! ^ 0x5a;
      try {
        const opened = await open(damaged, provider, trust);
        if (opened.verification.valid) expect(opened.content?.equals(unit)).toBe(true);
        else refused++;
      } catch (e) {
        expect(e).toBeInstanceOf(IdentityError);
        refused++;
      }
    }
    // Some bytes carry nothing the receiver relies on (version numbers, the chain's copy of the CA
    // certificate, which the trust anchor replaces): damage there is harmless. Most is refused.
    expect(refused).toBeGreaterThan(tried * 0.75);
    for (let cut = 0; cut < sealed.length; cut += 13) {
      await expect(decryptCms(sealed.subarray(0, cut), provider)).rejects.toBeInstanceOf(IdentityError);
    }
  });

  it('a damaged signature is never valid for other content, and never throws', () => {
    const signature = signCms(unit, manager, { detached: false });
    for (let at = 0; at < signature.length; at += 3) {
      const damaged = Buffer.from(signature);
      damaged[at] = damaged[at]! ^ 0x01;
      const r = verifyCms(damaged, { trustAnchors: trust });
      if (r.valid) expect(r.content?.equals(unit)).toBe(true);
    }
    for (let cut = 0; cut < signature.length; cut += 11) expect(verifyCms(signature.subarray(0, cut), { trustAnchors: trust }).valid).toBe(false);
  });
});
