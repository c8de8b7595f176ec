// Relay storage: metadata in SQLite, payloads in segment files written with fsync + atomic rename
// (one segment per group commit, so a burst costs one fsync, not one per unit).
// Everything goes through the RelayStore interface so a PostgreSQL backend can follow.
import { closeSync, openSync, readdirSync, readSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { renameWithRetry, syncDirectoryAsync, TMP_PREFIX, tmpPathFor } from '../platform/fs.js';
import { ensurePrivateDir, ensurePrivateFile, unlinkWithRetrySync, writeDurableAsync } from '../platform/fs.js';
import type { MessageMeta, MessageStatus, PublicMessage, Receipt } from '../shared/protocol/index.js';
import { prepareSchema } from './schema.js';

/** A message as the relay holds it is exactly what it answers with (shared/protocol). */
export type StoredMessage = PublicMessage;

export interface AuditEvent {
  at: string;
  office: string | null;
  action: string;
  messageId: string | null;
  detail: string | null;
}

/** A certificate an office has connected with (the directory lists those valid now). */
export interface StoredCertificate {
  fingerprint: string;
  pem: string;
  notBefore: string;
  notAfter: string;
  firstSeen: string;
  lastSeen: string;
  /** 'active' for every certificate today; enrollment by an operator (a later issue) will add others. */
  state: string;
}

/** An office as the store keeps it; the server makes the directory entry of the protocol from it. */
export interface OfficeRecord {
  office: string;
  name: string;
  serviceTypes: string[];
  lastSeen: string;
  certificates: StoredCertificate[];
}

type MessageEntry = { meta: MessageMeta; audit: Omit<AuditEvent, 'at'> };

export interface RelayStore {
  /** Message ids are per sender: without `sender`, the oldest message with this id. */
  getMessage(id: string, sender?: string): StoredMessage | undefined;
  /** The oldest message with this id that `office` receives (or, with 'either', sends). */
  findMessage(id: string, office: string, as: 'receiver' | 'either'): StoredMessage | undefined;
  /**
   * Group commit: the payloads are written and fsynced in parallel, then all messages (and their
   * audit lines) are inserted in one transaction. Nothing is visible until everything is durable.
   */
  putMessages(entries: (MessageEntry & { payload: Buffer })[], now: Date): Promise<StoredMessage[]>;
  /** A fresh path in the payload area (same volume) to stream a request body into before putMessageFiles. */
  uploadPath(): string;
  /**
   * Group commit of bodies already on disk (uploadPath): each file is fsynced (all at once) and
   * renamed into a segment of its own, the folder is fsynced once, then one transaction inserts
   * the rows. Nothing is visible until everything is durable; the files are moved, not copied.
   */
  putMessageFiles(entries: (MessageEntry & { file: string })[], now: Date): Promise<StoredMessage[]>;
  readPayload(id: string): Buffer;
  /** Where a message's payload lies, so that it can be streamed rather than read into memory. */
  payloadFile(cursor: number): { file: string; offset: number; size: number };
  inbox(office: string, after: number, limit: number): StoredMessage[];
  outbox(office: string, after: number, limit: number): StoredMessage[];
  markDelivered(cursor: number, now: Date): void;
  addReceipt(cursor: number, receipt: Receipt, status: MessageStatus): void;
  upsertOffice(entry: { office: string; name: string; serviceTypes?: string[]; lastSeen: string }): OfficeRecord;
  /**
   * Records that `office` connected with this certificate: registers the office on first contact
   * (named `name`), adds the certificate if new (never replacing another) or notes it seen again.
   * Returns whether the certificate was new.
   */
  registerCertificate(office: string, name: string, cert: { fingerprint: string; pem: string; notBefore: Date; notAfter: Date }, now: Date): boolean;
  getOffice(office: string): OfficeRecord | undefined;
  findOffices(query: { q?: string; serviceType?: string; limit?: number }): OfficeRecord[];
  audit(event: Omit<AuditEvent, 'at'> & { at?: string }): void;
  auditLog(limit?: number): AuditEvent[];
  purgeBefore(cutoff: Date): string[];
  /**
   * At start, before any request: removes payload segments that no message points to (a crash
   * between a segment's rename and its rows' commit) and uploads a crash cut short. Returns the names.
   */
  sweepOrphans(): string[];
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
  private readonly offices = new Map<string, OfficeRecord>();

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
    prepareSchema(this.db);
  }

  private segmentSerial = 0;

  /** A segment file holds the payloads of one commit, back to back (one fsync for the batch). */
  private newSegment(now: Date): string {
    return `${now.toISOString().replace(/[-:.]/g, '')}-${process.pid}-${++this.segmentSerial}.seg`;
  }

  private toMessage(row: MessageRow): StoredMessage {
    const receipts = this
      .sql('SELECT disposition, reason, at, statement, signature FROM receipts WHERE message_cursor = ? ORDER BY id')
      .all(row.cursor) as Receipt[];
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

  getMessage(id: string, sender?: string): StoredMessage | undefined {
    const row = (
      sender === undefined ? this.sql('SELECT * FROM messages WHERE id = ? ORDER BY cursor LIMIT 1').get(id) : this.sql('SELECT * FROM messages WHERE id = ? AND sender_office = ?').get(id, sender)
    ) as MessageRow | undefined;
    return row ? this.toMessage(row) : undefined;
  }

  findMessage(id: string, office: string, as: 'receiver' | 'either'): StoredMessage | undefined {
    const row = this.sql('SELECT * FROM messages WHERE id = ? AND (receiver_office = ? OR (? AND sender_office = ?)) ORDER BY cursor LIMIT 1').get(id, office, as === 'either' ? 1 : 0, office) as MessageRow | undefined;
    return row ? this.toMessage(row) : undefined;
  }

  async putMessages(entries: (MessageEntry & { payload: Buffer })[], now: Date): Promise<StoredMessage[]> {
    const segment = this.newSegment(now);
    // tmp + fsync + rename, the folder fsynced where the OS allows (not Windows), file 0600.
    await writeDurableAsync(join(this.payloads, segment), entries.map((e) => e.payload));
    let offset = 0;
    return this.insertMessages(
      entries.map((e) => {
        const placed = { ...e, segment, offset };
        offset += e.payload.length;
        return placed;
      }),
      now,
    );
  }

  uploadPath(): string {
    return tmpPathFor(join(this.payloads, 'upload'));
  }

  async putMessageFiles(entries: (MessageEntry & { file: string })[], now: Date): Promise<StoredMessage[]> {
    const placed = entries.map((e) => ({ ...e, segment: this.newSegment(now), offset: 0 }));
    await Promise.all(
      placed.map(async (e) => {
        const fh = await open(e.file, 'r+');
        try {
          await fh.sync();
        } finally {
          await fh.close();
        }
        await renameWithRetry(e.file, join(this.payloads, e.segment));
      }),
    );
    await syncDirectoryAsync(this.payloads);
    return this.insertMessages(placed, now);
  }

  /** One transaction for the rows (and audit lines) of a commit whose payloads are already durable. */
  private insertMessages(entries: (MessageEntry & { segment: string; offset: number })[], now: Date): StoredMessage[] {
    const at = now.toISOString();
    const insert = this.sql(
      `INSERT INTO messages (id, sender_office, sender_type, receiver_office, receiver_type, sequence, month, kinds, files, size, sha256, status, created_at, segment, segment_offset)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
    );
    const audit = this.sql('INSERT INTO audit (at, office, action, message_id, detail) VALUES (?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const { meta, audit: a, segment, offset } of entries) {
        insert.run(meta.messageId, meta.sender.office, meta.sender.serviceType, meta.receiver.office, meta.receiver.serviceType, meta.sequence, meta.month, JSON.stringify(meta.kinds), JSON.stringify(meta.files), meta.size, meta.sha256, at, segment, offset);
        audit.run(at, a.office, a.action, a.messageId, a.detail);
        // The directory learns which service types an office sends as, in the same transaction.
        const sender = this.getOffice(meta.sender.office);
        if (sender && !sender.serviceTypes.includes(meta.sender.serviceType)) this.upsertOffice({ ...sender, serviceTypes: [meta.sender.serviceType], lastSeen: at });
      }
    })();
    return entries.map((e) => this.getMessage(e.meta.messageId, e.meta.sender.office)!);
  }

  readPayload(id: string): Buffer {
    const row = this.sql('SELECT segment, segment_offset AS offset, size FROM messages WHERE id = ? ORDER BY cursor LIMIT 1').get(id) as { segment: string; offset: number; size: number } | undefined;
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

  payloadFile(cursor: number): { file: string; offset: number; size: number } {
    const row = this.sql('SELECT segment, segment_offset AS offset, size FROM messages WHERE cursor = ?').get(cursor) as { segment: string; offset: number; size: number } | undefined;
    if (!row) throw new Error(`no payload for message ${cursor}`);
    return { file: join(this.payloads, row.segment), offset: row.offset, size: row.size };
  }

  inbox(office: string, after: number, limit: number): StoredMessage[] {
    // A later message from another sender under an id the receiver already has is left out: the
    // receiver's id-based routes would reach the older one (ids are per sender, see findMessage).
    const rows = this
      .sql(
        `SELECT * FROM messages m WHERE receiver_office = ? AND cursor > ? AND status IN ('queued', 'delivered')
           AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.id = m.id AND o.receiver_office = m.receiver_office AND o.cursor < m.cursor)
         ORDER BY cursor LIMIT ?`,
      )
      .all(office, after, limit) as MessageRow[];
    return rows.map((r) => this.toMessage(r));
  }

  outbox(office: string, after: number, limit: number): StoredMessage[] {
    const rows = this.sql('SELECT * FROM messages WHERE sender_office = ? AND cursor > ? ORDER BY cursor LIMIT ?').all(office, after, limit) as MessageRow[];
    return rows.map((r) => this.toMessage(r));
  }

  markDelivered(cursor: number, now: Date): void {
    this.sql(`UPDATE messages SET status = 'delivered', delivered_at = COALESCE(delivered_at, ?) WHERE cursor = ? AND status = 'queued'`).run(now.toISOString(), cursor);
  }

  addReceipt(cursor: number, receipt: Receipt, status: MessageStatus): void {
    const tx = this.db.transaction(() => {
      this
        .sql('INSERT INTO receipts (message_id, message_cursor, disposition, reason, at, statement, signature) SELECT id, cursor, ?, ?, ?, ?, ? FROM messages WHERE cursor = ?')
        .run(receipt.disposition, receipt.reason, receipt.at, receipt.statement, receipt.signature, cursor);
      this.sql('UPDATE messages SET status = ? WHERE cursor = ?').run(status, cursor);
    });
    tx();
  }

  upsertOffice(entry: { office: string; name: string; serviceTypes?: string[]; lastSeen: string }): OfficeRecord {
    const existing = this.getOffice(entry.office);
    const serviceTypes = [...new Set([...(existing?.serviceTypes ?? []), ...(entry.serviceTypes ?? [])])].sort();
    // offices.certificate is what relays before issue 11 read; the certificates live in office_certificates.
    this
      .sql(
        `INSERT INTO offices (office, name, service_types, certificate, last_seen) VALUES (?, ?, ?, '', ?)
         ON CONFLICT(office) DO UPDATE SET name = excluded.name, service_types = excluded.service_types, last_seen = excluded.last_seen`,
      )
      .run(entry.office, entry.name, JSON.stringify(serviceTypes), entry.lastSeen);
    this.offices.delete(entry.office);
    return this.getOffice(entry.office)!;
  }

  registerCertificate(office: string, name: string, cert: { fingerprint: string; pem: string; notBefore: Date; notAfter: Date }, now: Date): boolean {
    const at = now.toISOString();
    const added = this.db.transaction(() => {
      this.sql(`INSERT INTO offices (office, name, service_types, certificate, last_seen) VALUES (?, ?, '[]', ?, ?) ON CONFLICT(office) DO UPDATE SET last_seen = excluded.last_seen`).run(office, name, cert.pem, at);
      const seenAgain = this.sql('UPDATE office_certificates SET last_seen = ? WHERE office = ? AND fingerprint = ?').run(at, office, cert.fingerprint);
      if (seenAgain.changes > 0) return false;
      this
        .sql('INSERT INTO office_certificates (office, fingerprint, pem, not_before, not_after, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(office, cert.fingerprint, cert.pem, cert.notBefore.toISOString(), cert.notAfter.toISOString(), at, at);
      this.sql('UPDATE offices SET certificate = ? WHERE office = ?').run(cert.pem, office);
      return true;
    })();
    this.offices.delete(office);
    return added;
  }

  getOffice(office: string): OfficeRecord | undefined {
    const cached = this.offices.get(office);
    if (cached) return cached;
    const row = this.sql('SELECT * FROM offices WHERE office = ?').get(office) as { office: string; name: string; service_types: string; last_seen: string } | undefined;
    if (!row) return undefined;
    const certificates = this
      .sql('SELECT fingerprint, pem, not_before AS notBefore, not_after AS notAfter, first_seen AS firstSeen, last_seen AS lastSeen, state FROM office_certificates WHERE office = ? ORDER BY first_seen, fingerprint')
      .all(office) as StoredCertificate[];
    const entry: OfficeRecord = { office: row.office, name: row.name, serviceTypes: JSON.parse(row.service_types) as string[], lastSeen: row.last_seen, certificates };
    this.offices.set(office, entry);
    return entry;
  }

  findOffices(query: { q?: string; serviceType?: string; limit?: number }): OfficeRecord[] {
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
    const rows = this.sql('SELECT cursor, id, segment FROM messages WHERE created_at < ?').all(cutoff.toISOString()) as { cursor: number; id: string; segment: string }[];
    const ids = rows.map((r) => r.id);
    const tx = this.db.transaction(() => {
      for (const { cursor } of rows) {
        this.sql('DELETE FROM receipts WHERE message_cursor = ?').run(cursor);
        this.sql('DELETE FROM messages WHERE cursor = ?').run(cursor);
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

  sweepOrphans(): string[] {
    const referenced = new Set((this.sql('SELECT DISTINCT segment FROM messages').all() as { segment: string }[]).map((r) => r.segment));
    const removed: string[] = [];
    for (const name of readdirSync(this.payloads)) {
      // Only our own kinds of file: segments and the tmp files of writes and uploads (platform/).
      const ours = name.endsWith('.seg') || name.endsWith('.seg.tmp') || name.startsWith(TMP_PREFIX);
      if (!ours || referenced.has(name)) continue;
      rmSync(join(this.payloads, name), { force: true });
      removed.push(name);
    }
    return removed;
  }

  close(): void {
    this.db.close();
  }
}
