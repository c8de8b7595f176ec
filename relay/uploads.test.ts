// Issue 11 (#8): the relay streams a unit to disk while hashing it instead of holding it in memory,
// and caps the bytes in flight: above the cap it answers 503 with Retry-After.
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encryptCms } from '../pki/cms.js';
import { certInfo } from '../pki/certs.js';
import { BACKENDS, fixturePem, queryTestDatabase, rawRequest, startTestRelay, until, type TestRelay } from './testSupport.js';

const KiB = 1024;
const meta = Buffer.from(
  JSON.stringify({ sender: { office: '1310000011', serviceType: '43' }, receiver: { office: '1310000029', serviceType: '11' }, sequence: '20250425120002', month: '202504', kinds: ['UPPLAN'], files: ['UPPLAN.CSV'] }),
).toString('base64url');
const headers = (id: string, body: Buffer) => ({ 'content-type': 'application/cms', 'careplan-message-id': id, 'careplan-meta': meta, 'careplan-sha256': createHash('sha256').update(body).digest('hex') });

/** Starts an upload and sends only the first `sent` bytes: the rest waits for `finish()`. */
function startUpload(t: TestRelay, id: string, body: Buffer, sent: number) {
  let resolveAnswer!: (a: { status: number; body: string }) => void;
  const answer = new Promise<{ status: number; body: string }>((r) => (resolveAnswer = r));
  const req = request(
    { host: '127.0.0.1', port: t.relay.port, method: 'POST', path: '/v1/messages', headers: { ...headers(id, body), 'content-length': String(body.length) }, ca: fixturePem('ca.pem'), cert: fixturePem('care-manager.pem'), key: fixturePem('care-manager.key.pem'), agent: false },
    (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolveAnswer({ status: res.statusCode ?? 0, body: text }));
    },
  );
  req.on('error', (e) => resolveAnswer({ status: 0, body: e.message }));
  req.write(body.subarray(0, sent));
  return { answer, finish: () => req.end(body.subarray(sent)) };
}

/** What the store holds besides committed payloads: upload files (SQLite) or uncommitted payload rows (PostgreSQL). */
async function leftovers(t: TestRelay, what: 'all' | 'uploads'): Promise<string[]> {
  if (t.backend === 'postgres') {
    const rows = await queryTestDatabase<{ id: number }>(t.databaseUrl!, `SELECT id FROM payloads${what === 'uploads' ? ' WHERE NOT committed' : ''}`);
    return rows.map((r) => `payload ${r.id}`);
  }
  return readdirSync(join(t.dataDir, 'payloads')).filter((f) => what === 'all' || !f.endsWith('.seg'));
}

describe.each(BACKENDS)('uploads (%s)', (backend) => {
  let t: TestRelay;
  afterEach(() => t.close());

  it('refuses a unit over the limit without holding it in memory, and leaves no upload file behind', async () => {
    t = await startTestRelay({ backend, maxUnitBytes: 256 * KiB });
    for (const who of ['care-manager', 'home-help']) await rawRequest(t.relay, { as: who, path: '/v1/health' });
    // Chunked (no Content-Length): the relay learns the size only by reading.
    const big = Buffer.alloc(1024 * KiB, 0x5a);
    const answer = await new Promise<number>((resolve) => {
      const req = request(
        { host: '127.0.0.1', port: t.relay.port, method: 'POST', path: '/v1/messages', headers: { ...headers('big-stream1', big), 'transfer-encoding': 'chunked' }, ca: fixturePem('ca.pem'), cert: fixturePem('care-manager.pem'), key: fixturePem('care-manager.key.pem'), agent: false },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', () => resolve(0));
      for (let i = 0; i < big.length; i += 16 * KiB) req.write(big.subarray(i, i + 16 * KiB));
      req.end();
    });
    expect(answer).toBe(413);
    const stats = t.relay.stats();
    // Bodies go to disk as they arrive: what is held in memory at once stays far below the limit.
    expect(stats.peakBufferedBytes).toBeGreaterThan(0);
    expect(stats.peakBufferedBytes).toBeLessThan(128 * KiB);
    expect(stats.inFlightBytes).toBe(0);
    expect(await leftovers(t, 'all')).toEqual([]);
  });

  it('stores a streamed unit byte for byte', async () => {
    t = await startTestRelay({ backend, maxUnitBytes: 4096 * KiB });
    for (const who of ['care-manager', 'home-help']) await rawRequest(t.relay, { as: who, path: '/v1/health' });
    const env = await encryptCms(Buffer.alloc(2048 * KiB, 0x33), certInfo(fixturePem('home-help.pem')));
    const a = await rawRequest(t.relay, { as: 'care-manager', method: 'POST', path: '/v1/messages', headers: headers('streamed-01', env), body: env });
    expect(a.status).toBe(201);
    expect((await t.store.readPayload('streamed-01')).equals(env)).toBe(true);
    expect(t.relay.stats().peakBufferedBytes).toBeLessThan(256 * KiB);
    // The upload was moved into its segment, not copied: nothing else is left in the payload area.
    expect(await leftovers(t, 'uploads')).toEqual([]);
  });

  it('answers 503 with Retry-After while the bytes in flight would pass the cap, and accepts again after', async () => {
    t = await startTestRelay({ backend, maxUnitBytes: 64 * KiB, maxInFlightBytes: 100 * KiB });
    for (const who of ['care-manager', 'home-help']) await rawRequest(t.relay, { as: who, path: '/v1/health' });
    const first = await encryptCms(Buffer.alloc(40 * KiB, 1), certInfo(fixturePem('home-help.pem')));
    const second = await encryptCms(Buffer.alloc(40 * KiB, 2), certInfo(fixturePem('home-help.pem')));
    const third = await encryptCms(Buffer.alloc(40 * KiB, 3), certInfo(fixturePem('home-help.pem')));
    const a = startUpload(t, 'inflight-01', first, 1024);
    const b = startUpload(t, 'inflight-02', second, 1024);
    await until(() => t.relay.stats().inFlightBytes >= first.length + second.length, 'two uploads in flight');
    const refused = await rawRequest(t.relay, { as: 'care-manager', method: 'POST', path: '/v1/messages', headers: headers('inflight-03', third), body: third });
    expect(refused.status).toBe(503);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((refused.json() as { error: { code: string } }).error.code).toBe('busy');
    a.finish();
    b.finish();
    expect((await a.answer).status).toBe(201);
    expect((await b.answer).status).toBe(201);
    expect(t.relay.stats().inFlightBytes).toBe(0);
    const later = await rawRequest(t.relay, { as: 'care-manager', method: 'POST', path: '/v1/messages', headers: headers('inflight-03', third), body: third });
    expect(later.status).toBe(201);
  });
});
