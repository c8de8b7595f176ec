import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { certInfo, certsFromPem } from './certs.js';
import { decryptCms, encryptCms, open, seal, signCms, verifyCms } from './cms.js';
import { IdentityError } from './errors.js';
import { loadPkcs12, type OfficeIdentity } from './pkcs12.js';

const PKI = join(import.meta.dirname, '..', 'fixtures', 'pki');
const PASSWORD = 'test-password';
const p12 = (id: string, legacy = false) => readFileSync(join(PKI, `${id}${legacy ? '.legacy' : ''}.p12`));
const pem = (name: string) => readFileSync(join(PKI, name), 'utf8');
const trust = certsFromPem(pem('ca.pem'));
const tmp = mkdtempSync(join(tmpdir(), 'cpl-id-'));
const openssl = (args: string[]) => spawnSync('openssl', args, { encoding: 'buffer' });

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof IdentityError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('PKCS#12', () => {
  it('loads legacy (3DES) and modern (PBES2/AES-256) files and reads the office number from CN', () => {
    for (const legacy of [true, false]) {
      const id = loadPkcs12(p12('care-manager', legacy), PASSWORD);
      expect(id.officeNumber).toBe('1310000011');
      expect(id.certificate.subject.O).toBe('ケアプランリンク居宅介護支援センター');
      expect(id.chain.map((c) => c.subject.CN)).toEqual(['careplan-link Test CA']);
      expect(id.summary().daysLeft).toBeGreaterThan(300);
    }
  });

  it('loads an RC2-40 file made by openssl -legacy and an OpenSSL 3 default file', () => {
    const key = join(PKI, 'home-help.key.pem');
    const cert = join(PKI, 'home-help.pem');
    const rc2 = join(tmp, 'rc2.p12');
    const modern = join(tmp, 'ossl3.p12');
    execFileSync('openssl', ['pkcs12', '-export', '-legacy', '-inkey', key, '-in', cert, '-certfile', join(PKI, 'ca.pem'), '-out', rc2, '-passout', `pass:${PASSWORD}`]);
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', key, '-in', cert, '-out', modern, '-passout', `pass:${PASSWORD}`]);
    const info = spawnSync('openssl', ['pkcs12', '-in', rc2, '-info', '-noout', '-legacy', '-passin', `pass:${PASSWORD}`], { encoding: 'utf8' });
    expect(info.stdout + info.stderr).toMatch(/pbeWithSHA1And40BitRC2-CBC/);
    expect(loadPkcs12(readFileSync(rc2), PASSWORD).officeNumber).toBe('1310000029');
    expect(loadPkcs12(readFileSync(modern), PASSWORD).officeNumber).toBe('1310000029');
  });

  it('explains what is wrong, in Japanese and English', () => {
    expect(code(() => loadPkcs12(p12('care-manager'), 'wrong'))).toBe('P12_WRONG_PASSWORD');
    expect(code(() => loadPkcs12(p12('care-manager', true), 'wrong'))).toBe('P12_WRONG_PASSWORD');
    expect(code(() => loadPkcs12(Buffer.from('not a pkcs12 file'), PASSWORD))).toBe('P12_CORRUPT');
    expect(code(() => loadPkcs12(p12('expired'), PASSWORD))).toBe('CERT_EXPIRED');
    expect(code(() => loadPkcs12(p12('not-yet-valid'), PASSWORD))).toBe('CERT_NOT_YET_VALID');
    expect(code(() => loadPkcs12(p12('server-only'), PASSWORD))).toBe('CERT_NOT_FOR_CLIENT_AUTH');
    expect(code(() => loadPkcs12(p12('encipher-only'), PASSWORD))).toBe('CERT_NOT_FOR_SIGNING');
    expect(code(() => loadPkcs12(p12('care-manager'), PASSWORD, { officeNumberFrom: 'O' }))).toBe('CERT_NO_OFFICE_NUMBER');
    const noKey = join(tmp, 'nokey.p12');
    execFileSync('openssl', ['pkcs12', '-export', '-nokeys', '-in', join(PKI, 'home-help.pem'), '-out', noKey, '-passout', `pass:${PASSWORD}`]);
    expect(code(() => loadPkcs12(readFileSync(noKey), PASSWORD))).toBe('P12_NO_KEY');
    try {
      loadPkcs12(p12('expired'), PASSWORD);
    } catch (e) {
      expect((e as IdentityError).messageJa).toContain('有効期限が切れています');
      expect((e as IdentityError).messageEn).toContain('expired');
    }
  });

  it('warns 90 days before expiry', () => {
    const id = loadPkcs12(p12('care-manager'), PASSWORD);
    const end = id.certificate.notAfter.getTime();
    expect(id.summary(new Date(end - 91 * 86_400_000))).toMatchObject({ daysLeft: 91, expiresSoon: false });
    expect(id.summary(new Date(end - 90 * 86_400_000))).toMatchObject({ daysLeft: 90, expiresSoon: true });
    expect(id.summary(new Date(end - 3 * 86_400_000 - 1000))).toMatchObject({ daysLeft: 3, expiresSoon: true });
  });

  it('never shows the key or the password', () => {
    const id = loadPkcs12(p12('care-manager'), PASSWORD);
    const keyPem = pem('care-manager.key.pem');
    const keyBody = keyPem.split('\n')[5]!;
    for (const text of [inspect(id, { depth: 10 }), JSON.stringify(id), String(id), inspect(id.summary())]) {
      expect(text).not.toContain('PRIVATE KEY');
      expect(text).not.toContain(keyBody);
    }
    let message = '';
    try {
      loadPkcs12(p12('care-manager'), 'hunter2-secret');
    } catch (e) {
      message = `${(e as Error).message} ${(e as Error).stack}`;
    }
    expect(message).not.toContain('hunter2-secret');
    id.dispose();
    expect(() => id.privateKey).toThrow(/disposed/);
  });
});

describe('CMS signatures', () => {
  let manager: OfficeIdentity;
  const content = Buffer.from('202407,131010,1000000000,20250401,202504\r\n"山田　花子"\r\n', 'utf8');
  beforeAll(() => {
    manager = loadPkcs12(p12('care-manager'), PASSWORD);
  });

  it('verifies its own detached signature with signer, signing time and chain', () => {
    const at = new Date('2026-01-02T03:04:05Z');
    const r = verifyCms(signCms(content, manager, { signingTime: at }), { content, trustAnchors: trust });
    expect(r.status).toBe('valid');
    expect(r.signer?.officeNumber).toBe('1310000011');
    expect(r.signingTime).toBe(at.toISOString());
    expect(r.chain).toHaveLength(2);
  });

  it('detects tampering, an untrusted issuer and a broken signature value', () => {
    const sig = signCms(content, manager);
    const changed = Buffer.from(content);
    changed[3] = changed[3]! ^ 1;
    expect(verifyCms(sig, { content: changed, trustAnchors: trust }).status).toBe('tampered');
    expect(verifyCms(sig, { content, trustAnchors: certsFromPem(pem('foreign-ca.pem')) }).status).toBe('unknown-issuer');
    const broken = Buffer.from(sig);
    broken[broken.length - 1] = broken[broken.length - 1]! ^ 0xff; // the RSA signature value is the last field
    expect(verifyCms(broken, { content, trustAnchors: trust }).status).toBe('bad-signature');
  });

  it('refuses a signer from a foreign CA even when it claims our office number', () => {
    const foreign = loadPkcs12(p12('foreign'), PASSWORD);
    expect(foreign.officeNumber).toBe('1310000011');
    expect(verifyCms(signCms(content, foreign), { content, trustAnchors: trust }).status).toBe('unknown-issuer');
  });

  it('judges validity at signing time', () => {
    const expired = loadPkcs12(p12('expired'), PASSWORD, { requireUsable: false });
    expect(verifyCms(signCms(content, expired), { content, trustAnchors: trust }).status).toBe('expired-at-signing');
    const signedWhileValid = signCms(content, expired, { signingTime: new Date(expired.certificate.notBefore.getTime() + 86_400_000) });
    expect(verifyCms(signedWhileValid, { content, trustAnchors: trust }).status).toBe('valid');
    const early = loadPkcs12(p12('not-yet-valid'), PASSWORD, { requireUsable: false });
    expect(verifyCms(signCms(content, early), { content, trustAnchors: trust }).status).toBe('not-yet-valid-at-signing');
  });

  it('checks the signer certificate is meant for signing', () => {
    const server = loadPkcs12(p12('server-only'), PASSWORD, { requireUsable: false });
    expect(verifyCms(signCms(content, server), { content, trustAnchors: trust }).status).toBe('wrong-key-usage');
  });

  it('gives every malformed input an explicit status, never valid', () => {
    for (const junk of [Buffer.alloc(0), Buffer.from('garbage'), signCms(content, manager).subarray(0, 200), Buffer.from(pem('ca.pem'))]) {
      const r = verifyCms(junk, { content, trustAnchors: trust });
      expect(r.valid).toBe(false);
      expect(['malformed', 'no-signature']).toContain(r.status);
    }
  });

  it('interoperates with OpenSSL both ways', () => {
    const file = join(tmp, 'UPPLAN.CSV');
    writeFileSync(file, content);
    writeFileSync(`${file}.p7s`, signCms(content, manager));
    const ours = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', `${file}.p7s`, '-content', file, '-CAfile', join(PKI, 'ca.pem'), '-out', join(tmp, 'out.bin')]);
    expect(ours.stderr.toString()).toContain('Verification successful');
    expect(ours.status).toBe(0);
    const tampered = join(tmp, 'tampered.CSV');
    writeFileSync(tampered, Buffer.concat([content, Buffer.from('x')]));
    expect(openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', `${file}.p7s`, '-content', tampered, '-CAfile', join(PKI, 'ca.pem'), '-out', join(tmp, 'o2.bin')]).status).not.toBe(0);

    const theirs = join(tmp, 'theirs.p7s');
    execFileSync('openssl', ['cms', '-sign', '-binary', '-outform', 'DER', '-in', file, '-signer', join(PKI, 'home-help.pem'), '-inkey', join(PKI, 'home-help.key.pem'), '-certfile', join(PKI, 'ca.pem'), '-out', theirs]);
    const r = verifyCms(readFileSync(theirs), { content, trustAnchors: trust });
    expect(r.status).toBe('valid');
    expect(r.signer?.officeNumber).toBe('1310000029');
    expect(verifyCms(readFileSync(theirs), { content: Buffer.concat([content, Buffer.from('x')]), trustAnchors: trust }).status).toBe('tampered');
  });
});

describe('encryption for the recipient', () => {
  const content = Buffer.from('UPPLAN の中身: 利用者 山田　花子 さん', 'utf8');

  it('signs then encrypts; only the recipient opens it, and the signature verifies', async () => {
    const manager = loadPkcs12(p12('care-manager'), PASSWORD);
    const provider = loadPkcs12(p12('home-help'), PASSWORD);
    const third = loadPkcs12(p12('third-office'), PASSWORD);
    const envelope = await seal(content, manager, provider.certificate);
    expect(envelope.includes(Buffer.from('山田'))).toBe(false);
    expect(envelope.includes(content.subarray(0, 16))).toBe(false);
    const opened = await open(envelope, provider, trust);
    expect(opened.verification.status).toBe('valid');
    expect(opened.verification.signer?.officeNumber).toBe('1310000011');
    expect(opened.content?.equals(content)).toBe(true);
    await expect(decryptCms(envelope, third)).rejects.toMatchObject({ code: 'DECRYPT_NOT_FOR_ME' });
    await expect(decryptCms(envelope, manager)).rejects.toMatchObject({ code: 'DECRYPT_NOT_FOR_ME' });
    await expect(decryptCms(Buffer.from('junk'), provider)).rejects.toMatchObject({ code: 'ENVELOPE_MALFORMED' });
  });

  it('interoperates with openssl cms -encrypt / -decrypt (AES-256, RSA-OAEP SHA-256)', async () => {
    const provider = loadPkcs12(p12('home-help'), PASSWORD);
    const ours = join(tmp, 'ours.env');
    writeFileSync(ours, await encryptCms(content, certInfo(pem('home-help.pem'))));
    const dec = openssl(['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', ours, '-recip', join(PKI, 'home-help.pem'), '-inkey', join(PKI, 'home-help.key.pem')]);
    expect(dec.status).toBe(0);
    expect(dec.stdout.equals(content)).toBe(true);
    const plain = join(tmp, 'plain.txt');
    writeFileSync(plain, content);
    const theirs = join(tmp, 'theirs.env');
    execFileSync('openssl', ['cms', '-encrypt', '-binary', '-aes256', '-outform', 'DER', '-in', plain, '-recip', join(PKI, 'home-help.pem'), '-keyopt', 'rsa_padding_mode:oaep', '-keyopt', 'rsa_oaep_md:sha256', '-out', theirs]);
    expect((await decryptCms(readFileSync(theirs), provider)).equals(content)).toBe(true);
  });
});

describe('review regressions', () => {
  const content = Buffer.from('x,y\r\n');

  it('verifies an OpenSSL signature that names its signer by subject key identifier', () => {
    const file = join(tmp, 'keyid.CSV');
    writeFileSync(file, content);
    execFileSync('openssl', ['cms', '-sign', '-binary', '-outform', 'DER', '-keyid', '-in', file, '-signer', join(PKI, 'home-help.pem'), '-inkey', join(PKI, 'home-help.key.pem'), '-out', `${file}.p7s`]);
    const r = verifyCms(readFileSync(`${file}.p7s`), { content, trustAnchors: trust });
    expect(r.status).toBe('valid');
    expect(r.signer?.officeNumber).toBe('1310000029');
  });

  it('refuses a signing time far in the future', () => {
    const id = loadPkcs12(p12('care-manager'), PASSWORD);
    const sig = signCms(content, id, { signingTime: new Date(Date.now() + 3 * 86_400_000) });
    expect(verifyCms(sig, { content, trustAnchors: trust }).status).toBe('signing-time-in-future');
  });

  it('reads only a standalone 10-digit office number, and refuses to sign with a non-RSA key clearly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-ec-'));
    const key = join(dir, 'k.pem');
    const crt = join(dir, 'c.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', crt, '-days', '30', '-subj', '/CN=13100000991', '-addext', 'extendedKeyUsage=clientAuth']);
    const p = join(dir, 'x.p12');
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', key, '-in', crt, '-out', p, '-passout', `pass:${PASSWORD}`]);
    expect(code(() => loadPkcs12(readFileSync(p), PASSWORD))).toBe('CERT_NO_OFFICE_NUMBER');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', crt, '-days', '30', '-subj', '/CN=1310000099', '-addext', 'extendedKeyUsage=clientAuth']);
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', key, '-in', crt, '-out', p, '-passout', `pass:${PASSWORD}`]);
    const ec = loadPkcs12(readFileSync(p), PASSWORD, { requireUsable: false });
    expect(ec.officeNumber).toBe('1310000099');
    expect(code(() => signCms(content, ec))).toBe('SIGN_KEY_UNSUPPORTED');
  });

  it('takes an empty password from a defined environment variable, and names a missing one', async () => {
    const { passwordFromEnv } = await import('../client/identity/password.js');
    expect(passwordFromEnv('CPL_EMPTY', { CPL_EMPTY: '' })).toBe('');
    expect(code(() => passwordFromEnv('CPL_NOT_SET', {}))).toBe('PASSWORD_MISSING');
  });
});
