// The cached reader of the spool's records: the same records as reading every file afresh, changes
// picked up (new, rewritten, moved on), and unchanged files not parsed again.
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Spool } from '../transport/spool.js';
import { SpoolRecords } from './spoolRecords.js';

// A whole outbox record: the reader parses records with the sender's schema unless a test gives its own parse.
const record = (messageId: string, lastError: string | null = null) => ({
  messageId,
  header: { messageId, sender: { office: '1310000011', serviceType: '43' }, receiver: { office: '1310000029', serviceType: '11' }, sequence: '20250425120002', month: '202504', kinds: ['UPPLAN'] },
  files: ['UPPLAN_x.CSV'],
  size: 10,
  sha256: 'a'.repeat(64),
  createdAt: '2025-04-25T03:00:00.000Z',
  attempts: 0,
  lastError,
});

/** Every record of a state, read and parsed afresh: what the back end did before the cache. */
const fresh = (spool: Spool, state: 'outbox' | 'sent') => spool.list(state).map((id) => spool.readJson(state, `${id}.json`));

function counted() {
  const parsed: string[] = [];
  const parse = (bytes: Buffer) => {
    const r = JSON.parse(bytes.toString('utf8')) as { messageId: string };
    parsed.push(r.messageId);
    return r;
  };
  return { parsed, parse };
}

describe('cached spool records', () => {
  it('returns what a fresh read returns, picks up new and changed records, and parses unchanged files once', () => {
    const spool = new Spool(mkdtempSync(join(tmpdir(), 'cpl-records-')));
    for (const id of ['m-1', 'm-2', 'm-3']) spool.write('outbox', `${id}.json`, JSON.stringify(record(id)));
    const { parsed, parse } = counted();
    // No racy window: these files count as old (the window has its own test below).
    const records = new SpoolRecords(spool, { parse, racyMs: -Infinity });

    expect(records.outbox('outbox')).toEqual(fresh(spool, 'outbox'));
    expect(parsed).toEqual(['m-1', 'm-2', 'm-3']);
    expect(records.outbox('outbox')).toEqual(fresh(spool, 'outbox'));
    expect(parsed).toHaveLength(3);

    // A new record, and one rewritten the way the sender does (a new file renamed over the old one).
    spool.write('outbox', 'm-4.json', JSON.stringify(record('m-4')));
    spool.write('outbox', 'm-2.json', JSON.stringify(record('m-2', 'E1')));
    expect(records.outbox('outbox')).toEqual(fresh(spool, 'outbox'));
    expect(parsed.slice(3).sort()).toEqual(['m-2', 'm-4']);
    // Rewritten again at once with the same size: only a digit changes, perhaps within the same clock tick.
    const before = statSync(spool.path('outbox', 'm-2.json')).size;
    spool.write('outbox', 'm-2.json', JSON.stringify(record('m-2', 'E2')));
    expect(statSync(spool.path('outbox', 'm-2.json')).size).toBe(before);
    expect(records.outbox('outbox').find((r) => r.messageId === 'm-2')!.lastError).toBe('E2');
    expect(records.outbox('outbox')).toEqual(fresh(spool, 'outbox'));
    expect(parsed.slice(5)).toEqual(['m-2']);

    // A record that moved on to another state leaves this one and is read there.
    spool.move('outbox', 'sent', ['m-1.json']);
    expect(records.outbox('outbox').map((r) => r.messageId)).toEqual(['m-2', 'm-3', 'm-4']);
    expect(records.outbox('sent')).toEqual(fresh(spool, 'sent'));
    expect(parsed.slice(6)).toEqual(['m-1']);
  });

  it('reads a file changed within the racy window again, even when its stat looks the same', () => {
    const spool = new Spool(mkdtempSync(join(tmpdir(), 'cpl-records-')));
    spool.write('sent', 'm-1.json', JSON.stringify(record('m-1')));
    const changedAt = Math.max(statSync(spool.path('sent', 'm-1.json')).mtimeMs, statSync(spool.path('sent', 'm-1.json')).ctimeMs);
    let now = changedAt + 10;
    const { parsed, parse } = counted();
    const records = new SpoolRecords(spool, { parse, racyMs: 2_000, now: () => now });

    records.outbox('sent');
    // Still within a clock tick of the write: a second write could leave the same times, so it is read again.
    records.outbox('sent');
    expect(parsed).toHaveLength(2);
    now = changedAt + 5_000;
    records.outbox('sent');
    // Read once more now that it is old; from here on the stat tells any change.
    records.outbox('sent');
    records.outbox('sent');
    expect(parsed).toHaveLength(3);
  });

  it('hands out frozen records, so no caller can change one for every other', () => {
    const spool = new Spool(mkdtempSync(join(tmpdir(), 'cpl-records-')));
    writeFileSync(spool.path('outbox', 'm-1.json'), JSON.stringify(record('m-1')));
    const [r] = new SpoolRecords(spool).outbox('outbox');
    expect(() => (r!.files as string[]).push('x')).toThrow(TypeError);
  });
});
