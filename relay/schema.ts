// The relay's SQLite schema as of issue 11, and the steps that bring a database written by an older
// relay to it: the first SQLite migration (relay/migrations.ts). Each step is idempotent, and all of
// them run inside one transaction; later changes are further migrations there.
import { X509Certificate } from 'node:crypto';
import type Database from 'better-sqlite3';
import { messageColumns } from './store.js';

const TABLES = `
  CREATE TABLE IF NOT EXISTS messages (
    cursor INTEGER PRIMARY KEY AUTOINCREMENT,
    ${messageColumns({ text: 'TEXT', int: 'INTEGER', time: 'TEXT' })},
    segment TEXT NOT NULL, segment_offset INTEGER NOT NULL,
    UNIQUE (sender_office, id)
  );
  CREATE TABLE IF NOT EXISTS receipts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id TEXT NOT NULL, disposition TEXT NOT NULL, reason TEXT, at TEXT NOT NULL,
    statement TEXT NOT NULL, signature TEXT NOT NULL, message_cursor INTEGER
  );
  CREATE TABLE IF NOT EXISTS offices (
    office TEXT PRIMARY KEY, name TEXT NOT NULL, service_types TEXT NOT NULL,
    certificate TEXT NOT NULL, last_seen TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS office_certificates (
    office TEXT NOT NULL, fingerprint TEXT NOT NULL, pem TEXT NOT NULL,
    not_before TEXT NOT NULL, not_after TEXT NOT NULL,
    first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'active',
    PRIMARY KEY (office, fingerprint)
  );
  CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, office TEXT, action TEXT NOT NULL,
    message_id TEXT, detail TEXT
  );
`;

const INDEXES = `
  CREATE INDEX IF NOT EXISTS messages_receiver ON messages (receiver_office, cursor);
  CREATE INDEX IF NOT EXISTS messages_sender ON messages (sender_office, cursor);
  CREATE INDEX IF NOT EXISTS messages_id ON messages (id, receiver_office, cursor);
  CREATE INDEX IF NOT EXISTS receipts_cursor ON receipts (message_cursor);
`;

/** Whether `messages` still has the old rule of one id across all senders (UNIQUE (id)). */
function idsAreGlobal(db: Database.Database): boolean {
  const indexes = db.prepare(`PRAGMA index_list('messages')`).all() as { name: string; unique: number }[];
  return indexes.some((ix) => ix.unique === 1 && (db.prepare(`PRAGMA index_info('${ix.name.replace(/'/g, "''")}')`).all() as { name: string }[]).map((c) => c.name).join(',') === 'id');
}

/**
 * Message ids became per sender (issue 11): the same id from another office must not reveal that a
 * message exists. SQLite cannot drop a UNIQUE constraint, so the table is copied; cursors are kept,
 * and so is the AUTOINCREMENT counter, so a cursor is never handed out twice.
 */
function idsPerSender(db: Database.Database): void {
  if (!idsAreGlobal(db)) return;
  const counter = db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'messages'`).get() as { seq: number } | undefined;
  db.exec(`
    DROP INDEX IF EXISTS messages_receiver;
    DROP INDEX IF EXISTS messages_sender;
    DROP INDEX IF EXISTS messages_id;
    ALTER TABLE messages RENAME TO messages_before_issue11;
  `);
  db.exec(TABLES);
  db.exec(`
    INSERT INTO messages (cursor, id, sender_office, sender_type, receiver_office, receiver_type, sequence, month, kinds, files, size, sha256, status, created_at, delivered_at, segment, segment_offset)
      SELECT cursor, id, sender_office, sender_type, receiver_office, receiver_type, sequence, month, kinds, files, size, sha256, status, created_at, delivered_at, segment, segment_offset FROM messages_before_issue11;
    DROP TABLE messages_before_issue11;
  `);
  if (counter) {
    db.prepare(`UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'messages'`).run(counter.seq);
    db.prepare(`INSERT INTO sqlite_sequence (name, seq) SELECT 'messages', ? WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'messages')`).run(counter.seq);
  }
}

/** Receipts point at their message by cursor (ids alone no longer name one message). */
function receiptsByCursor(db: Database.Database): void {
  const columns = (db.prepare(`PRAGMA table_info('receipts')`).all() as { name: string }[]).map((c) => c.name);
  if (!columns.includes('message_cursor')) db.exec('ALTER TABLE receipts ADD COLUMN message_cursor INTEGER');
  db.exec(`UPDATE receipts SET message_cursor = (SELECT cursor FROM messages WHERE messages.id = receipts.message_id ORDER BY cursor LIMIT 1) WHERE message_cursor IS NULL`);
}

/** Offices registered before issue 11 had one certificate, in `offices.certificate`: it becomes their first. */
function certificatesFromOffices(db: Database.Database): void {
  const rows = db.prepare(`SELECT office, certificate, last_seen FROM offices WHERE certificate <> '' AND office NOT IN (SELECT office FROM office_certificates)`).all() as { office: string; certificate: string; last_seen: string }[];
  const insert = db.prepare(`INSERT OR IGNORE INTO office_certificates (office, fingerprint, pem, not_before, not_after, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  for (const row of rows) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(row.certificate);
    } catch {
      continue;
    }
    insert.run(row.office, cert.fingerprint256, row.certificate, new Date(cert.validFrom).toISOString(), new Date(cert.validTo).toISOString(), row.last_seen, row.last_seen);
  }
}

export function prepareSchema(db: Database.Database): void {
  db.transaction(() => {
    db.exec(TABLES);
    idsPerSender(db);
    receiptsByCursor(db);
    certificatesFromOffices(db);
    db.exec(INDEXES);
  })();
}
