// Relay storage: metadata in SQLite, payloads in segment files written with fsync + atomic rename
// (one segment per group commit, so a burst costs one fsync, not one per unit).
// Everything goes through the RelayStore interface so a PostgreSQL backend can follow.
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ensurePrivateDir, ensurePrivateFile, unlinkWithRetrySync, writeDurableAsync } from '../platform/fs.js';
import type { DirectoryEntry, MessageMeta, MessageStatus, PublicMessage, Receipt } from '../shared/protocol/index.js';

/** A message as the relay holds it is exactly what it answers with (shared/protocol). */
export type StoredMessage = PublicMessage;

export interface AuditEvent {
  at: string;
  office: string | null;
  action: string;
  messageId: string | null;
  detail: string | null;
}

export interface RelayStore {
  getMessage(id: string): StoredMessage | undefined;
  /**
   * Group commit: the payloads are written and fsynced in parallel, then all messages (and their
   * audit lines) are inserted in one transaction. Nothing is visible until everything is durable.
   */
  putMessages(entries: { meta: MessageMeta; payload: Buffer; audit: Omit<AuditEvent, 'at'> }[], now: Date): Promise<StoredMessage[]>;
  readPayload(id: string): Buffer;
  inbox(office: string, after: number, limit: number): StoredMessage[];
  outbox(office: string, after: number, limit: number): StoredMessage[];
  markDelivered(id: string, now: Date): void;
  addReceipt(id: string, receipt: Receipt, status: MessageStatus): void;
  upsertOffice(entry: Omit<DirectoryEntry, 'serviceTypes'> & { serviceTypes?: string[] }): DirectoryEntry;
  getOffice(office: string): DirectoryEntry | undefined;
  findOffices(query: { q?: string; serviceType?: string; limit?: number }): DirectoryEntry[];
  audit(event: Omit<AuditEvent, 'at'> & { at?: string }): void;
  auditLog(limit?: number): AuditEvent[];
  purgeBefore(cutoff: Date): string[];
  close(): void;
}

interface MessageRow {
  cursor: number;
  id: string;
  sender_office: string;
  sender_type: string;
  receiver_office: string;
  receiver_type: string;
  sequence: string;
  month: string | null;
  kinds: string;
  files: string;
  size: number;
  sha256: string;
  status: MessageStatus;
  created_at: string;
  delivered_at: string | null;
}

export class SqliteStore implements RelayStore {
  private readonly db: Database.Database;
  private readonly payloads: string;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly offices = new Map<string, DirectoryEntry>();

  /** Prepared statements are reused: preparing costs more than running. */
  private sql(text: string): Database.Statement {
    let st = this.statements.get(text);
    if (!st) {
      st = this.db.prepare(text);
      this.statements.set(text, st);
    }
    return st;
  }

  constructor(dataDir: string) {
    // Owner-only: care records and who sent them. SQLite gives its -wal and -shm files the database's mode.
    ensurePrivateDir(dataDir);
    this.payloads = join(dataDir, 'payloads');
    ensurePrivateDir(this.payloads);
    ensurePrivateFile(join(dataDir, 'relay.sqlite'));
    this.db = new Database(join(dataDir, 'relay.sqlite'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS messages (
        cursor INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        sender_office TEXT NOT NULL, sender_type TEXT NOT NULL,
        receiver_office TEXT NOT NULL, receiver_type TEXT NOT NULL,
        sequence TEXT NOT NULL, month TEXT, kinds TEXT NOT NULL, files TEXT NOT NULL,
        size INTEGER NOT NULL, sha256 TEXT NOT NULL,
        status TEXT NOT NULL, created_at TEXT NOT NULL, delivered_at TEXT,
        segment TEXT NOT NULL, segment_offset INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS messages_receiver ON messages (receiver_office, cursor);
      CREATE INDEX IF NOT EXISTS messages_sender ON messages (sender_office, cursor);
      CREATE TABLE IF NOT EXISTS receipts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        message_id TEXT NOT NULL, disposition TEXT NOT NULL, reason TEXT, at TEXT NOT NULL,
        statement TEXT NOT NULL, signature TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS receipts_message ON receipts (message_id);
      CREATE TABLE IF NOT EXISTS offices (
        office TEXT PRIMARY KEY, name TEXT NOT NULL, service_types TEXT NOT NULL,
        certificate TEXT NOT NULL, last_seen TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, office TEXT, action TEXT NOT NULL,
        message_id TEXT, detail TEXT
      );
    `);
  }

  private segmentSerial = 0;

  /** A segment file holds the payloads of one commit, back to back (one fsync for the batch). */
  private newSegment(now: Date): string {
    return `${now.toISOString().replace(/[-:.]/g, '')}-${process.pid}-${++this.segmentSerial}.seg`;
  }

  private toMessage(row: MessageRow): StoredMessage {
    const receipts = this
      .sql('SELECT disposition, reason, at, statement, signature FROM receipts WHERE message_id = ? ORDER BY id')
      .all(row.id) as Receipt[];
    return {
      cursor: row.cursor,
      messageId: row.id,
      sender: { office: row.sender_office, serviceType: row.sender_type },
      receiver: { office: row.receiver_office, serviceType: row.receiver_type },
      sequence: row.sequence,
      month: row.month,
      kinds: JSON.parse(row.kinds) as string[],
      files: JSON.parse(row.files) as string[],
      size: row.size,
      sha256: row.sha256,
      status: row.status,
      createdAt: row.created_at,
      deliveredAt: row.delivered_at,
      receipts,
    };
  }

  getMessage(id: string): StoredMessage | undefined {
    const row = this.sql('SELECT * FROM messages WHERE id = ?').get(id) as MessageRow | undefined;
    return row ? this.toMessage(row) : undefined;
  }

  async putMessages(entries: { meta: MessageMeta; payload: Buffer; audit: Omit<AuditEvent, 'at'> }[], now: Date): Promise<StoredMessage[]> {
    const segment = this.newSegment(now);
    // tmp + fsync + rename, the folder fsynced where the OS allows (not Windows), file 0600.
    await writeDurableAsync(join(this.payloads, segment), entries.map((e) => e.payload));
    const at = now.toISOString();
    const insert = this.sql(
      `INSERT INTO messages (id, sender_office, sender_type, receiver_office, receiver_type, sequence, month, kinds, files, size, sha256, status, created_at, segment, segment_offset)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
    );
    const audit = this.sql('INSERT INTO audit (at, office, action, message_id, detail) VALUES (?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      let offset = 0;
      for (const { meta, payload, audit: a } of entries) {
        insert.run(meta.messageId, meta.sender.office, meta.sender.serviceType, meta.receiver.office, meta.receiver.serviceType, meta.sequence, meta.month, JSON.stringify(meta.kinds), JSON.stringify(meta.files), meta.size, meta.sha256, at, segment, offset);
        offset += payload.length;
        audit.run(at, a.office, a.action, a.messageId, a.detail);
        // The directory learns which service types an office sends as, in the same transaction.
        const sender = this.getOffice(meta.sender.office);
        if (sender && !sender.serviceTypes.includes(meta.sender.serviceType)) this.upsertOffice({ ...sender, serviceTypes: [meta.sender.serviceType], lastSeen: at });
      }
    })();
    return entries.map((e) => this.getMessage(e.meta.messageId)!);
  }

  readPayload(id: string): Buffer {
    const row = this.sql('SELECT segment, segment_offset AS offset, size FROM messages WHERE id = ?').get(id) as { segment: string; offset: number; size: number } | undefined;
    if (!row) throw new Error(`no payload for ${id}`);
    const fd = openSync(join(this.payloads, row.segment), 'r');
    try {
      const buf = Buffer.alloc(row.size);
      let got = 0;
      while (got < row.size) {
        const n = readSync(fd, buf, got, row.size - got, row.offset + got);
        if (n === 0) throw new Error(`payload of ${id} is truncated`);
        got += n;
      }
      return buf;
    } finally {
      closeSync(fd);
    }
  }

  inbox(office: string, after: number, limit: number): StoredMessage[] {
    const rows = this
      .sql(`SELECT * FROM messages WHERE receiver_office = ? AND cursor > ? AND status IN ('queued', 'delivered') ORDER BY cursor LIMIT ?`)
      .all(office, after, limit) as MessageRow[];
    return rows.map((r) => this.toMessage(r));
  }

  outbox(office: string, after: number, limit: number): StoredMessage[] {
    const rows = this.sql('SELECT * FROM messages WHERE sender_office = ? AND cursor > ? ORDER BY cursor LIMIT ?').all(office, after, limit) as MessageRow[];
    return rows.map((r) => this.toMessage(r));
  }

  markDelivered(id: string, now: Date): void {
    this.sql(`UPDATE messages SET status = 'delivered', delivered_at = COALESCE(delivered_at, ?) WHERE id = ? AND status = 'queued'`).run(now.toISOString(), id);
  }

  addReceipt(id: string, receipt: Receipt, status: MessageStatus): void {
    const tx = this.db.transaction(() => {
      this.sql('INSERT INTO receipts (message_id, disposition, reason, at, statement, signature) VALUES (?, ?, ?, ?, ?, ?)').run(id, receipt.disposition, receipt.reason, receipt.at, receipt.statement, receipt.signature);
      this.sql('UPDATE messages SET status = ? WHERE id = ?').run(status, id);
    });
    tx();
  }

  upsertOffice(entry: Omit<DirectoryEntry, 'serviceTypes'> & { serviceTypes?: string[] }): DirectoryEntry {
    const existing = this.getOffice(entry.office);
    const serviceTypes = [...new Set([...(existing?.serviceTypes ?? []), ...(entry.serviceTypes ?? [])])].sort();
    this
      .sql(
        `INSERT INTO offices (office, name, service_types, certificate, last_seen) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(office) DO UPDATE SET name = excluded.name, service_types = excluded.service_types, certificate = excluded.certificate, last_seen = excluded.last_seen`,
      )
      .run(entry.office, entry.name, JSON.stringify(serviceTypes), entry.certificate, entry.lastSeen);
    this.offices.delete(entry.office);
    return this.getOffice(entry.office)!;
  }

  getOffice(office: string): DirectoryEntry | undefined {
    const cached = this.offices.get(office);
    if (cached) return cached;
    const row = this.sql('SELECT * FROM offices WHERE office = ?').get(office) as { office: string; name: string; service_types: string; certificate: string; last_seen: string } | undefined;
    if (!row) return undefined;
    const entry = { office: row.office, name: row.name, serviceTypes: JSON.parse(row.service_types) as string[], certificate: row.certificate, lastSeen: row.last_seen };
    this.offices.set(office, entry);
    return entry;
  }

  findOffices(query: { q?: string; serviceType?: string; limit?: number }): DirectoryEntry[] {
    const rows = this.sql('SELECT office FROM offices ORDER BY office').all() as { office: string }[];
    const q = query.q?.trim() ?? '';
    return rows
      .map((r) => this.getOffice(r.office)!)
      .filter((e) => (q === '' || e.office.includes(q) || e.name.includes(q)) && (!query.serviceType || e.serviceTypes.includes(query.serviceType)))
      .slice(0, query.limit ?? 100);
  }

  audit(event: Omit<AuditEvent, 'at'> & { at?: string }): void {
    this.sql('INSERT INTO audit (at, office, action, message_id, detail) VALUES (?, ?, ?, ?, ?)').run(event.at ?? new Date().toISOString(), event.office, event.action, event.messageId, event.detail);
  }

  auditLog(limit = 1000): AuditEvent[] {
    const rows = this.sql('SELECT at, office, action, message_id AS messageId, detail FROM audit ORDER BY id DESC LIMIT ?').all(limit) as AuditEvent[];
    return rows.reverse();
  }

  purgeBefore(cutoff: Date): string[] {
    const rows = this.sql('SELECT id, segment FROM messages WHERE created_at < ?').all(cutoff.toISOString()) as { id: string; segment: string }[];
    const ids = rows.map((r) => r.id);
    const tx = this.db.transaction(() => {
      for (const id of ids) {
        this.sql('DELETE FROM receipts WHERE message_id = ?').run(id);
        this.sql('DELETE FROM messages WHERE id = ?').run(id);
      }
    });
    tx();
    // A segment goes when no message still points into it.
    for (const segment of new Set(rows.map((r) => r.segment))) {
      const left = this.sql('SELECT COUNT(*) AS n FROM messages WHERE segment = ?').get(segment) as { n: number };
      if (left.n === 0) unlinkWithRetrySync(join(this.payloads, segment), { maxWaitMs: 1_000 });
    }
    return ids;
  }

  close(): void {
    this.db.close();
  }
}
