// The relay load test's certificates: a CA, the server, and one client certificate per office.
// Making 202 of them with node-forge's JavaScript RSA took 58–172 s (220 s on a busy machine), more
// than the load test itself, so keys now come from Node's crypto (OpenSSL, on the thread pool, several
// at once) and the whole set is kept in a git-ignored cache, keyed by the office count and a version,
// and reused while it is valid.
import { createPrivateKey, generateKeyPair, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { packageRoot } from '../../client/paths.js';
import { makeCert } from '../../pki/testPki.js';

export interface Office {
  office: string;
  certPem: string;
  keyPem: string;
}

export interface BenchPki {
  version: number;
  caPem: string;
  server: Office;
  offices: Office[];
}

/** Bump when the certificates change shape (names, extensions, key size): older caches are then made again. */
const VERSION = 1;
/** A cached set is made again when any certificate has less than this left. */
const MIN_DAYS_LEFT = 30;

export function cacheFile(offices: number): string {
  return join(packageRoot(), 'bench-results', 'cache', `relay-pki-v${VERSION}-${offices}.json`);
}

type Keys = { publicKey: forge.pki.rsa.PublicKey; privateKey: forge.pki.rsa.PrivateKey; pem: string };

/** An RSA-2048 key pair from OpenSSL, in node-forge's form (makeCert signs with forge). */
async function keyPair(): Promise<Keys> {
  const pem = await new Promise<string>((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength: 2048, publicExponent: 0x10001, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }, (err, _pub, key) => (err ? reject(err) : resolve(key))),
  );
  const key = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e), pem };
}

async function make(count: number): Promise<BenchPki> {
  const years = (n: number) => new Date(Date.UTC(new Date().getUTCFullYear() + n, 0, 1));
  // All keys at once: the thread pool runs as many key searches as it has threads.
  const [caKeys, serverKeys, ...officeKeys] = await Promise.all(Array.from({ length: count + 2 }, () => keyPair()));
  if (!caKeys || !serverKeys) throw new Error('no keys');
  const ca = makeCert({ cn: 'bench CA', org: 'bench', notBefore: years(-1), notAfter: years(5), serial: '01', ca: true }, caKeys.publicKey, { cert: null, key: caKeys.privateKey });
  const issue = (k: Keys, cn: string, serial: string, eku: ('clientAuth' | 'serverAuth')[], san?: string[]): Office => {
    const c = makeCert({ cn, org: 'bench office', notBefore: years(-1), notAfter: years(5), serial, eku, ...(san ? { san } : {}) }, k.publicKey, { cert: ca, key: caKeys.privateKey });
    return { office: cn, certPem: forge.pki.certificateToPem(c), keyPem: k.pem };
  };
  const server = issue(serverKeys, '127.0.0.1', '02', ['serverAuth'], ['127.0.0.1']);
  const offices = officeKeys.map((k, i) => issue(k, String(1390000000 + i), (0x100 + i).toString(16), ['clientAuth']));
  return { version: VERSION, caPem: forge.pki.certificateToPem(ca), server, offices };
}

/** Why a cached set cannot be used, or null if it can: the count, the version, validity, issuer and key of every certificate. */
function problemWith(p: BenchPki, count: number): string | null {
  if (p.version !== VERSION) return `version ${p.version}, not ${VERSION}`;
  if (p.offices.length !== count) return `${p.offices.length} offices, not ${count}`;
  const ca = new X509Certificate(p.caPem);
  const until = Date.now() + MIN_DAYS_LEFT * 86_400_000;
  for (const e of [p.server, ...p.offices]) {
    const c = new X509Certificate(e.certPem);
    if (new Date(c.validTo).getTime() < until || new Date(ca.validTo).getTime() < until) return `${e.office} expires ${c.validTo}`;
    if (!c.verify(ca.publicKey)) return `${e.office} is not issued by the cached CA`;
    if (!c.checkPrivateKey(createPrivateKey(e.keyPem))) return `${e.office}'s key does not match its certificate`;
  }
  return null;
}

/** The certificates for `count` offices: from the cache when it holds a valid set, else made and cached. */
export async function benchPki(count: number, log: (line: string) => void): Promise<BenchPki> {
  const file = cacheFile(count);
  try {
    const cached = JSON.parse(readFileSync(file, 'utf8')) as BenchPki;
    const problem = problemWith(cached, count);
    if (problem === null) {
      log(`  (certificates from the cache ${file})`);
      return cached;
    }
    log(`  (cached certificates not used: ${problem})`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log(`  (cached certificates not readable: ${(e as Error).message})`);
  }
  const t0 = performance.now();
  const made = await make(count);
  log(`  (made ${count + 2} certificates in ${((performance.now() - t0) / 1000).toFixed(1)} s; cached in ${file})`);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(made));
  renameSync(`${file}.tmp`, file);
  return made;
}
