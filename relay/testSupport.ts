// For the relay's tests only: a relay on a fresh data folder, office certificates issued on the
// spot by the fixture test CA (fixtures/pki, whose key is public test material), and raw HTTPS
// requests that send exactly the bytes and headers a test wants.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { TEST_PKI_PASSWORD, makeCert, type CertSpec } from '../pki/testPki.js';
import { startRelay, type RelayOptions, type RunningRelay } from './server.js';
import { SqliteStore } from './store.js';

export const FIXTURE_PKI = join(import.meta.dirname, '..', 'fixtures', 'pki');
export const fixturePem = (file: string): string => readFileSync(join(FIXTURE_PKI, file), 'utf8');

export interface TestRelay {
  relay: RunningRelay;
  store: SqliteStore;
  dataDir: string;
  close(): Promise<void>;
}

export async function startTestRelay(options: Partial<Omit<RelayOptions, 'store'>> & { dataDir?: string } = {}): Promise<TestRelay> {
  const { dataDir = mkdtempSync(join(tmpdir(), 'cpl-relay-t-')), ...rest } = options;
  const store = new SqliteStore(dataDir);
  const relay = await startRelay({
    store,
    port: 0,
    tls: { key: fixturePem('relay-server.key.pem'), cert: fixturePem('relay-server.pem'), clientCa: fixturePem('ca.pem') },
    rate: { requests: 10_000, perMs: 60_000 },
    ...rest,
  });
  return {
    relay,
    store,
    dataDir,
    async close() {
      await relay.close();
      store.close();
    },
  };
}

export interface IssuedCert {
  certPem: string;
  keyPem: string;
  /** PKCS#12 (AES-256) with the test password, for loadPkcs12. */
  p12: Buffer;
  password: string;
}

let serial = 0x7a00;

/** An office certificate from the fixture CA (or another issuer), made now; Node makes the key (fast). */
export function issueCert(spec: Partial<CertSpec> & { cn: string }, issuer = { certPem: fixturePem('ca.pem'), keyPem: fixturePem('ca.key.pem') }): IssuedCert {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const caCert = forge.pki.certificateFromPem(issuer.certPem);
  const caKey = forge.pki.privateKeyFromPem(issuer.keyPem) as forge.pki.rsa.PrivateKey;
  const now = Date.now();
  const cert = makeCert(
    { org: 'テスト事業所', notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 365 * 86_400_000), serial: (++serial).toString(16), eku: ['clientAuth', 'emailProtection'], ...spec },
    forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
    { cert: caCert, key: caKey },
  );
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey;
  const p12 = Buffer.from(forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(forgeKey, [cert, caCert], TEST_PKI_PASSWORD, { algorithm: 'aes256' })).getBytes(), 'binary');
  return { certPem: forge.pki.certificateToPem(cert), keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), p12, password: TEST_PKI_PASSWORD };
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json(): unknown;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** The client certificate: a fixture name (`home-help`) or an issued certificate. */
  as: string | { certPem: string; keyPem: string };
}

/** One HTTPS request on a fresh connection; a connection the relay refuses resolves with status 0. */
export function rawRequest(relay: RunningRelay, r: RawRequest): Promise<RawAnswer> {
  const identity = typeof r.as === 'string' ? { certPem: fixturePem(`${r.as}.pem`), keyPem: fixturePem(`${r.as}.key.pem`) } : r.as;
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port: relay.port, method: r.method ?? 'GET', path: r.path, headers: r.headers ?? {}, ca: fixturePem('ca.pem'), cert: identity.certPem, key: identity.keyPem, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body.toString('utf8')) as unknown });
        });
      },
    );
    req.on('error', (e) => resolve({ status: 0, headers: {}, body: Buffer.from((e as NodeJS.ErrnoException).code ?? e.message), json: () => null }));
    req.end(r.body);
  });
}

/** Polls until `ready()` holds (waiting for something to happen, never to prove that it does not). */
export async function until(ready: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!ready()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
