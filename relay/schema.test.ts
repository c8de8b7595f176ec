// A database written by a relay before issue 11 opens as it was: messages, cursors, receipts and the
// office's certificate are kept, ids become per sender, and a cursor is never handed out twice.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { MessageMeta } from '../shared/protocol/index.js';
import { SqliteStore } from './sqliteStore.js';
import { fixturePem } from './testSupport.js';

// The schema of relays before issue 11, as they created it.
const OLD_SCHEMA = `
  CREATE TABLE messages (
    cursor INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    sender_office TEXT NOT NULL, sender_type TEXT NOT NULL,
    receiver_office TEXT NOT NULL, receiver_type TEXT NOT NULL,
    sequence TEXT NOT NULL, month TEXT, kinds TEXT NOT NULL, files TEXT NOT NULL,
    size INTEGER NOT NULL, sha256 TEXT NOT NULL,
    status TEXT NOT NULL, created_at TEXT NOT NULL, delivered_at TEXT,
    segment TEXT NOT NULL, segment_offset INTEGER NOT NULL
  );
  CREATE INDEX messages_receiver ON messages (receiver_office, cursor);
  CREATE INDEX messages_sender ON messages (sender_office, cursor);
  CREATE TABLE receipts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL, disposition TEXT NOT NULL, reason TEXT, at TEXT NOT NULL,
    statement TEXT NOT NULL, signature TEXT NOT NULL
  );
  CREATE INDEX receipts_message ON receipts (message_id);
  CREATE TABLE offices (
    office TEXT PRIMARY KEY, name TEXT NOT NULL, service_types TEXT NOT NULL,
    certificate TEXT NOT NULL, last_seen TEXT NOT NULL
  );
  CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, office TEXT, action TEXT NOT NULL,
    message_id TEXT, detail TEXT
  );
`;

function meta(messageId: string, sender: string): MessageMeta {
  return { messageId, sender: { office: sender, serviceType: '43' }, receiver: { office: '1310000029', serviceType: '11' }, sequence: '20250425120002', month: '202504', kinds: ['UPPLAN'], files: ['UPPLAN.CSV'], size: 3, sha256: 'ab'.repeat(32) };
}

describe('relay database from before issue 11', () => {
  it('keeps messages, receipts and certificates, and makes ids per sender without reusing a cursor', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-relay-schema-'));
    const old = new Database(join(dir, 'relay.sqlite'));
    old.exec(OLD_SCHEMA);
    const insert = old.prepare(`INSERT INTO messages (cursor, id, sender_office, sender_type, receiver_office, receiver_type, sequence, month, kinds, files, size, sha256, status, created_at, segment, segment_offset)
      VALUES (?, ?, '1310000011', '43', '1310000029', '11', '20250425120002', '202504', '["UPPLAN"]', '["UPPLAN.CSV"]', 3, ?, 'received', '2026-01-01T00:00:00.000Z', 'old.seg', 0)`);
    insert.run(1, 'old-message', 'ab'.repeat(32));
    insert.run(7, 'purged-later', 'cd'.repeat(32));
    old.prepare(`INSERT INTO receipts (message_id, disposition, reason, at, statement, signature) VALUES ('old-message', 'received', NULL, '2026-01-02T00:00:00.000Z', '{}', 'c2ln')`).run();
    // The newest message was purged: the counter, not the rows, knows cursor 7 was handed out.
    old.prepare(`DELETE FROM messages WHERE cursor = 7`).run();
    old.prepare(`INSERT INTO offices VALUES ('1310000029', 'ひまわり', '["11"]', ?, '2026-01-01T00:00:00.000Z')`).run(fixturePem('home-help.pem'));
    old.close();

    const store = new SqliteStore(dir);
    await store.ready();
    try {
      const kept = store.getMessage('old-message')!;
      expect([kept.cursor, kept.status, kept.receipts.map((r) => r.disposition)]).toEqual([1, 'received', ['received']]);
      const office = (await store.getOffice('1310000029'))!;
      expect(office.certificates.map((c) => c.pem)).toEqual([fixturePem('home-help.pem')]);
      expect(office.certificates[0]!.notAfter).toMatch(/^\d{4}-\d\d-\d\dT/);

      const [mine, theirs] = await store.putMessages(
        [
          { meta: meta('old-message', '1310000037'), payload: Buffer.from('new'), audit: { office: '1310000037', action: 'submit', messageId: 'old-message', detail: null } },
          { meta: meta('fresh-0001', '1310000011'), payload: Buffer.from('two'), audit: { office: '1310000011', action: 'submit', messageId: 'fresh-0001', detail: null } },
        ],
        new Date(),
      );
      expect(mine!.sender.office).toBe('1310000037');
      expect(mine!.cursor).toBeGreaterThan(7);
      expect(theirs!.cursor).toBeGreaterThan(mine!.cursor);
      expect(store.getMessage('old-message', '1310000011')!.cursor).toBe(1);
      expect(store.getMessage('old-message', '1310000037')!.receipts).toEqual([]);
    } finally {
      await store.close();
    }
    // Opening again changes nothing.
    const again = new SqliteStore(dir);
    await again.ready();
    try {
      expect(again.getMessage('old-message', '1310000011')!.receipts).toHaveLength(1);
      expect((await again.getOffice('1310000029'))!.certificates).toHaveLength(1);
    } finally {
      await again.close();
    }
  });
});
