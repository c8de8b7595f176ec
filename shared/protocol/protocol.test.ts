// The wire protocol's schemas: what the relay accepts and what the client accepts back, including
// the limits the relay has always enforced (API.md) and the places it has always been forgiving.
import { describe, expect, it } from 'vitest';
import {
  directoryEntrySchema,
  directoryQuerySchema,
  directoryUpdateSchema,
  errorResponseSchema,
  MAX_DISPLAY_NAME_LENGTH,
  sanitizeDisplayName,
  messageMetaSchema,
  messagePageSchema,
  metaHeaderSchema,
  pageQuerySchema,
  publicMessageSchema,
  receiptStatementSchema,
} from './index.js';
import { EXAMPLE_META } from './testExamples.js';

const meta = EXAMPLE_META;
const SHA = 'ab'.repeat(32);
const message = { messageId: 'flow-0001', cursor: 3, ...meta, size: 1200, sha256: SHA, status: 'queued', createdAt: '2026-11-25T12:00:00.000Z', deliveredAt: null, receipts: [] };
const statement = { messageId: 'flow-0001', sha256: SHA, disposition: 'imported', reason: null, at: '2026-11-25T12:01:00.000Z', office: '1310000029' };
const entry = { office: '1310000029', name: 'ひまわり訪問介護ステーション', serviceTypes: ['11'], certificate: '-----BEGIN CERTIFICATE-----\n…', lastSeen: '2026-11-25T12:00:00.000Z' };

/** The top-level fields a schema complains about. */
function wrongFields(result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }): (PropertyKey | undefined)[] {
  return result.success ? [] : [...new Set(result.error!.issues.map((i) => i.path[0]))];
}

describe('Careplan-Meta', () => {
  it('accepts the documented example, with or without a month, and drops unknown fields', () => {
    expect(metaHeaderSchema.parse(meta)).toEqual(meta);
    expect(metaHeaderSchema.parse({ ...meta, month: null }).month).toBeNull();
    expect(metaHeaderSchema.parse({ ...meta, extra: 1, sender: { ...meta.sender, name: 'x' } })).toEqual(meta);
    expect(messageMetaSchema.parse({ messageId: 'flow-0001', ...meta, size: 10, sha256: SHA }).sha256).toBe(SHA);
  });

  it.each([
    ['sequence', { sequence: '2025' }],
    ['month', { month: '2025-04' }],
    ['month', { month: undefined }],
    ['sender', { sender: { office: '131000001', serviceType: '43' } }],
    ['receiver', { receiver: { office: '1310000029', serviceType: '1a' } }],
    ['kinds', { kinds: [] }],
    ['kinds', { kinds: ['x'.repeat(200)] }],
    ['files', { files: ['../UPPLAN.CSV'] }],
    ['files', { files: ['a\\b.CSV'] }],
    ['files', { files: Array.from({ length: 1001 }, (_, i) => `F${i}.CSV`) }],
  ])('refuses a bad %s', (field, change) => {
    expect(wrongFields(metaHeaderSchema.safeParse({ ...meta, ...change }))).toEqual([field]);
  });

  it('keeps the limits at their edges: 199-character names and 1000 files pass', () => {
    expect(metaHeaderSchema.safeParse({ ...meta, kinds: ['x'.repeat(199)], files: Array.from({ length: 1000 }, (_, i) => `F${i}.CSV`) }).success).toBe(true);
  });

  it('refuses a message id or hash of the wrong form', () => {
    expect(wrongFields(messageMetaSchema.safeParse({ messageId: 'bad id!', ...meta, size: 1, sha256: SHA }))).toEqual(['messageId']);
    expect(wrongFields(messageMetaSchema.safeParse({ messageId: 'short', ...meta, size: 1, sha256: SHA }))).toEqual(['messageId']);
    expect(wrongFields(messageMetaSchema.safeParse({ messageId: 'flow-0001', ...meta, size: 1, sha256: SHA.toUpperCase() }))).toEqual(['sha256']);
  });
});

describe('messages the relay answers with', () => {
  it('accepts a message and a page, and refuses a message without sha256 or with an unknown status', () => {
    expect(publicMessageSchema.parse(message)).toEqual(message);
    expect(messagePageSchema.parse({ messages: [message], next: 3 }).messages).toHaveLength(1);
    const { sha256: _dropped, ...withoutHash } = message;
    expect(wrongFields(publicMessageSchema.safeParse(withoutHash))).toEqual(['sha256']);
    expect(wrongFields(publicMessageSchema.safeParse({ ...message, status: 'lost' }))).toEqual(['status']);
    expect(messagePageSchema.safeParse({ messages: [withoutHash], next: 3 }).success).toBe(false);
  });

  it('reads the error body of API v1', () => {
    expect(errorResponseSchema.parse({ error: { code: 'not_found', message: 'メッセージが見つかりません', messageEn: 'Message not found' } }).error.code).toBe('not_found');
    expect(errorResponseSchema.safeParse({ error: { code: 'not_found', ja: 'x', en: 'y' } }).success).toBe(false);
  });
});

describe('receipt statement', () => {
  it('accepts what a receiver signs, for each disposition', () => {
    for (const disposition of ['received', 'imported', 'quarantined']) expect(receiptStatementSchema.parse({ ...statement, disposition }).disposition).toBe(disposition);
    expect(receiptStatementSchema.parse({ ...statement, disposition: 'quarantined', reason: '署名が確認できません' }).reason).toBe('署名が確認できません');
  });

  it('refuses an unknown disposition, a missing time, a bad office, message id or hash', () => {
    expect(wrongFields(receiptStatementSchema.safeParse({ ...statement, disposition: 'delivered' }))).toEqual(['disposition']);
    expect(wrongFields(receiptStatementSchema.safeParse({ ...statement, at: undefined }))).toEqual(['at']);
    expect(wrongFields(receiptStatementSchema.safeParse({ ...statement, office: '13100000' }))).toEqual(['office']);
    expect(wrongFields(receiptStatementSchema.safeParse({ ...statement, messageId: 'x' }))).toEqual(['messageId']);
    expect(wrongFields(receiptStatementSchema.safeParse({ ...statement, sha256: 'abc' }))).toEqual(['sha256']);
  });

  it('reads a reason that is not text, or none, as no reason (as the relay always has)', () => {
    expect(receiptStatementSchema.parse({ ...statement, reason: 42 }).reason).toBeNull();
    expect(receiptStatementSchema.parse({ ...statement, reason: undefined }).reason).toBeNull();
  });
});

describe('directory', () => {
  it('accepts an entry and refuses one with a bad office number or service type', () => {
    expect(directoryEntrySchema.parse(entry)).toEqual(entry);
    expect(wrongFields(directoryEntrySchema.safeParse({ ...entry, office: 'x1310000029' }))).toEqual(['office']);
    expect(wrongFields(directoryEntrySchema.safeParse({ ...entry, serviceTypes: ['11', 'x'] }))).toEqual(['serviceTypes']);
    expect(wrongFields(directoryEntrySchema.safeParse({ ...entry, certificate: undefined }))).toEqual(['certificate']);
  });

  it('reads PUT /v1/directory/me forgivingly: blank names kept, bad service types dropped, long names cut', () => {
    expect(directoryUpdateSchema.parse({ name: '  ひまわり  ', serviceTypes: ['11', 'x', 5, '15'] })).toEqual({ name: 'ひまわり', serviceTypes: ['11', '15'] });
    expect(directoryUpdateSchema.parse({ name: '   ', serviceTypes: 'not a list' })).toEqual({ name: undefined, serviceTypes: [] });
    expect(directoryUpdateSchema.parse({ name: 7 })).toEqual({ name: undefined, serviceTypes: [] });
    expect(directoryUpdateSchema.parse({ name: 'あ'.repeat(300), serviceTypes: [] }).name).toHaveLength(200);
    expect(directoryUpdateSchema.safeParse(null).success).toBe(false);
  });
});

describe('directory certificates and names (issue 11)', () => {
  const cert = { pem: '-----BEGIN CERTIFICATE-----\n…', fingerprint: 'AB:CD', notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2027-01-01T00:00:00.000Z', current: true };

  it('lists every valid certificate beside the current one, and still reads entries of relays without the list', () => {
    expect(directoryEntrySchema.parse({ ...entry, certificates: [cert, { ...cert, fingerprint: 'EF:01', current: false }] }).certificates).toHaveLength(2);
    expect(directoryEntrySchema.parse(entry).certificates).toBeUndefined();
    expect(wrongFields(directoryEntrySchema.safeParse({ ...entry, certificates: [{ ...cert, current: 'yes' }] }))).toEqual(['certificates']);
  });

  it('keeps names free of controls, bidi and zero-width characters, Japanese spaces kept', () => {
    expect(sanitizeDisplayName('ひまわり\u202Eスパム\u200B')).toBe('ひまわりスパム');
    expect(sanitizeDisplayName('ひまわり\u3000訪問介護')).toBe('ひまわり\u3000訪問介護');
    expect(sanitizeDisplayName('a\r\n\tb\u2028c\u0007')).toBe('a b c');
    expect(sanitizeDisplayName('\u2066\u2069 \u0000')).toBeUndefined();
    expect(sanitizeDisplayName('😀'.repeat(MAX_DISPLAY_NAME_LENGTH + 5))).toBe('😀'.repeat(MAX_DISPLAY_NAME_LENGTH));
    expect(directoryUpdateSchema.parse({ name: '\u202E', serviceTypes: [] }).name).toBeUndefined();
  });
});

describe('query parameters', () => {
  it('falls back to the defaults and caps, as the relay always has', () => {
    expect(pageQuerySchema.parse({ after: null, limit: null })).toEqual({ after: 0, limit: 100 });
    expect(pageQuerySchema.parse({ after: '12', limit: '9999' })).toEqual({ after: 12, limit: 500 });
    expect(pageQuerySchema.parse({ after: '-1', limit: '0' })).toEqual({ after: 0, limit: 100 });
    expect(pageQuerySchema.parse({ after: '1.5', limit: 'x' })).toEqual({ after: 0, limit: 100 });
    expect(directoryQuerySchema.parse({ q: '', type: '11', limit: '5000' })).toEqual({ q: undefined, type: '11', limit: 1000 });
    expect(directoryQuerySchema.parse({ q: 'ひまわり', type: null, limit: null })).toEqual({ q: 'ひまわり', type: undefined, limit: 100 });
  });
});
