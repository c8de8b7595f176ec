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
  return { answer, finish: () => req.end(body.subarray(sent)), abort: () => req.destroy() };
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
    // (what the store has not taken yet is at most the limit: the body is refused on reaching it)
    expect(stats.peakBufferedBytes).toBeLessThanOrEqual(256 * KiB + 64 * KiB);
    expect(stats.inFlightBytes).toBe(0);
    expect(await leftovers(t, 'all')).toEqual([]);
  });

  it('stores a streamed unit byte for byte', async () => {
    t = await startTestRelay({ backend, maxUnitBytes: 8192 * KiB });
    for (const who of ['care-manager', 'home-help']) await rawRequest(t.relay, { as: who, path: '/v1/health' });
    const env = await encryptCms(Buffer.alloc(4096 * KiB, 0x33), certInfo(fixturePem('home-help.pem')));
    const a = await rawRequest(t.relay, { as: 'care-manager', method: 'POST', path: '/v1/messages', headers: headers('streamed-01', env), body: env });
    expect(a.status).toBe(201);
    expect((await t.store.readPayload('streamed-01')).equals(env)).toBe(true);
    // The write-behind (1 MiB) and the piece being gathered (256 KiB and a read) at most, not the 4 MiB unit.
    expect(t.relay.stats().peakBufferedBytes).toBeLessThanOrEqual(1024 * KiB + 256 * KiB + 64 * KiB);
    // The upload was moved into its segment, not copied: nothing else is left in the payload area.
    expect(await leftovers(t, 'uploads')).toEqual([]);
  });

  it('answers 503 with Retry-After while the bytes in flight would pass the cap (no waiting), and accepts again after', async () => {
    t = await startTestRelay({ backend, maxUnitBytes: 64 * KiB, maxInFlightBytes: 100 * KiB, uploadWaitMs: 0 });
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

/** The unit's stored row and payload, or undefined when nothing was stored. */
async function stored(t: TestRelay, id: string) {
  const m = await t.store.message(id);
  return m && { sha256: m.sha256, size: m.size, payload: await t.store.readPayload(id) };
}

describe.each(BACKENDS)('streamed uploads, end to end (%s)', (backend) => {
  let t: TestRelay;
  afterEach(() => t.close());
  const send = (id: string, body: Buffer, sha = createHash('sha256').update(body).digest('hex')) =>
    rawRequest(t.relay, { as: 'care-manager', method: 'POST', path: '/v1/messages', headers: { ...headers(id, body), 'careplan-sha256': sha }, body });

  it('stores small and large units of one burst byte for byte, each with its own hash', async () => {
    t = await startTestRelay({ backend, maxUnitBytes: 4096 * KiB });
    for (const who of ['care-manager', 'home-help']) await rawRequest(t.relay, { as: who, path: '/v1/health' });
    // Around the size a unit is kept whole in memory (64 KiB) and far beyond it, sent at once so that they share commits.
    const sizes = [1 * KiB, 10 * KiB, 64 * KiB - 40, 64 * KiB + 1, 300 * KiB, 1500 * KiB];
    const bodies = await Promise.all(sizes.map((n, i) => encryptCms(Buffer.alloc(n, 0x41 + i), certInfo(fixturePem('home-help.pem')))));
    const answers = await Promise.all(bodies.map((b, i) => send(`burst-${String(i).padStart(4, '0')}`, b)));
    expect(answers.map((a) => a.status)).toEqual(sizes.map(() => 201));
    for (const [i, body] of bodies.entries()) {
      const s = await stored(t, `burst-${String(i).padStart(4, '0')}`);
      expect(s?.payload.equals(body)).toBe(true);
      expect(s?.sha256).toBe(createHash('sha256').update(body).digest('hex'));
      expect(s?.size).toBe(body.length);
    }
    expect(await leftovers(t, 'uploads')).toEqual([]);
    // Nothing stays counted once the units are stored.
    expect(t.relay.stats().bufferedBytes).toBe(0);
  });

  it.each([
    ['small', 10 * KiB],
    ['large', 600 * KiB],
  ])('stores nothing of a %s unit whose hash does not match, and leaves no file or upload', async (_, n) => {
    t = await startTestRelay({ backend, maxUnitBytes: 1024 * KiB });
    for (const who of ['care-manager', 'home-help']) await rawRequest(t.relay, { as: who, path: '/v1/health' });
    const body = await encryptCms(Buffer.alloc(n, 0x61), certInfo(fixturePem('home-help.pem')));
    const refused = await send('badhash-01', body, '0'.repeat(64));
    expect(refused.status).toBe(400);
    expect((refused.json() as { error: { code: string } }).error.code).toBe('digest_mismatch');
    expect(await stored(t, 'badhash-01')).toBeUndefined();
    expect(await leftovers(t, 'all')).toEqual([]);
    expect(t.relay.stats()).toMatchObject({ inFlightBytes: 0, bufferedBytes: 0 });
  });

  it('stores nothing of a unit cut short, and leaves no file or upload', async () => {
    t = await startTestRelay({ backend, maxUnitBytes: 1024 * KiB });
    for (const who of ['care-manager', 'home-help']) await rawRequest(t.relay, { as: who, path: '/v1/health' });
    const body = await encryptCms(Buffer.alloc(600 * KiB, 0x62), certInfo(fixturePem('home-help.pem')));
    const cut = startUpload(t, 'cutshort-01', body, 300 * KiB);
    await until(() => t.relay.stats().inFlightBytes > 0, 'the upload in progress');
    // Part of the body has reached the store (a file, or chunks) before the client goes away.
    await until(() => t.relay.stats().peakBufferedBytes > 0, 'bytes read');
    cut.abort();
    await until(() => t.relay.stats().inFlightBytes === 0, 'the upload given up');
    expect(await stored(t, 'cutshort-01')).toBeUndefined();
    expect(await leftovers(t, 'all')).toEqual([]);
    expect(t.relay.stats().bufferedBytes).toBe(0);
  });

  it('never reserves more than the cap: uploads beyond it are refused with 503 and all succeed when sent again', async () => {
    const cap = 200 * KiB;
    t = await startTestRelay({ backend, maxUnitBytes: 64 * KiB, maxInFlightBytes: cap, uploadWaitMs: 0 });
    for (const who of ['care-manager', 'home-help']) await rawRequest(t.relay, { as: who, path: '/v1/health' });
    const bodies = await Promise.all(Array.from({ length: 12 }, (_, i) => encryptCms(Buffer.alloc(50 * KiB, i), certInfo(fixturePem('home-help.pem')))));
    const id = (i: number) => `capped-${String(i).padStart(4, '0')}`;
    // All twelve start at once and stay half sent, until each is either reserved or refused.
    const first = bodies.map((b, i) => startUpload(t, id(i), b, 1024));
    let refused = 0;
    for (const u of first) void u.answer.then((a) => (refused += a.status === 503 ? 1 : 0));
    await until(() => refused + t.relay.stats().inFlightBytes / bodies[0]!.length === bodies.length, 'every upload reserved or refused');
    expect(refused).toBeGreaterThan(0);
    expect(t.relay.stats().inFlightBytes).toBeLessThanOrEqual(cap);
    for (const u of first) u.finish();
    // A refused one is sent again (as the client's transport does after Retry-After) until it is taken.
    const deliver = async (answer: Promise<{ status: number }>, i: number): Promise<number> => {
      let { status } = await answer;
      while (status === 503) {
        const again = startUpload(t, id(i), bodies[i]!, 0);
        again.finish();
        ({ status } = await again.answer);
      }
      return status;
    };
    const statuses = await Promise.all(first.map((u, i) => deliver(u.answer, i)));
    expect(statuses).toEqual(bodies.map(() => 201));
    const stats = t.relay.stats();
    expect(stats.peakInFlightBytes).toBeGreaterThan(0);
    expect(stats.peakInFlightBytes).toBeLessThanOrEqual(cap);
    expect(stats.peakBufferedBytes).toBeLessThanOrEqual(cap);
    expect(stats).toMatchObject({ inFlightBytes: 0, bufferedBytes: 0 });
    for (const [i, body] of bodies.entries()) expect((await stored(t, id(i)))?.payload.equals(body)).toBe(true);
  });
});

describe.each(BACKENDS)('uploads over the in-flight cap wait their turn (%s)', (backend) => {
  let t: TestRelay;
  afterEach(() => t.close());

  it('holds an upload beyond the cap unread until room is made, then stores it; nothing is refused', async () => {
    t = await startTestRelay({ backend, maxUnitBytes: 64 * KiB, maxInFlightBytes: 100 * KiB });
    for (const who of ['care-manager', 'home-help']) await rawRequest(t.relay, { as: who, path: '/v1/health' });
    const [first, second, third] = await Promise.all([1, 2, 3].map((n) => encryptCms(Buffer.alloc(40 * KiB, n), certInfo(fixturePem('home-help.pem')))));
    const a = startUpload(t, 'waiting-01', first!, 1024);
    const b = startUpload(t, 'waiting-02', second!, 1024);
    await until(() => t.relay.stats().inFlightBytes === first!.length + second!.length, 'two uploads in flight');
    // The third is sent whole: the relay leaves it unread, waiting, rather than refusing it.
    const c = startUpload(t, 'waiting-03', third!, third!.length);
    c.finish();
    await until(() => t.relay.stats().waitingUploads === 1, 'the third upload waiting');
    expect(t.relay.stats().inFlightBytes).toBe(first!.length + second!.length);
    a.finish();
    expect((await a.answer).status).toBe(201);
    b.finish();
    expect((await b.answer).status).toBe(201);
    expect((await c.answer).status).toBe(201);
    const stats = t.relay.stats();
    expect(stats).toMatchObject({ inFlightBytes: 0, waitingUploads: 0, bufferedBytes: 0 });
    expect(stats.peakInFlightBytes).toBeLessThanOrEqual(100 * KiB);
    expect((await stored(t, 'waiting-03'))?.payload.equals(third!)).toBe(true);
  });
});
