// Issue 15, deliver 4: what an operator runs the relay with. The admin port answers without a client
// certificate (/healthz, /readyz, /metrics, /openapi.json); the request log is JSON with a request
// id and no personal data; close() is graceful (no new requests, the ones in flight finish).
import { createHash } from 'node:crypto';
import { get, type IncomingMessage } from 'node:http';
import { request } from 'node:https';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { certInfo } from '../pki/certs.js';
import { encryptCms } from '../pki/cms.js';
import type { RunningRelay } from '../relay/index.js';
import { BACKENDS, fixturePem, rawRequest, startTestRelay, until, type RawAnswer, type TestRelay } from '../relay/testSupport.js';

const relays: TestRelay[] = [];
afterEach(async () => {
  for (const r of relays.splice(0)) await r.close();
});

function adminGet(relay: RunningRelay, path: string): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    get(`${relay.admin!.url}${path}`, (res: IncomingMessage) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), text }));
    }).on('error', reject);
  });
}

/** Prometheus text format: `name{labels} value` lines, comments skipped. */
function samples(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  return text
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(l);
      if (!m) throw new Error(`not a sample line: ${l}`);
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]));
      return { name: m[1]!, labels, value: Number(m[3]) };
    });
}
const sample = (all: ReturnType<typeof samples>, name: string, labels: Record<string, string> = {}) =>
  all.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

const META = { sender: { office: '1310000011', serviceType: '43' }, receiver: { office: '1310000029', serviceType: '11' }, sequence: '20250425120002', month: '202504', kinds: ['UPPLAN'], files: ['UPPLAN_山田太郎_被保険者1234567890.CSV'] };
async function unit(id: string, text = 'SECRET-PLAN-CONTENT') {
  const body = await encryptCms(Buffer.from(text), certInfo(fixturePem('home-help.pem')));
  const headers = { 'content-type': 'application/cms', 'careplan-message-id': id, 'careplan-meta': Buffer.from(JSON.stringify(META)).toString('base64url'), 'careplan-sha256': createHash('sha256').update(body).digest('hex') };
  return { body, headers };
}
const submit = async (relay: RunningRelay, id: string, extra: Record<string, string> = {}): Promise<RawAnswer> => {
  const u = await unit(id);
  return rawRequest(relay, { as: 'care-manager', method: 'POST', path: '/v1/messages', headers: { ...u.headers, ...extra }, body: u.body });
};

describe.each(BACKENDS)('the admin port (%s)', (backend) => {
  it('answers /healthz, /readyz and /openapi.json without a client certificate, on loopback', async () => {
    const t = await startTestRelay({ backend, admin: { port: 0 } });
    relays.push(t);
    expect(t.relay.admin!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await adminGet(t.relay, '/healthz')).toMatchObject({ status: 200 });
    const ready = await adminGet(t.relay, '/readyz');
    expect([ready.status, JSON.parse(ready.text)]).toEqual([200, { ready: true, store: backend }]);
    const api = JSON.parse((await adminGet(t.relay, '/openapi.json')).text) as { openapi: string; paths: Record<string, unknown> };
    expect(api.openapi).toBe('3.1.0');
    expect(Object.keys(api.paths)).toContain('/v1/messages/{id}/payload');
    expect((await adminGet(t.relay, '/v1/health')).status).toBe(404);
  });

  it('/readyz turns false when the store is down (and /healthz stays up)', async () => {
    const t = await startTestRelay({ backend, admin: { port: 0 } });
    relays.push(t);
    await t.store.close();
    const ready = await adminGet(t.relay, '/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text)).toMatchObject({ ready: false });
    expect(JSON.parse(ready.text).reason).toMatch(/^store: /);
    expect((await adminGet(t.relay, '/healthz')).status).toBe(200);
  });

  it('/metrics counts requests, bytes, errors and latencies, and gives the queue depth per office', async () => {
    const t = await startTestRelay({ backend, admin: { port: 0 } });
    relays.push(t);
    expect((await rawRequest(t.relay, { as: 'home-help', path: '/v1/health' })).status).toBe(200);
    const stored = [await submit(t.relay, 'metric-0001'), await submit(t.relay, 'metric-0002')];
    expect(stored.map((s) => s.status)).toEqual([201, 201]);
    const missing = await rawRequest(t.relay, { as: 'home-help', path: '/v1/messages/nope/payload' });
    expect(missing.status).toBe(404);
    const got = await rawRequest(t.relay, { as: 'home-help', path: '/v1/messages/metric-0001/payload' });
    expect(got.status).toBe(200);
    // The server counts a request when its answer has left (the 'finish' event), which may come a
    // moment after the client has read it: wait for the download to be counted.
    let m = await adminGet(t.relay, '/metrics');
    for (const start = Date.now(); !sample(samples(m.text), 'careplan_relay_requests_total', { route: '/v1/messages/{id}/payload', status: '200' }) && Date.now() - start < 10_000; ) m = await adminGet(t.relay, '/metrics');
    expect(m.type).toContain('text/plain');
    const all = samples(m.text);
    expect(sample(all, 'careplan_relay_requests_total', { method: 'POST', route: '/v1/messages', status: '201' })).toBe(2);
    expect(sample(all, 'careplan_relay_requests_total', { method: 'GET', route: '/v1/messages/{id}/payload', status: '404' })).toBe(1);
    expect(sample(all, 'careplan_relay_errors_total', { code: 'not_found' })).toBe(1);
    expect(sample(all, 'careplan_relay_received_bytes_total', { route: '/v1/messages' })).toBe(stored.reduce((n, s) => n + (s.json() as { size: number }).size, 0));
    expect(sample(all, 'careplan_relay_sent_bytes_total', { route: '/v1/messages/{id}/payload' })).toBe(missing.body.length + got.body.length);
    expect(sample(all, 'careplan_relay_request_duration_seconds_count', { route: '/v1/messages' })).toBe(2);
    // Both units wait for 1310000029 (one downloaded, not yet received: still waiting).
    expect(sample(all, 'careplan_relay_queue_depth', { office: '1310000029' })).toBe(2);
    expect(sample(all, 'careplan_relay_requests_in_flight')).toBe(0);
    // Message ids never become labels.
    expect(m.text).not.toContain('metric-0001');
  });
});

describe('the request log', () => {
  it('is JSON with a request id per request (sent back as X-Request-Id) and holds no personal data', async () => {
    const lines: Record<string, unknown>[] = [];
    const raw: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        raw.push(chunk.toString());
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    const t = await startTestRelay({ logger: pino({ level: 'info' }, sink) });
    relays.push(t);
    expect((await rawRequest(t.relay, { as: 'home-help', path: '/v1/health' })).status).toBe(200);
    const mine = await submit(t.relay, 'log-0001', { 'x-request-id': 'lb-abc-123' });
    expect(mine.headers['x-request-id']).toBe('lb-abc-123');
    const theirs = await rawRequest(t.relay, { as: 'home-help', path: '/v1/directory?q=%E5%B1%B1%E7%94%B0%E5%A4%AA%E9%83%8E' });
    const madeHere = String(theirs.headers['x-request-id']);
    expect(madeHere).toMatch(/^[0-9a-f-]{36}$/);
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests.slice(1).map((l) => [l.reqId, l.route, l.status, l.office])).toEqual([
      ['lb-abc-123', '/v1/messages', 201, '1310000011'],
      [madeHere, '/v1/directory', 200, '1310000029'],
    ]);
    for (const l of requests) expect(typeof l.ms).toBe('number');
    const text = raw.join('');
    // Not the file names (a person's name and number), the search text, the message id in a path, the organisation name.
    for (const secret of ['山田太郎', '1234567890', 'UPPLAN_', '%E5%B1%B1', 'テスト事業所', 'SECRET']) expect(text).not.toContain(secret);
  });
});

describe.each(BACKENDS)('graceful shutdown (%s)', (backend) => {
  it('takes no new connection, lets the upload in flight finish, then closes', async () => {
    const t = await startTestRelay({ backend, admin: { port: 0 } });
    const relay = t.relay;
    expect((await rawRequest(relay, { as: 'home-help', path: '/v1/health' })).status).toBe(200);
    const u = await unit('drain-0001');
    // An upload whose body is only half sent when the relay is told to stop.
    let answered: (a: { status: number; body: string }) => void = () => {};
    const answer = new Promise<{ status: number; body: string }>((r) => (answered = r));
    const req = request(
      { host: '127.0.0.1', port: relay.port, method: 'POST', path: '/v1/messages', headers: { ...u.headers, 'content-length': String(u.body.length) }, ca: fixturePem('ca.pem'), cert: fixturePem('care-manager.pem'), key: fixturePem('care-manager.key.pem'), agent: false },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => answered({ status: res.statusCode ?? 0, body }));
      },
    );
    req.write(u.body.subarray(0, 100));
    await until(() => relay.observer.inFlightNow === 1, 'the upload to be in flight');
    let closed = false;
    const closing = relay.close().then(() => (closed = true));
    // Told to stop: not ready, no new connections; the upload is still being served.
    expect((await adminGet(relay, '/readyz')).status).toBe(503);
    expect((await rawRequest(relay, { as: 'home-help', path: '/v1/health' })).status).toBe(0);
    expect(closed).toBe(false);
    req.end(u.body.subarray(100));
    await closing;
    expect(await answer).toMatchObject({ status: 201 });
    expect((await t.store.message('drain-0001', '1310000011'))?.sha256).toBe(u.headers['careplan-sha256']);
    await t.close();
  });
});
