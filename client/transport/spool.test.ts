// Spool records and unit bundles are read back through their schemas: a damaged one is reported
// with a LocalizedError naming the file (or the bundle) and the field, and stops the flush or the
// receive as an unreadable record always did.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalizedError } from '../../shared/errors.js';
import { BundleError, packBundle, unpackBundle } from './bundle.js';
import { receiveAll } from './receiver.js';
import { flushOutbox, outboxRecordSchema, type OutboxRecord } from './sender.js';
import type { Session } from './session.js';
import { Spool, SpoolRecordError } from './spool.js';
import { ticketHeader } from './testOffices.js';

const header = ticketHeader('m1', '20250425120002', ['UPPLAN']);

const record: OutboxRecord = { messageId: 'm1', header, files: ['UPPLAN_x.CSV'], size: 10, sha256: 'ab', createdAt: '2025-04-25T12:00:00.000Z', attempts: 0, lastError: null };

/** A session with only a spool and a relay that has nothing waiting: enough to reach the records. */
function sessionWith(spool: Spool): Session {
  const client = { inbox: () => Promise.resolve({ messages: [], next: 0 }) };
  return { spool, client } as unknown as Session;
}

const newSpool = () => new Spool(mkdtempSync(join(tmpdir(), 'cpl-spool-')));

async function rejection(p: Promise<unknown>): Promise<SpoolRecordError> {
  try {
    await p;
  } catch (e) {
    return e as SpoolRecordError;
  }
  throw new Error('it did not fail');
}

describe('spool records', () => {
  it('reads a record back as what it is', () => {
    const spool = newSpool();
    spool.write('outbox', 'm1.json', JSON.stringify(record));
    expect(spool.readRecord('outbox', 'm1.json', outboxRecordSchema)).toEqual(record);
  });

  it('stops a flush at a record with a field of the wrong type, naming the file and the field', async () => {
    const spool = newSpool();
    spool.write('outbox', 'm1.cms', 'envelope');
    spool.write('outbox', 'm1.json', JSON.stringify({ ...record, header: { ...header, sequence: 20250425120002 } }));
    const e = await rejection(flushOutbox(sessionWith(spool)));
    expect(e).toBeInstanceOf(SpoolRecordError);
    expect(e).toBeInstanceOf(LocalizedError);
    expect(e.code).toBe('spool_record');
    expect(e.path).toBe(spool.path('outbox', 'm1.json'));
    expect(e.field).toBe('header.sequence');
    expect(e.ja).toContain('記録ファイルが壊れています');
    expect(e.en).toContain(spool.path('outbox', 'm1.json'));
    expect(e.en).toContain('"header.sequence" must be a string');
    // Nothing moved: the record stays where it was for a person (or a fixed version) to look at.
    expect(spool.list('outbox')).toEqual(['m1']);
  });

  it('stops a receive at an inbox record that is not JSON (cut short by a full disk), naming it', async () => {
    const spool = newSpool();
    spool.write('inbox', 'm2.json', '{"messageId": "m2", "sender": {');
    const e = await rejection(receiveAll(sessionWith(spool)));
    expect(e).toBeInstanceOf(SpoolRecordError);
    expect(e.field).toBeNull();
    expect(e.en).toContain(`not valid JSON): ${spool.path('inbox', 'm2.json')}`);
  });

  it('stops a receive at an inbox record in an unknown state', async () => {
    const spool = newSpool();
    const { messageId, sender, receiver, sequence, month, kinds } = header;
    const inbox = { messageId, sender, receiver, sequence, month, kinds, sha256: 'ab', importedFiles: [], files: [], signer: null, signingTime: null, reason: null, receipts: [], downloadedAt: '2025-04-25T12:00:00.000Z' };
    spool.write('inbox', 'm3.json', JSON.stringify({ ...inbox, state: 'lost' }));
    const e = await rejection(receiveAll(sessionWith(spool)));
    expect(e.field).toBe('state');
    expect(e.en).toContain('"state": unknown state lost');
    spool.write('inbox', 'm3.json', JSON.stringify({ messageId: 'm3' }));
    expect((await rejection(receiveAll(sessionWith(spool)))).en).toContain('"sender" is missing');
  });

  it('reports a record that is not JSON even to callers that only assert its shape (readJson)', () => {
    const spool = newSpool();
    spool.write('sent', 'm4.json', 'not json');
    expect(() => spool.readJson('sent', 'm4.json')).toThrow(SpoolRecordError);
  });
});

describe('unit bundles', () => {
  const file = { name: 'UPPLAN_x.CSV', data: Buffer.from('a,b\r\n') };

  it('unpack what was packed', () => {
    expect(unpackBundle(packBundle(header, [file]))).toEqual({ header, files: [file] });
  });

  it('name the field of a header that does not fit', () => {
    const body = JSON.parse(packBundle(header, [file]).toString('utf8')) as Record<string, unknown>;
    let error: unknown;
    try {
      unpackBundle(Buffer.from(JSON.stringify({ ...body, receiver: { office: 1310000029 } })));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BundleError);
    expect(error).toBeInstanceOf(LocalizedError);
    expect((error as BundleError).code).toBe('bundle');
    expect((error as BundleError).en).toContain('"receiver.office" must be a string');
  });

  it('refuse an unsafe file name, another format and a changed file', () => {
    const body = JSON.parse(packBundle(header, [file]).toString('utf8')) as { files: Record<string, unknown>[] };
    const withFile = (change: Record<string, unknown>) => Buffer.from(JSON.stringify({ ...body, files: [{ ...body.files[0], ...change }] }));
    expect(() => unpackBundle(withFile({ name: '../evil.CSV' }))).toThrow(/"files\[0\]\.name" does not have the expected form/);
    expect(() => unpackBundle(Buffer.from(JSON.stringify({ ...body, format: 'careplan-link-unit/2' })))).toThrow(/unknown bundle format: careplan-link-unit\/2/);
    expect(() => unpackBundle(withFile({ data: Buffer.from('changed').toString('base64') }))).toThrow(/hash mismatch: UPPLAN_x.CSV/);
    expect(() => unpackBundle(Buffer.from('not json'))).toThrow(BundleError);
  });
});
