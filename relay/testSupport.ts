// For the relay's tests only: a relay on a fresh store of either backend (a new data folder for
// SQLite, a new schema in the test database for PostgreSQL), office certificates issued on the spot
// by the fixture test CA (fixtures/pki, whose key is public test material), and raw HTTPS requests
// that send exactly the bytes and headers a test wants.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import forge from 'node-forge';
import pg from 'pg';
import { TEST_PKI_PASSWORD, makeCert, type CertSpec } from '../pki/testPki.js';
import { startRelay, type RelayOptions, type RunningRelay } from './server.js';
import { openStore, type RelayStore } from './store.js';

export const FIXTURE_PKI = join(import.meta.dirname, '..', 'fixtures', 'pki');
export const fixturePem = (file: string): string => readFileSync(join(FIXTURE_PKI, file), 'utf8');

export type Backend = 'sqlite' | 'postgres';

/** The PostgreSQL database the tests make their schemas in (scripts/pg-test-server.sh prints one). */
export const TEST_DATABASE_URL = process.env.CPL_TEST_DATABASE_URL ?? '';

/**
 * The backends every relay test runs against. PostgreSQL runs when CPL_TEST_DATABASE_URL is set, and
 * always in CI (CI=true): there a missing URL fails the PostgreSQL tests instead of skipping them. A
 * CI lane that cannot have PostgreSQL (Windows) says so explicitly: CPL_TEST_BACKENDS=sqlite.
 */
export const BACKENDS: Backend[] = process.env.CPL_TEST_BACKENDS
  ? (process.env.CPL_TEST_BACKENDS.split(',').map((b) => b.trim()) as Backend[])
  : TEST_DATABASE_URL || process.env.CI === 'true'
    ? ['sqlite', 'postgres']
    : ['sqlite'];
for (const b of BACKENDS) if (b !== 'sqlite' && b !== 'postgres') throw new Error(`CPL_TEST_BACKENDS: unknown backend ${b}`);

/** The test database's URL with a search_path: the relay's tables go to that schema. */
export function schemaUrl(base: string, schema: string): string {
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/** A new, empty schema in the test database for one test; dropped again by the returned function. */
export async function newTestSchema(): Promise<{ url: string; schema: string; drop(): Promise<void> }> {
  if (!TEST_DATABASE_URL) throw new Error('CPL_TEST_DATABASE_URL is not set: start PostgreSQL with scripts/pg-test-server.sh (CI must test PostgreSQL)');
  const schema = `t_${process.pid}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  return {
    url: schemaUrl(TEST_DATABASE_URL, schema),
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

/** One query on a test schema (checks of what a PostgreSQL store holds). */
export async function queryTestDatabase<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

/** One query on a SQLite relay database, through a connection of its own (what a SQLite store holds); values as strings. */
export function sqliteRows(file: string, text: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare(text).raw().all() as unknown[][]).map((r) => String(r[0]));
  } finally {
    db.close();
  }
}

export interface TestStore {
  store: RelayStore;
  backend: Backend;
  /** SQLite: the data folder. PostgreSQL: a folder that must stay empty (nothing goes to disk). */
  dataDir: string;
  /** PostgreSQL: the URL of this test's schema. */
  databaseUrl?: string;
  /** Closes the store and, for PostgreSQL, drops the schema. */
  dispose(): Promise<void>;
}

/** A fresh store of the backend: a new folder, or a new schema. `dataDir` reopens a SQLite folder. */
export async function openTestStore(backend: Backend, dataDir = mkdtempSync(join(tmpdir(), 'cpl-relay-t-'))): Promise<TestStore> {
  if (backend === 'sqlite') {
    const store = await openStore({ dataDir });
    return { store, backend, dataDir, dispose: () => store.close() };
  }
  const schema = await newTestSchema();
  const store = await openStore({ databaseUrl: schema.url });
  return {
    store,
    backend,
    dataDir,
    databaseUrl: schema.url,
    async dispose() {
      await store.close();
      await schema.drop();
    },
  };
}

export interface TestRelay {
  relay: RunningRelay;
  store: RelayStore;
  backend: Backend;
  dataDir: string;
  databaseUrl?: string;
  close(): Promise<void>;
}

export async function startTestRelay(options: Partial<Omit<RelayOptions, 'store'>> & { dataDir?: string; backend?: Backend } = {}): Promise<TestRelay> {
  const { dataDir, backend = 'sqlite', ...rest } = options;
  const t = await openTestStore(backend, dataDir);
  try {
    const relay = await startRelay({
      store: t.store,
      port: 0,
      tls: { key: fixturePem('relay-server.key.pem'), cert: fixturePem('relay-server.pem'), clientCa: fixturePem('ca.pem') },
      rate: { requests: 10_000, perMs: 60_000 },
      ...rest,
    });
    return {
      relay,
      store: t.store,
      backend,
      dataDir: t.dataDir,
      ...(t.databaseUrl ? { databaseUrl: t.databaseUrl } : {}),
      async close() {
        await relay.close();
        await t.dispose();
      },
    };
  } catch (e) {
    await t.dispose();
    throw e;
  }
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
