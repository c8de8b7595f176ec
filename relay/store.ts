// Relay storage: metadata in SQLite, payloads as files written with fsync + atomic rename.
// Everything goes through the RelayStore interface so a PostgreSQL backend can follow.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type MessageStatus = 'queued' | 'delivered' | 'received' | 'imported' | 'quarantined';

export interface OfficeRef {
  office: string;
  serviceType: string;
}

export interface MessageMeta {
  messageId: string;
  sender: OfficeRef;
  receiver: OfficeRef;
  sequence: string;
  month: string | null;
  kinds: string[];
  files: string[];
  size: number;
  sha256: string;
}

export interface Receipt {
  disposition: 'received' | 'imported' | 'quarantined';
  reason: string | null;
  at: string;
  /** The exact bytes the recipient signed (canonical JSON), and its detached CMS signature, base64. */
  statement: string;
  signature: string;
}

export interface StoredMessage extends MessageMeta {
  cursor: number;
  status: MessageStatus;
  createdAt: string;
  deliveredAt: string | null;
  receipts: Receipt[];
}

export interface DirectoryEntry {
  office: string;
  name: string;
  serviceTypes: string[];
  certificate: string;
  lastSeen: string;
}

export interface AuditEvent {
  at: string;
  office: string | null;
  action: string;
  messageId: string | null;
  detail: string | null;
}

export interface RelayStore {
  getMessage(id: string): StoredMessage | undefined;
  /** Stores the payload then the metadata; the payload is durable before the message exists. */
  putMessage(meta: MessageMeta, payload: Buffer, now: Date): StoredMessage;
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

/** Writes a file so that it is either wholly there or not at all, and survives a power cut. */
export function writeFileDurable(path: string, data: Buffer): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dir = openSync(join(path, '..'), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

export class SqliteStore implements RelayStore {
  private readonly db: Database.Database;
  private readonly payloads: string;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.payloads = join(dataDir, 'payloads');
    mkdirSync(this.payloads, { recursive: true });
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
        status TEXT NOT NULL, created_at TEXT NOT NULL, delivered_at TEXT
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

  private payloadPath(id: string): string {
    return join(this.payloads, `${id}.cms`);
  }

  private toMessage(row: MessageRow): StoredMessage {
    const receipts = this.db
      .prepare('SELECT disposition, reason, at, statement, signature FROM receipts WHERE message_id = ? ORDER BY id')
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
    const row = this.db.prepare('SELECT * FROM messages WHERE id = ?').get(id) as MessageRow | undefined;
    return row ? this.toMessage(row) : undefined;
  }

  putMessage(meta: MessageMeta, payload: Buffer, now: Date): StoredMessage {
    writeFileDurable(this.payloadPath(meta.messageId), payload);
    this.db
      .prepare(
        `INSERT INTO messages (id, sender_office, sender_type, receiver_office, receiver_type, sequence, month, kinds, files, size, sha256, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?)`,
      )
      .run(meta.messageId, meta.sender.office, meta.sender.serviceType, meta.receiver.office, meta.receiver.serviceType, meta.sequence, meta.month, JSON.stringify(meta.kinds), JSON.stringify(meta.files), meta.size, meta.sha256, now.toISOString());
    return this.getMessage(meta.messageId)!;
  }

  readPayload(id: string): Buffer {
    return readFileSync(this.payloadPath(id));
  }

  inbox(office: string, after: number, limit: number): StoredMessage[] {
    const rows = this.db
      .prepare(`SELECT * FROM messages WHERE receiver_office = ? AND cursor > ? AND status IN ('queued', 'delivered') ORDER BY cursor LIMIT ?`)
      .all(office, after, limit) as MessageRow[];
    return rows.map((r) => this.toMessage(r));
  }

  outbox(office: string, after: number, limit: number): StoredMessage[] {
    const rows = this.db.prepare('SELECT * FROM messages WHERE sender_office = ? AND cursor > ? ORDER BY cursor LIMIT ?').all(office, after, limit) as MessageRow[];
    return rows.map((r) => this.toMessage(r));
  }

  markDelivered(id: string, now: Date): void {
    this.db.prepare(`UPDATE messages SET status = 'delivered', delivered_at = COALESCE(delivered_at, ?) WHERE id = ? AND status = 'queued'`).run(now.toISOString(), id);
  }

  addReceipt(id: string, receipt: Receipt, status: MessageStatus): void {
    const tx = this.db.transaction(() => {
      this.db.prepare('INSERT INTO receipts (message_id, disposition, reason, at, statement, signature) VALUES (?, ?, ?, ?, ?, ?)').run(id, receipt.disposition, receipt.reason, receipt.at, receipt.statement, receipt.signature);
      this.db.prepare('UPDATE messages SET status = ? WHERE id = ?').run(status, id);
    });
    tx();
  }

  upsertOffice(entry: Omit<DirectoryEntry, 'serviceTypes'> & { serviceTypes?: string[] }): DirectoryEntry {
    const existing = this.getOffice(entry.office);
    const serviceTypes = [...new Set([...(existing?.serviceTypes ?? []), ...(entry.serviceTypes ?? [])])].sort();
    this.db
      .prepare(
        `INSERT INTO offices (office, name, service_types, certificate, last_seen) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(office) DO UPDATE SET name = excluded.name, service_types = excluded.service_types, certificate = excluded.certificate, last_seen = excluded.last_seen`,
      )
      .run(entry.office, entry.name, JSON.stringify(serviceTypes), entry.certificate, entry.lastSeen);
    return this.getOffice(entry.office)!;
  }

  getOffice(office: string): DirectoryEntry | undefined {
    const row = this.db.prepare('SELECT * FROM offices WHERE office = ?').get(office) as { office: string; name: string; service_types: string; certificate: string; last_seen: string } | undefined;
    return row ? { office: row.office, name: row.name, serviceTypes: JSON.parse(row.service_types) as string[], certificate: row.certificate, lastSeen: row.last_seen } : undefined;
  }

  findOffices(query: { q?: string; serviceType?: string; limit?: number }): DirectoryEntry[] {
    const rows = this.db.prepare('SELECT office FROM offices ORDER BY office').all() as { office: string }[];
    const q = query.q?.trim() ?? '';
    return rows
      .map((r) => this.getOffice(r.office)!)
      .filter((e) => (q === '' || e.office.includes(q) || e.name.includes(q)) && (!query.serviceType || e.serviceTypes.includes(query.serviceType)))
      .slice(0, query.limit ?? 100);
  }

  audit(event: Omit<AuditEvent, 'at'> & { at?: string }): void {
    this.db.prepare('INSERT INTO audit (at, office, action, message_id, detail) VALUES (?, ?, ?, ?, ?)').run(event.at ?? new Date().toISOString(), event.office, event.action, event.messageId, event.detail);
  }

  auditLog(limit = 1000): AuditEvent[] {
    const rows = this.db.prepare('SELECT at, office, action, message_id AS messageId, detail FROM audit ORDER BY id DESC LIMIT ?').all(limit) as AuditEvent[];
    return rows.reverse();
  }

  purgeBefore(cutoff: Date): string[] {
    const ids = (this.db.prepare('SELECT id FROM messages WHERE created_at < ?').all(cutoff.toISOString()) as { id: string }[]).map((r) => r.id);
    const tx = this.db.transaction(() => {
      for (const id of ids) {
        this.db.prepare('DELETE FROM receipts WHERE message_id = ?').run(id);
        this.db.prepare('DELETE FROM messages WHERE id = ?').run(id);
      }
    });
    tx();
    for (const id of ids) rmSync(this.payloadPath(id), { force: true });
    return ids;
  }

  close(): void {
    this.db.close();
  }
}
