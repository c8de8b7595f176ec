// A dropped connection is not a refused certificate. After a relay restart (or a long pause that a
// router ended) the client's kept-alive socket is dead; the first request on it is reset. That is
// retried once on a fresh connection, and if it still fails the message says the connection broke
// off. Only a reset on a brand-new connection before any answer — how a TLS 1.3 server refuses a
// client certificate — says the certificate may not be accepted.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf } from '../../test/support/rejection.js';
import { SqliteStore, startRelay, type RunningRelay } from '../../relay/index.js';
import { loadPkcs12 } from '../../pki/pkcs12.js';
import { RelayClient, RelayError } from './relayClient.js';

const PKI = join(import.meta.dirname, '..', '..', 'fixtures', 'pki');
const pem = (f: string) => readFileSync(join(PKI, f), 'utf8');
const identity = (id: string) => loadPkcs12(readFileSync(join(PKI, `${id}.p12`)), 'test-password', { requireUsable: false });
const tls = { key: pem('relay-server.key.pem'), cert: pem('relay-server.pem'), clientCa: pem('ca.pem') };

const failure = (p: Promise<unknown>) => rejectionOf(p, RelayError);

describe('RelayClient when the connection drops', () => {
  let store: SqliteStore;
  let relay: RunningRelay | null = null;
  let port = 0;
  const clients: RelayClient[] = [];

  const start = async () => {
    relay = await startRelay({ store, port, tls });
    port = relay.port;
    return relay;
  };
  const stop = async () => {
    await relay?.close();
    relay = null;
  };
  const client = (id = 'care-manager') => {
    const c = new RelayClient({ url: `https://127.0.0.1:${port}`, identity: identity(id), trustPem: pem('ca.pem') });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    store = new SqliteStore(mkdtempSync(join(tmpdir(), 'cpl-rc-')));
    await start();
  });
  afterEach(async () => {
    // Each test leaves the relay running on the same port for the next one.
    if (!relay) await start();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await stop();
    store.close();
  });

  it('goes on after the relay restarted between two calls of the same client', async () => {
    const c = client();
    expect((await c.health()).office).toBe('1310000011');
    await stop();
    await start(); // the same port: the client's kept-alive socket now leads nowhere
    expect((await c.health()).office).toBe('1310000011');
    expect((await c.inbox()).messages).toEqual([]);
  });

  it('says the connection broke off, not that the certificate may be refused, when the relay is gone', async () => {
    const c = client();
    await c.health();
    await stop();
    const e = await failure(c.health());
    expect(e.code).toBe('connect');
    expect(e.transient).toBe(true);
    expect(e.ja).not.toContain('証明書');
    expect(e.en).not.toContain('certificate');
  });

  it('still says the certificate may not be accepted when a new connection is reset before any answer', async () => {
    const e = await failure(client('foreign').health());
    expect(e.code).toBe('refused');
    expect(e.ja).toContain('事業所の証明書が受け入れられていない可能性があります');
    expect(e.en).toContain("it may not accept this office's certificate");
  });
});

describe('RelayClient reading Retry-After', () => {
  let server: Server;
  let c: RelayClient;
  let retryAfter = '';

  beforeAll(async () => {
    server = createServer({ key: pem('relay-server.key.pem'), cert: pem('relay-server.pem') }, (req, res) => {
      req.resume();
      const body = Buffer.from(JSON.stringify({ error: { code: 'rate_limited', message: '要求が多すぎます', messageEn: 'Too many requests' } }));
      res.writeHead(429, { 'content-length': String(body.length), 'retry-after': retryAfter });
      res.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    c = new RelayClient({ url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, identity: identity('care-manager'), trustPem: pem('ca.pem') });
  });
  afterAll(async () => {
    c.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reads Retry-After given as an HTTP date', async () => {
    retryAfter = new Date(Date.now() + 30_000).toUTCString();
    const e = await failure(c.health());
    expect(e.status).toBe(429);
    expect(e.retryAfterMs).toBeGreaterThan(25_000);
    expect(e.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('reads a date in the past as "now", and nonsense as no Retry-After', async () => {
    retryAfter = new Date(Date.now() - 30_000).toUTCString();
    expect((await failure(c.health())).retryAfterMs).toBe(0);
    retryAfter = 'soon';
    expect((await failure(c.health())).retryAfterMs).toBeNull();
  });
});
