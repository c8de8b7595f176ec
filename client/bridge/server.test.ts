// The web bridge: only this machine, only with the run's token, only our own origin, only checked
// payloads; the renderer's files with the strict CSP.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Handlers } from '../../shared/api/methods.js';
import { ApiError } from '../../shared/api/methods.js';
import { resultEnvelopeSchema } from '../../shared/errorSchemas.js';
import { startBridge, type RunningBridge } from './server.js';

let bridge: RunningBridge;
const calls: unknown[] = [];

const handlers = new Proxy({} as Handlers, {
  get: (_t, method: string) => async (req: unknown) => {
    calls.push([method, req]);
    if (method === 'unlock') throw new ApiError('P12_WRONG_PASSWORD', '証明書ファイルのパスワードが違います', 'Wrong password');
    if (method === 'home') throw new Error('disk on fire');
    return { method, echo: req };
  },
});

beforeAll(async () => {
  const staticDir = mkdtempSync(join(tmpdir(), 'cpl-bridge-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  bridge = await startBridge({ handlers, staticDir });
});
afterAll(() => bridge.close());

function call(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(bridge.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: opts.method ?? 'POST', headers: { 'content-type': 'application/json', ...(opts.headers ?? {}) } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const auth = () => ({ authorization: `Bearer ${bridge.token}` });

describe('web bridge', () => {
  it('listens on loopback only and hands out the token in the fragment', () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(bridge.openUrl).toBe(`${bridge.url}/#token=${bridge.token}`);
    expect(bridge.token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers a checked call with its result', async () => {
    const r = await call('/api/searchPartners', { headers: auth(), body: JSON.stringify({ query: 'ひまわり' }) });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ ok: true, result: { method: 'searchPartners', echo: { query: 'ひまわり' } } });
  });

  it('refuses calls without the token, with a wrong token, from another origin or host', async () => {
    const before = calls.length;
    expect((await call('/api/getState', { body: '{}' })).status).toBe(401);
    expect((await call('/api/getState', { headers: { authorization: `Bearer ${'0'.repeat(64)}` }, body: '{}' })).status).toBe(401);
    expect((await call('/api/getState', { headers: { ...auth(), origin: 'https://evil.example' }, body: '{}' })).status).toBe(403);
    expect((await call('/api/getState', { headers: { ...auth(), host: 'evil.example:80' }, body: '{}' })).status).toBe(403);
    expect(calls.length).toBe(before);
  });

  it('refuses payloads that fail the schema and unknown methods before any handler runs', async () => {
    const before = calls.length;
    const bad = await call('/api/setFavourite', { headers: auth(), body: JSON.stringify({ office: '12', favourite: 'yes' }) });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatchObject({ code: 'bad_request' });
    expect((await call('/api/getState', { headers: auth(), body: JSON.stringify({ extra: 1 }) })).status).toBe(400);
    expect((await call('/api/evalSomething', { headers: auth(), body: '{}' })).status).toBe(404);
    expect((await call('/api/getState', { headers: auth(), body: '{not json' })).status).toBe(400);
    expect((await call('/api/getState', { headers: { ...auth(), 'content-type': 'text/plain' }, body: '{}' })).status).toBe(415);
    expect(calls.length).toBe(before);
  });

  it('passes readable errors through, and marks unexpected ones as internal (HTTP 500)', async () => {
    const r = await call('/api/unlock', { headers: auth(), body: JSON.stringify({ password: 'x' }) });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error).toEqual({ code: 'P12_WRONG_PASSWORD', ja: '証明書ファイルのパスワードが違います', en: 'Wrong password' });
    const i = await call('/api/home', { headers: auth(), body: '{}' });
    expect(i.status).toBe(500);
    expect(JSON.parse(i.body).error.code).toBe('internal');
  });

  it('answers every refusal, transport-level or not, with an error envelope (the HTTP status kept)', async () => {
    const refusals = [
      [401, 'unauthorized', await call('/api/getState', { body: '{}' })],
      [403, 'bad_origin', await call('/api/getState', { headers: { ...auth(), origin: 'https://evil.example' }, body: '{}' })],
      [415, 'content_type', await call('/api/getState', { headers: { ...auth(), 'content-type': 'text/plain' }, body: '{}' })],
      [400, 'bad_json', await call('/api/getState', { headers: auth(), body: '{not json' })],
      [405, 'method', await call('/api/getState', { method: 'GET' })],
      [404, 'unknown_method', await call('/api/evalSomething', { headers: auth(), body: '{}' })],
      [400, 'P12_WRONG_PASSWORD', await call('/api/unlock', { headers: auth(), body: JSON.stringify({ password: 'x' }) })],
      [500, 'internal', await call('/api/home', { headers: auth(), body: '{}' })],
    ] as const;
    for (const [status, code, r] of refusals) {
      expect(r.status, code).toBe(status);
      const envelope = resultEnvelopeSchema.parse(JSON.parse(r.body));
      expect(envelope).toMatchObject({ ok: false, error: { code } });
    }
  });

  it('serves the renderer with the strict CSP, and nothing outside its folder', async () => {
    const r = await call('/', { method: 'GET' });
    expect(r.status).toBe(200);
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
    expect((await call('/../../etc/passwd', { method: 'GET' })).status).toBe(404);
    expect((await call('/%2e%2e/%2e%2e/etc/passwd', { method: 'GET' })).status).toBe(404);
    // Encoded slashes survive URL parsing and reach the folder guard itself.
    expect((await call('/..%2f..%2f..%2fetc%2fpasswd', { method: 'GET' })).status).toBe(404);
    expect((await call('/index.html', { method: 'GET' })).status).toBe(200);
    expect((await call('/api/getState', { method: 'GET' })).status).toBe(405);
  });
});
