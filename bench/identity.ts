// CMS throughput (operations per second) for a 10 KB and a 1 MB file with the test PKI: sign,
// verify, encrypt, decrypt, and the two a unit goes through (seal = sign + encrypt, open = decrypt +
// verify), each next to its floor measured in the same run — Node's crypto doing the same work
// with no CMS around it — so the ratio says how much the CMS layer costs on this machine.
import { constants, createCipheriv, createDecipheriv, createHash, privateDecrypt, publicEncrypt, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { certsFromPem, publicKeyOf } from '../pki/certs.js';
import { decryptCms, encryptCms, open, seal, signCms, verifyCms } from '../pki/cms.js';
import { loadPkcs12 } from '../pki/pkcs12.js';
import { packageRoot } from '../client/paths.js';
import { writeBenchOutput } from './output.js';
import { median } from './stats.js';
import { recordRounds } from './summary.js';

const root = packageRoot();
const pki = join(root, 'fixtures', 'pki');
const identity = loadPkcs12(readFileSync(join(pki, 'care-manager.p12')), 'test-password');
const recipient = loadPkcs12(readFileSync(join(pki, 'home-help.p12')), 'test-password');
const trust = certsFromPem(readFileSync(join(pki, 'ca.pem'), 'utf8'));

/** Operations per second: the median of five windows, after a warm-up. */
async function rate(fn: () => unknown, windowSeconds = 0.4, windows = 5): Promise<number> {
  for (let i = 0; i < 3; i++) await fn();
  const rates: number[] = [];
  for (let w = 0; w < windows; w++) {
    const start = process.hrtime.bigint();
    let n = 0;
    while (Number(process.hrtime.bigint() - start) / 1e9 < windowSeconds) {
      await fn();
      n++;
    }
    rates.push(n / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  return median(rates);
}

const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' } as const;

/** The floor of seal: RSA-2048 signature of the content's SHA-256, RSA-OAEP of a fresh AES key, AES-256-CBC of the content. */
function floorSeal(content: Buffer, signKey: KeyObject, recipientKey: KeyObject) {
  const signature = sign('sha256', createHash('sha256').update(content).digest(), signKey);
  const key = randomBytes(32);
  const iv = randomBytes(16);
  const encryptedKey = publicEncrypt({ key: recipientKey, ...OAEP }, key);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return { signature, iv, encryptedKey, ciphertext: Buffer.concat([cipher.update(content), cipher.final()]) };
}

/** The floor of open: the inverse of floorSeal. */
function floorOpen(sealed: ReturnType<typeof floorSeal>, recipientKey: KeyObject, signerKey: KeyObject): boolean {
  const key = privateDecrypt({ key: recipientKey, ...OAEP }, sealed.encryptedKey);
  const decipher = createDecipheriv('aes-256-cbc', key, sealed.iv);
  const content = Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  return verify('sha256', createHash('sha256').update(content).digest(), signerKey, sealed.signature);
}

const results: Record<string, Record<string, number>> = {};
for (const [label, size] of [['10 KB', 10 * 1024], ['1 MB', 1024 * 1024]] as const) {
  const content = randomBytes(size);
  const sig = signCms(content, identity);
  if (verifyCms(sig, { content, trustAnchors: trust }).status !== 'valid') throw new Error('bench signature does not verify');
  const envelope = await encryptCms(content, recipient.certificate);
  const sealed = await seal(content, identity, recipient.certificate);
  const opened = await open(sealed, recipient, trust);
  if (!opened.content?.equals(content)) throw new Error('bench unit does not open');
  const floorSealed = floorSeal(content, identity.privateKey, publicKeyOf(recipient.certificate));
  if (!floorOpen(floorSealed, recipient.privateKey, publicKeyOf(identity.certificate))) throw new Error('bench floor does not open');

  const r: Record<string, number> = {
    sign: await rate(() => signCms(content, identity)),
    verify: await rate(() => verifyCms(sig, { content, trustAnchors: trust })),
    encrypt: await rate(() => encryptCms(content, recipient.certificate)),
    decrypt: await rate(() => decryptCms(envelope, recipient)),
    seal: await rate(() => seal(content, identity, recipient.certificate)),
    open: await rate(() => open(sealed, recipient, trust)),
    floorSeal: await rate(() => floorSeal(content, identity.privateKey, publicKeyOf(recipient.certificate))),
    floorOpen: await rate(() => floorOpen(floorSealed, recipient.privateKey, publicKeyOf(identity.certificate))),
  };
  r.sealRatio = r.seal! / r.floorSeal!;
  r.openRatio = r.open! / r.floorOpen!;
  results[label] = r;
  const f = (n: number) => n.toFixed(1).padStart(7);
  process.stdout.write(`${label.padEnd(6)} sign ${f(r.sign!)} ops/s   verify ${f(r.verify!)} ops/s   encrypt ${f(r.encrypt!)} ops/s   decrypt ${f(r.decrypt!)} ops/s\n`);
  process.stdout.write(`${''.padEnd(6)} seal ${f(r.seal!)} ops/s (floor ${f(r.floorSeal!)}, ${r.sealRatio.toFixed(2)}× the floor)   open ${f(r.open!)} ops/s (floor ${f(r.floorOpen!)}, ${r.openRatio.toFixed(2)}× the floor)\n`);
}
// The summary's 10 KB ratios over 3 rounds: the measurement above is the first, two more of seal and
// open against their floors follow (each pair measured back to back, so load on the machine falls on both).
const sealRounds = [results['10 KB']!.sealRatio!];
const openRounds = [results['10 KB']!.openRatio!];
{
  const content = randomBytes(10 * 1024);
  const sealed = await seal(content, identity, recipient.certificate);
  const floorSealed = floorSeal(content, identity.privateKey, publicKeyOf(recipient.certificate));
  for (let round = 2; round <= 3; round++) {
    sealRounds.push((await rate(() => seal(content, identity, recipient.certificate))) / (await rate(() => floorSeal(content, identity.privateKey, publicKeyOf(recipient.certificate)))));
    openRounds.push((await rate(() => open(sealed, recipient, trust))) / (await rate(() => floorOpen(floorSealed, recipient.privateKey, publicKeyOf(identity.certificate)))));
  }
  process.stdout.write(`10 KB rounds: seal ÷ floor ${sealRounds.map((x) => x.toFixed(2)).join(', ')}; open ÷ floor ${openRounds.map((x) => x.toFixed(2)).join(', ')}\n`);
}
recordRounds('seal_10k_vs_floor', sealRounds);
recordRounds('open_10k_vs_floor', openRounds);
writeBenchOutput('identity', { node: process.version, openssl: process.versions.openssl, results, rounds10k: { seal: sealRounds, open: openRounds } });
identity.dispose();
recipient.dispose();
