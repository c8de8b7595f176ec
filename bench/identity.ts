// Sign and verify throughput (operations per second) for a 10 KB and a 1 MB file, with the test PKI.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { certsFromPem } from '../pki/certs.js';
import { decryptCms, encryptCms, signCms, verifyCms } from '../pki/cms.js';
import { loadPkcs12 } from '../pki/pkcs12.js';
import { packageRoot } from '../client/paths.js';
import { writeBenchOutput } from './output.js';

const root = packageRoot();
const pki = join(root, 'fixtures', 'pki');
const identity = loadPkcs12(readFileSync(join(pki, 'care-manager.p12')), 'test-password');
const recipient = loadPkcs12(readFileSync(join(pki, 'home-help.p12')), 'test-password');
const trust = certsFromPem(readFileSync(join(pki, 'ca.pem'), 'utf8'));

async function rate(fn: () => unknown | Promise<unknown>, seconds = 2): Promise<number> {
  for (let i = 0; i < 3; i++) await fn(); // warm up
  const start = process.hrtime.bigint();
  let n = 0;
  while (Number(process.hrtime.bigint() - start) / 1e9 < seconds) {
    await fn();
    n++;
  }
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

const rows: Record<string, number>[] = [];
const results: Record<string, Record<string, number>> = {};
for (const [label, size] of [['10 KB', 10 * 1024], ['1 MB', 1024 * 1024]] as const) {
  const content = randomBytes(size);
  const sig = signCms(content, identity);
  if (verifyCms(sig, { content, trustAnchors: trust }).status !== 'valid') throw new Error('bench signature does not verify');
  const envelope = await encryptCms(content, recipient.certificate);
  const r = {
    sign: await rate(() => signCms(content, identity)),
    verify: await rate(() => verifyCms(sig, { content, trustAnchors: trust })),
    encrypt: await rate(() => encryptCms(content, recipient.certificate)),
    decrypt: await rate(() => decryptCms(envelope, recipient)),
  };
  results[label] = r;
  rows.push(r);
  process.stdout.write(`${label.padEnd(6)} sign ${r.sign.toFixed(1).padStart(7)} ops/s   verify ${r.verify.toFixed(1).padStart(7)} ops/s   encrypt ${r.encrypt.toFixed(1).padStart(7)} ops/s   decrypt ${r.decrypt.toFixed(1).padStart(7)} ops/s\n`);
}
writeBenchOutput('identity', { node: process.version, results });
identity.dispose();
recipient.dispose();
