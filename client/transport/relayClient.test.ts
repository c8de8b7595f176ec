// The client reads every relay answer through the protocol schemas: an answer that is JSON but not
// what API v1 promises becomes a RelayError `bad_response`, never a half-filled object passed on.
// A stand-in relay (plain HTTPS with the test PKI, port 0) answers with whatever a test sets.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rejectionOf } from '../../test/support/rejection.js';
import { loadPkcs12 } from '../../pki/pkcs12.js';
import { LocalizedError } from '../../shared/errors.js';
import { EXAMPLE_META } from '../../shared/protocol/testExamples.js';
import { RelayClient, RelayError } from './relayClient.js';

const PKI = join(import.meta.dirname, '..', '..', 'fixtures', 'pki');
const pem = (f: string) => readFileSync(join(PKI, f), 'utf8');

const SHA = 'ab'.repeat(32);
const message = {
  messageId: 'flow-0001',
  cursor: 1,
  ...EXAMPLE_META,
  size: 100,
  sha256: SHA,
  status: 'queued',
  createdAt: '2026-11-25T12:00:00.000Z',
  deliveredAt: null,
  receipts: [],
};
const { sha256: _hash, ...withoutHash } = message;

interface Answer {
  status: number;
  body: string | Buffer;
  headers?: Record<string, string>;
}

const failure = (p: Promise<unknown>) => rejectionOf(p, RelayError);

describe('RelayClient against answers that do not fit the protocol', () => {
  let server: Server;
  let client: RelayClient;
  let answer: Answer;

  beforeAll(async () => {
    server = createServer({ key: pem('relay-server.key.pem'), cert: pem('relay-server.pem') }, (req, res) => {
      req.resume();
      req.on('end', () => {
        const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body;
        res.writeHead(answer.status, { 'content-length': String(body.length), ...(answer.headers ?? {}) });
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const identity = loadPkcs12(readFileSync(join(PKI, 'care-manager.p12')), 'test-password', { requireUsable: false });
    client = new RelayClient({ url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, identity, trustPem: pem('ca.pem') });
  });
  beforeEach(() => {
    answer = { status: 200, body: '{}' };
  });
  afterAll(async () => {
    client.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('passes on an answer that fits', async () => {
    answer = { status: 200, body: JSON.stringify(message) };
    expect(await client.message('flow-0001')).toEqual(message);
  });

  it('refuses a message without sha256, naming the field, in Japanese and English', async () => {
    answer = { status: 200, body: JSON.stringify(withoutHash) };
    const e = await failure(client.message('flow-0001'));
    expect(e).toBeInstanceOf(LocalizedError);
    expect({ status: e.status, code: e.code, transient: e.transient }).toEqual({ status: 200, code: 'bad_response', transient: false });
    expect(e.ja).toContain('連携サービスの応答が想定した形ではありません');
    expect(e.ja).toContain('sha256');
    expect(e.en).toContain('sha256');
  });

  it('refuses such a message inside an inbox page, and after a submission', async () => {
    answer = { status: 200, body: JSON.stringify({ messages: [message, withoutHash], next: 2 }) };
    const e = await failure(client.inbox());
    expect(e.code).toBe('bad_response');
    expect(e.en).toContain('messages.1.sha256');
    answer = { status: 201, body: JSON.stringify({ ...message, status: 'lost' }) };
    const { cursor: _c, size: _s, status: _st, createdAt: _ca, deliveredAt: _d, receipts: _r, ...meta } = message;
    expect((await failure(client.submit(meta, Buffer.from('x')))).code).toBe('bad_response');
  });

  it('refuses a health answer or a directory of the wrong shape', async () => {
    answer = { status: 200, body: JSON.stringify({ ok: true }) };
    expect((await failure(client.health())).code).toBe('bad_response');
    answer = { status: 200, body: JSON.stringify({ offices: [{ office: '1310000029', name: 'x' }] }) };
    expect((await failure(client.directory())).code).toBe('bad_response');
  });

  it('reads an API v1 error body as the relay’s own error, and one of another shape as bad_response', async () => {
    answer = { status: 429, body: JSON.stringify({ error: { code: 'rate_limited', message: '要求が多すぎます', messageEn: 'Too many requests' } }), headers: { 'retry-after': '2' } };
    const limited = await failure(client.health());
    expect({ code: limited.code, ja: limited.ja, en: limited.en, retryAfterMs: limited.retryAfterMs, transient: limited.transient }).toEqual({ code: 'rate_limited', ja: '要求が多すぎます', en: 'Too many requests', retryAfterMs: 2000, transient: true });
    answer = { status: 502, body: JSON.stringify({ message: 'bad gateway' }) };
    const odd = await failure(client.health());
    expect({ status: odd.status, code: odd.code, transient: odd.transient }).toEqual({ status: 502, code: 'bad_response', transient: true });
  });

  it('refuses a download that does not announce the payload hash', async () => {
    answer = { status: 200, body: Buffer.from([0x30, 0x80]), headers: { 'careplan-sha256': SHA } };
    expect((await client.download('flow-0001')).sha256).toBe(SHA);
    answer = { status: 200, body: Buffer.from([0x30, 0x80]) };
    const e = await failure(client.download('flow-0001'));
    expect(e.code).toBe('bad_response');
    expect(e.en).toContain('careplan-sha256');
  });
});
