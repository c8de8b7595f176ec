// How the relay reads requests through the protocol schemas: each refusal keeps the code and the
// text the relay answered with before the schemas (relay/API.md), and refusals are LocalizedErrors.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { LocalizedError } from '../shared/errors.js';
import { errorResponse, HttpError, checkDigest, readDirectoryUpdate, readMessageId, readMeta, readPageQuery, readReceipt } from './requests.js';
import { EXAMPLE_META } from '../shared/protocol/testExamples.js';

const SHA = 'ab'.repeat(32);
const meta = EXAMPLE_META;
const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

/** The refusal a call throws, as what the client would see. */
function refusal(f: () => unknown): { status: number; code: string; ja: string; en: string } {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(HttpError);
    const h = e as HttpError;
    return { status: h.status, code: h.code, ja: h.ja, en: h.en };
  }
  throw new Error('no refusal');
}

describe('refusals', () => {
  it('are LocalizedErrors and go out in the API v1 error body', () => {
    const e = new HttpError(429, 'rate_limited', '要求が多すぎます', 'Too many requests', { 'retry-after': '3' });
    expect(e).toBeInstanceOf(LocalizedError);
    expect(e.headers).toEqual({ 'retry-after': '3' });
    expect(errorResponse(e)).toEqual({ error: { code: 'rate_limited', message: '要求が多すぎます', messageEn: 'Too many requests' } });
  });
});

describe('submit headers', () => {
  it('reads the message id and refuses a bad one', () => {
    expect(readMessageId(request({ 'careplan-message-id': 'flow-0001' }), 'careplan-message-id')).toBe('flow-0001');
    expect(refusal(() => readMessageId(request({}), 'careplan-message-id'))).toEqual({ status: 400, code: 'bad_message_id', ja: 'メッセージIDが正しくありません', en: 'Invalid Careplan-Message-Id' });
  });

  it('refuses any claimed hash that is not the hash of the body, well-formed or not', () => {
    expect(() => checkDigest(request({ 'careplan-sha256': SHA }), 'careplan-sha256', SHA)).not.toThrow();
    for (const claimed of ['0'.repeat(64), SHA.toUpperCase(), '']) expect(refusal(() => checkDigest(request({ 'careplan-sha256': claimed }), 'careplan-sha256', SHA)).code).toBe('digest_mismatch');
  });

  it('reads Careplan-Meta and names the first wrong field in the order it always has', () => {
    expect(readMeta(encode(meta), 'flow-0001', 10, SHA)).toEqual({ messageId: 'flow-0001', ...meta, size: 10, sha256: SHA });
    const why = (raw: string | undefined) => refusal(() => readMeta(raw, 'flow-0001', 10, SHA));
    expect(why(undefined)).toEqual({ status: 400, code: 'bad_meta', ja: '送信単位の情報（Careplan-Meta）が正しくありません: missing', en: 'Careplan-Meta is invalid: missing' });
    expect(why('%%%').en).toBe('Careplan-Meta is invalid: not base64url JSON');
    // sequence is named before sender even though sender comes first in the JSON.
    expect(why(encode({ ...meta, sender: null, sequence: '1' })).en).toBe('Careplan-Meta is invalid: sequence');
    expect(why(encode({ ...meta, month: 202504 })).en).toBe('Careplan-Meta is invalid: month');
    expect(why(encode({ ...meta, receiver: { office: '1310000029' } })).en).toBe('Careplan-Meta is invalid: receiver');
    expect(why(encode({ ...meta, kinds: 'UPPLAN' })).en).toBe('Careplan-Meta is invalid: kinds');
    expect(why(encode({ ...meta, files: ['a/b'] })).en).toBe('Careplan-Meta is invalid: files');
    // Formerly a crash (500): JSON null is now refused like any other bad meta.
    expect(why(encode(null)).code).toBe('bad_meta');
  });
});

describe('receipts', () => {
  const expectFor = { messageId: 'flow-0001', sha256: SHA, office: '1310000029' };
  const said = { messageId: 'flow-0001', sha256: SHA, disposition: 'received', reason: null, at: '2026-11-25T12:01:00.000Z', office: '1310000029' };
  const body = (statement: unknown, extra: Record<string, unknown> = { signature: 'c2ln' }) => Buffer.from(JSON.stringify({ statement: typeof statement === 'string' ? statement : JSON.stringify(statement), ...extra }));
  const code = (b: Buffer) => {
    const r = refusal(() => readReceipt(b, expectFor));
    return `${r.code}: ${r.en}`;
  };

  it('reads a receipt about this message, keeping the statement bytes exactly', () => {
    const text = JSON.stringify(said);
    const r = readReceipt(body(text), expectFor);
    expect(r.statement).toBe(text);
    expect(r.signature).toBe('c2ln');
    expect(r.said).toEqual(said);
    expect(readReceipt(body({ ...said, reason: 42 }), expectFor).said.reason).toBeNull();
  });

  it('refuses with the same codes and texts as before', () => {
    expect(code(Buffer.from('not json'))).toBe('bad_receipt: Malformed receipt');
    expect(code(body('not json'))).toBe('bad_receipt: Malformed receipt');
    expect(code(Buffer.from(JSON.stringify({ signature: 'c2ln' })))).toBe('bad_receipt: Malformed receipt');
    expect(code(body(said, {}))).toBe('bad_receipt: The receipt does not describe this message');
    expect(code(body({ ...said, messageId: 'other-0001' }))).toBe('bad_receipt: The receipt does not describe this message');
    expect(code(body({ ...said, office: '1310000011' }))).toBe('bad_receipt: The receipt does not describe this message');
    expect(code(body({ ...said, disposition: 'delivered', sha256: 'x' }))).toBe('bad_receipt: The receipt does not describe this message');
    expect(code(body({ ...said, at: 1 }))).toBe('bad_receipt: The receipt does not describe this message');
    // A wrong digest, well-formed or not, is receipt_digest.
    expect(code(body({ ...said, sha256: '1'.repeat(64) }))).toBe('receipt_digest: The receipt hash differs from the stored payload');
    expect(code(body({ ...said, sha256: 'nonsense' }))).toBe('receipt_digest: The receipt hash differs from the stored payload');
  });
});

describe('directory and paging', () => {
  it('reads PUT /v1/directory/me forgivingly but refuses what is not a JSON object', () => {
    expect(readDirectoryUpdate(Buffer.from(JSON.stringify({ name: ' ひまわり ', serviceTypes: ['11', 'bad'] })))).toEqual({ name: 'ひまわり', serviceTypes: ['11'] });
    const bad = { status: 400, code: 'bad_json', ja: 'JSON が正しくありません', en: 'Malformed JSON' };
    expect(refusal(() => readDirectoryUpdate(Buffer.from('{')))).toEqual(bad);
    expect(refusal(() => readDirectoryUpdate(Buffer.from('null')))).toEqual(bad);
  });

  it('reads the first of repeated query parameters', () => {
    expect(readPageQuery(new URL('https://relay.invalid/v1/inbox?after=5&after=9&limit=600'))).toEqual({ after: 5, limit: 500 });
  });
});
