// The embedded backend: metadata in SQLite (better-sqlite3, WAL, synchronous=NORMAL with the log
// flushed by the relay where durability matters, see below); payloads up to 64 KiB in SQLite too
// (message_payloads), larger ones in segment files. One relay
// process owns the folder, so the rate-limit buckets and the directory cache live in memory here.
// The driver is synchronous; the methods are async to fit RelayStore, and each one runs to its end
// without yielding, so a transaction never interleaves with another request.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { syncDirectoryAsync, unlinkWithRetry } from '../platform/fs.js';
import { ensurePrivateDir, ensurePrivateFile } from '../platform/fs.js';
import type { MessageStatus, Receipt } from '../shared/protocol/index.js';
import { migrateSqlite } from './migrations.js';
import { WalCheckpointer } from './sqliteCheckpoint.js';
import { IN_DATABASE, payloadSource, placePayloads, placeUploads, SegmentUpload, sweepFolder, WalSync, writeSegment, type Placed } from './sqliteFiles.js';
import {
  DEFAULT_PURGE_BATCH,
  messageColumnsOf,
  messageFromRow,
  readWholePayload,
  receiptStep,
  tokenWait,
  yieldToRequests,
  type AuditEvent,
  type AuditLine,
  type AuditQuery,
  type CertificateState,
  type CommitResult,
  type MessageEntry,
  type MessageRow,
  type OfficeRecord,
  type PayloadSource,
  type RateLimit,
  type ReceiptOutcome,
  type RelayStore,
  type StoredCertificate,
  type StoredMessage,
  type TrafficRow,
  type Upload,
} from './store.js';


export class SqliteStore implements RelayStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly payloads: string;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly offices = new Map<string, OfficeRecord>();
  private readonly registered = new Set<string>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly migrated: Promise<void>;
  private migratedYet = false;
  private segmentSerial = 0;
  private dataVersion = -1;
  private readonly wal: WalSync;
  private readonly checkpoints: WalCheckpointer;
  /**
   * The last cursor whose commit is on disk: what offices read (inbox, outbox, a message by id) stops
   * there, so that no unit is seen before it is durable, although its row is written a moment earlier.
   */
  private durableCursor = 0;

  constructor(dataDir: string) {
    // Owner-only: care records and who sent them. SQLite gives its -wal and -shm files the database's mode.
    ensurePrivateDir(dataDir);
    this.payloads = join(dataDir, 'payloads');
    ensurePrivateDir(this.payloads);
    ensurePrivateFile(join(dataDir, 'relay.sqlite'));
    this.db = new Database(join(dataDir, 'relay.sqlite'));
    this.db.pragma('journal_mode = WAL');
    // NORMAL: a commit writes the log but does not fsync it on the event loop (FULL did, for every
    // audit line, last-seen time and delivered mark). A process crash loses nothing either way (the
    // log is in the OS); only a power cut can lose what was not flushed yet. So everything a client
    // is told is stored waits for WalSync.flush (an fsync of the log on the thread pool, shared by
    // the writes of the moment) before the relay answers: a submitted unit (a small one's bytes are
    // in the same transaction as its row; a large one's file and folder were flushed before its row
    // was written), a receipt, a directory update, an operator's
    // certificate change, a purge before its files go. What nobody waits for (audit lines of reads
    // and refusals, last seen, delivered) is flushed by the next of those, or within 200 ms; after a
    // power cut it could only lose such a line, or show a downloaded unit as queued (the receiver
    // downloads it again: ids make that harmless). Checkpoints flush the log themselves first.
    this.db.pragma('synchronous = NORMAL');
    // Checkpoints run on a worker thread (relay/sqliteCheckpoint.ts), after flushes; SQLite's own, in
    // a commit on the event loop, only if that worker cannot run.
    this.db.pragma('wal_autocheckpoint = 0');
    this.checkpoints = new WalCheckpointer(join(dataDir, 'relay.sqlite'), () => this.db.open && this.db.pragma('wal_autocheckpoint = 1000'));
    this.wal = new WalSync(join(dataDir, 'relay.sqlite-wal'), () => this.checkpoints.nudge());
    this.migrated = migrateSqlite(this.db).then(() => {
      this.migratedYet = true;
      this.durableCursor = this.maxCursor();
    });
    // Reported by ready(); not an unhandled rejection meanwhile.
    this.migrated.catch(() => {});
  }

  ready(): Promise<void> {
    return this.migrated;
  }

  /** Prepared statements are reused: preparing costs more than running. */
  private sql(text: string): Database.Statement {
    if (!this.migratedYet) throw new Error('the relay store is not ready yet: await store.ready() (or use openStore)');
    let st = this.statements.get(text);
    if (!st) {
      st = this.db.prepare(text);
      this.statements.set(text, st);
    }
    return st;
  }

  private maxCursor(): number {
    return (this.db.prepare('SELECT coalesce(max(cursor), 0) AS c FROM messages').get() as { c: number }).c;
  }

  /** After a write nobody waits for: flushed with the next durable write, or soon. */
  private lazyWrite(): void {
    this.wal.soon();
  }

  /** A segment file holds one large upload, or the large payloads of one putMessages, back to back. */
  private newSegment(now: Date): string {
    return `${now.toISOString().replace(/[-:.]/g, '')}-${process.pid}-${++this.segmentSerial}.seg`;
  }

  /** The rows with their receipts, in one query for all of them (not one per message). */
  private toMessages(rows: MessageRow[]): StoredMessage[] {
    if (rows.length === 0) return [];
    const receipts = this
      .sql('SELECT message_cursor AS cursor, disposition, reason, at, statement, signature FROM receipts WHERE message_cursor IN (SELECT value FROM json_each(?)) ORDER BY id')
      .all(JSON.stringify(rows.map((r) => r.cursor))) as (Receipt & { cursor: number })[];
    const byCursor = new Map<number, Receipt[]>();
    for (const { cursor, ...r } of receipts) byCursor.set(cursor, [...(byCursor.get(cursor) ?? []), r]);
    return rows.map((row) => messageFromRow(row, byCursor.get(row.cursor) ?? []));
  }

  /**
   * Synchronous read for embedders and tests that inspect an embedded relay (SQLite only): the
   * sender's message with this id, or without `sender` the oldest one. RelayStore's is message().
   */
  getMessage(id: string, sender?: string): StoredMessage | undefined {
    const row = (
      sender === undefined ? this.sql('SELECT * FROM messages WHERE id = ? ORDER BY cursor LIMIT 1').get(id) : this.sql('SELECT * FROM messages WHERE id = ? AND sender_office = ?').get(id, sender)
    ) as MessageRow | undefined;
    return row ? this.toMessages([row])[0] : undefined;
  }

  /** Synchronous read of the last `limit` audit events, oldest first (SQLite only; RelayStore's is auditEvents()). */
  auditLog(limit = 1000): AuditEvent[] {
    const rows = this.sql('SELECT at, office, action, message_id AS messageId, detail FROM audit ORDER BY id DESC LIMIT ?').all(limit) as AuditEvent[];
    return rows.reverse();
  }

  /** Rows a commit has written but not yet flushed are answered only once they are on disk. */
  private async durable(rows: readonly MessageRow[]): Promise<void> {
    const last = rows.reduce((n, r) => Math.max(n, r.cursor), 0);
    if (last <= this.durableCursor) return;
    await this.wal.flush();
    // The flush began after these rows were written, and with them every row before them.
    this.durableCursor = Math.max(this.durableCursor, last);
  }

  async message(id: string, sender?: string): Promise<StoredMessage | undefined> {
    await this.migrated;
    const m = this.getMessage(id, sender);
    if (m) await this.durable([{ cursor: m.cursor } as MessageRow]);
    return m;
  }

  async findMessage(id: string, office: string, as: 'receiver' | 'either'): Promise<StoredMessage | undefined> {
    const row = this.sql('SELECT * FROM messages WHERE id = ? AND (receiver_office = ? OR (? AND sender_office = ?)) ORDER BY cursor LIMIT 1').get(id, office, as === 'either' ? 1 : 0, office) as MessageRow | undefined;
    if (!row) return undefined;
    await this.durable([row]);
    return this.toMessages([row])[0];
  }

  async openUpload(): Promise<Upload> {
    // Named only if it needs a file of its own (most units are small).
    return new SegmentUpload(() => join(this.payloads, this.newSegment(new Date())));
  }

  /** As commitUploads: small payloads into the database, the large ones into one segment file. */
  async putMessages(entries: (MessageEntry & { payload: Buffer })[], now: Date): Promise<StoredMessage[]> {
    await this.migrated;
    const segment = this.newSegment(now);
    const { placed, large } = placePayloads(entries, segment);
    if (large.length) {
      await writeSegment(join(this.payloads, segment), large);
      await syncDirectoryAsync(this.payloads);
    }
    return (await this.insertDurably(placed, now)).map((r) => r.message);
  }

  /**
   * A small unit's bytes are written into message_payloads in the transaction of its row: one flush
   * of the log makes both durable, with no file and no folder to flush. A large one is already in
   * its own segment file, flushed when its upload ended; the folder is flushed (once for all of
   * them) before the rows that name those files are written. The answer waits for the log's flush.
   */
  async commitUploads(entries: (MessageEntry & { upload: Upload })[], now: Date): Promise<CommitResult[]> {
    await this.migrated;
    const uploads = entries.map((e) => e.upload as unknown as SegmentUpload);
    const placed = placeUploads(entries, uploads, this.payloads);
    if (placed.some((p) => p.inline === null)) await syncDirectoryAsync(this.payloads);
    const results = await this.insertDurably(placed, now);
    // An id the sender had already used: the segment of that large upload is nobody's (a small
    // repeat wrote nothing).
    const unused = results.flatMap((r, i) => (r.created || placed[i]!.inline ? [] : [uploads[i]!.file!]));
    await Promise.all(unused.map((f) => unlinkWithRetry(f, { maxWaitMs: 1_000 }).catch(() => {})));
    return results;
  }

  /**
   * The rows, then the log flushed: what the caller answers with is on disk. A transaction is whole
   * or absent in the log after a crash (its frames count only up to a valid commit frame), so a
   * small unit's row and bytes become durable together in this one flush; a row that names a
   * segment file was written only after that file and its folder entry were flushed.
   */
  private async insertDurably(entries: Placed[], now: Date): Promise<CommitResult[]> {
    const results = this.insertMessages(entries, now);
    await this.durable(results.map((r) => ({ cursor: r.message.cursor }) as MessageRow));
    return results;
  }

  /** One transaction for the rows (and audit lines, and the small units' bytes) of a commit. */
  private insertMessages(entries: Placed[], now: Date): CommitResult[] {
    const at = now.toISOString();
    const insert = this.sql(
      `INSERT INTO messages (id, sender_office, sender_type, receiver_office, receiver_type, sequence, month, kinds, files, size, sha256, status, created_at, segment, segment_offset)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?) ON CONFLICT (sender_office, id) DO NOTHING`,
    );
    const audit = this.sql('INSERT INTO audit (at, office, action, message_id, detail) VALUES (?, ?, ?, ?, ?)');
    // The directory learns which service types an office sends as, in the same transaction.
    const learnType = this.sql('INSERT OR IGNORE INTO office_service_types (service_type, office) SELECT ?, office FROM offices WHERE office = ?');
    const bytes = this.sql('INSERT INTO message_payloads (cursor, data) VALUES (?, ?)');
    const cursors = this.db.transaction(() =>
      entries.map(({ meta, audit: a, segment, offset, inline }) => {
        const r = insert.run(meta.messageId, meta.sender.office, meta.sender.serviceType, meta.receiver.office, meta.receiver.serviceType, meta.sequence, meta.month, JSON.stringify(meta.kinds), JSON.stringify(meta.files), meta.size, meta.sha256, at, segment, offset);
        if (r.changes === 0) return null;
        if (inline) bytes.run(r.lastInsertRowid, inline);
        audit.run(at, a.office, a.action, a.messageId, a.detail);
        if (learnType.run(meta.sender.serviceType, meta.sender.office).changes > 0) this.offices.delete(meta.sender.office);
        return Number(r.lastInsertRowid);
      }),
    )();
    // A new message is what was just written (no query); one already there is read back.
    return entries.map(({ meta }, i) => {
      const cursor = cursors[i];
      if (cursor === null || cursor === undefined) return { message: this.getMessage(meta.messageId, meta.sender.office)!, created: false };
      const row = { ...messageColumnsOf(meta), cursor, status: 'queued', created_at: at, delivered_at: null } satisfies MessageRow;
      return { message: messageFromRow(row, []), created: true };
    });
  }

  readPayload(id: string): Promise<Buffer> {
    return readWholePayload(this, id);
  }

  async openPayload(cursor: number): Promise<PayloadSource> {
    const row = this.sql('SELECT m.segment, m.segment_offset AS offset, m.size, p.data FROM messages m LEFT JOIN message_payloads p ON p.cursor = m.cursor WHERE m.cursor = ?').get(cursor) as
      | { segment: string; offset: number; size: number; data: Buffer | null }
      | undefined;
    if (!row) throw new Error(`no payload for message ${cursor}`);
    return payloadSource(row, this.payloads, cursor);
  }

  async inbox(office: string, after: number, limit: number): Promise<StoredMessage[]> {
    // A later message from another sender under an id the receiver already has is left out: the
    // receiver's id-based routes would reach the older one (ids are per sender, see findMessage).
    // The status filter matches the partial index messages_inbox word for word, so SQLite uses it.
    const rows = this
      .sql(
        `SELECT * FROM messages m WHERE receiver_office = ? AND cursor > ? AND status IN ('queued', 'delivered')
           AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.id = m.id AND o.receiver_office = m.receiver_office AND o.cursor < m.cursor)
         ORDER BY cursor LIMIT ?`,
      )
      .all(office, after, limit) as MessageRow[];
    await this.durable(rows);
    return this.toMessages(rows);
  }

  async outbox(office: string, after: number, limit: number): Promise<StoredMessage[]> {
    const rows = this.sql('SELECT * FROM messages WHERE sender_office = ? AND cursor > ? ORDER BY cursor LIMIT ?').all(office, after, limit) as MessageRow[];
    await this.durable(rows);
    return this.toMessages(rows);
  }

  async markDelivered(cursor: number, now: Date): Promise<void> {
    this.sql(`UPDATE messages SET status = 'delivered', delivered_at = COALESCE(delivered_at, ?) WHERE cursor = ? AND status = 'queued'`).run(now.toISOString(), cursor);
    this.lazyWrite();
  }

  async addReceipt(cursor: number, receipt: Receipt): Promise<ReceiptOutcome> {
    const outcome = this.db.transaction((): ReceiptOutcome | { result: 'final'; status: MessageStatus } => {
      const row = this.sql('SELECT status FROM messages WHERE cursor = ?').get(cursor) as { status: MessageStatus } | undefined;
      if (!row) throw new Error(`no message ${cursor}`);
      const have = (this.sql('SELECT disposition FROM receipts WHERE message_cursor = ?').all(cursor) as { disposition: string }[]).map((r) => r.disposition);
      const step = receiptStep(row.status, have, receipt.disposition);
      if (step.result === 'final') return { result: 'final', status: row.status };
      if (step.result === 'added') {
        this
          .sql('INSERT INTO receipts (message_id, message_cursor, disposition, reason, at, statement, signature) SELECT id, cursor, ?, ?, ?, ?, ? FROM messages WHERE cursor = ?')
          .run(receipt.disposition, receipt.reason, receipt.at, receipt.statement, receipt.signature, cursor);
        this.sql('UPDATE messages SET status = ? WHERE cursor = ?').run(step.status, cursor);
      }
      const m = this.toMessages([this.sql('SELECT * FROM messages WHERE cursor = ?').get(cursor) as MessageRow])[0]!;
      return { result: step.result, message: m };
    })();
    // A receipt is evidence the sender relies on: on disk before the receiver hears 201.
    if (outcome.result === 'added') await this.wal.flush();
    return outcome;
  }

  async upsertOffice(entry: { office: string; name: string; serviceTypes?: string[]; lastSeen: string }): Promise<OfficeRecord> {
    this.db.transaction(() => {
      // offices.certificate is what relays before issue 11 read; service_types what relays before issue 15 read.
      this
        .sql(`INSERT INTO offices (office, name, service_types, certificate, last_seen) VALUES (?, ?, '[]', '', ?) ON CONFLICT(office) DO UPDATE SET name = excluded.name, last_seen = excluded.last_seen`)
        .run(entry.office, entry.name, entry.lastSeen);
      for (const t of entry.serviceTypes ?? []) this.sql('INSERT OR IGNORE INTO office_service_types (service_type, office) VALUES (?, ?)').run(t, entry.office);
    })();
    this.offices.delete(entry.office);
    await this.wal.flush();
    return (await this.getOffice(entry.office))!;
  }

  async registerCertificate(office: string, name: string, cert: { fingerprint: string; pem: string; notBefore: Date; notAfter: Date }, now: Date): Promise<boolean> {
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
    this.lazyWrite();
    return added;
  }

  /** Offices with their certificates and service types: three queries for any number of them. */
  private records(rows: { office: string; name: string; last_seen: string }[]): OfficeRecord[] {
    if (rows.length === 0) return [];
    const list = JSON.stringify(rows.map((r) => r.office));
    const certs = this
      .sql(
        `SELECT office, fingerprint, pem, not_before AS notBefore, not_after AS notAfter, first_seen AS firstSeen, last_seen AS lastSeen, state
         FROM office_certificates WHERE office IN (SELECT value FROM json_each(?)) ORDER BY first_seen, fingerprint`,
      )
      .all(list) as (StoredCertificate & { office: string })[];
    const types = this.sql('SELECT office, service_type AS type FROM office_service_types WHERE office IN (SELECT value FROM json_each(?)) ORDER BY service_type').all(list) as { office: string; type: string }[];
    return rows.map((r) => ({
      office: r.office,
      name: r.name,
      serviceTypes: types.filter((t) => t.office === r.office).map((t) => t.type),
      lastSeen: r.last_seen,
      certificates: certs.filter((c) => c.office === r.office).map(({ office: _office, ...c }) => c),
    }));
  }

  async certificateState(office: string, fingerprint: string): Promise<CertificateState | undefined> {
    const row = this.sql('SELECT state FROM office_certificates WHERE office = ? AND fingerprint = ?').get(office, fingerprint) as { state: CertificateState } | undefined;
    return row?.state;
  }

  async setCertificateState(office: string, fingerprint: string | undefined, state: CertificateState): Promise<number> {
    const changed = this.sql('UPDATE office_certificates SET state = ? WHERE office = ? AND (? IS NULL OR fingerprint = ?)').run(state, office, fingerprint ?? null, fingerprint ?? null).changes;
    this.offices.delete(office);
    await this.wal.flush();
    return changed;
  }

  async getOffice(office: string): Promise<OfficeRecord | undefined> {
    // The operator's commands (relay enroll, revoke) write from another process: SQLite's data_version
    // changes when another connection commits, and the cached entries go with it.
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (version !== this.dataVersion) {
      this.offices.clear();
      this.dataVersion = version;
    }
    const cached = this.offices.get(office);
    if (cached) return cached;
    const row = this.sql('SELECT office, name, last_seen FROM offices WHERE office = ?').get(office) as { office: string; name: string; last_seen: string } | undefined;
    if (!row) return undefined;
    const entry = this.records([row])[0]!;
    this.offices.set(office, entry);
    return entry;
  }

  async hasOffice(office: string): Promise<boolean> {
    // Offices are never deleted: a yes is kept (a no is asked again, another process may enroll it).
    if (this.registered.has(office)) return true;
    const found = this.sql('SELECT 1 FROM offices WHERE office = ?').get(office) !== undefined;
    if (found) this.registered.add(office);
    return found;
  }

  async findOffices(query: { q?: string; serviceType?: string; limit?: number }): Promise<OfficeRecord[]> {
    const q = query.q?.trim() ?? '';
    // instr keeps the match case-sensitive, as before. Offices are walked in the order of their
    // primary key and the walk stops at the limit; the type filter is an index probe per office.
    const rows = this
      .sql(
        `SELECT office, name, last_seen FROM offices o
         WHERE (? = '' OR instr(o.office, ?) > 0 OR instr(o.name, ?) > 0)
           AND (? IS NULL OR EXISTS (SELECT 1 FROM office_service_types t WHERE t.service_type = ? AND t.office = o.office))
         ORDER BY office LIMIT ?`,
      )
      .all(q, q, q, query.serviceType ?? null, query.serviceType ?? null, query.limit ?? 100) as { office: string; name: string; last_seen: string }[];
    return this.records(rows);
  }

  async audit(event: AuditLine & { at?: string }): Promise<void> {
    this.sql('INSERT INTO audit (at, office, action, message_id, detail) VALUES (?, ?, ?, ?, ?)').run(event.at ?? new Date().toISOString(), event.office, event.action, event.messageId, event.detail);
    this.lazyWrite();
  }

  async auditEvents(query: AuditQuery = {}): Promise<AuditEvent[]> {
    const rows = this
      .sql(
        `SELECT at, office, action, message_id AS messageId, detail FROM audit
         WHERE (? IS NULL OR office = ?) AND (? IS NULL OR action = ?) AND (? IS NULL OR message_id = ?) AND (? IS NULL OR at >= ?)
         ORDER BY id DESC LIMIT ?`,
      )
      .all(query.office ?? null, query.office ?? null, query.action ?? null, query.action ?? null, query.messageId ?? null, query.messageId ?? null, query.since ?? null, query.since ?? null, query.limit ?? 1000) as AuditEvent[];
    return rows.reverse();
  }

  async takeToken(office: string, rate: RateLimit): Promise<number> {
    const t = Date.now();
    const b = this.buckets.get(office) ?? { tokens: rate.requests, at: t };
    b.tokens = Math.min(rate.requests, b.tokens + ((t - b.at) * rate.requests) / rate.perMs);
    b.at = t;
    const wait = tokenWait(b.tokens, rate);
    if (wait === 0) b.tokens -= 1;
    this.buckets.set(office, b);
    return wait;
  }

  async waitingByOffice(): Promise<{ office: string; waiting: number }[]> {
    return this.sql(`SELECT receiver_office AS office, count(*) AS waiting FROM messages WHERE status IN ('queued', 'delivered') GROUP BY receiver_office ORDER BY receiver_office`).all() as { office: string; waiting: number }[];
  }

  async traffic(from: Date, to: Date): Promise<TrafficRow[]> {
    // ISO timestamps compare as text; both conditions are index ranges (messages_created) or a scan of the period's deliveries.
    const [a, b] = [from.toISOString(), to.toISOString()];
    return this
      .sql(
        `SELECT sender_office AS sender, receiver_office AS receiver,
           sum(created_at >= @a AND created_at < @b) AS units, sum(coalesce(delivered_at >= @a AND delivered_at < @b, 0)) AS downloads
         FROM messages WHERE (created_at >= @a AND created_at < @b) OR (delivered_at >= @a AND delivered_at < @b)
         GROUP BY sender_office, receiver_office ORDER BY sender_office, receiver_office`,
      )
      .all({ a, b }) as TrafficRow[];
  }

  async ping(): Promise<void> {
    this.sql('SELECT 1').get();
  }

  async purgeBefore(cutoff: Date, batch = DEFAULT_PURGE_BATCH): Promise<string[]> {
    await this.migrated;
    const ids: string[] = [];
    const pick = this.sql('SELECT cursor, id, segment FROM messages WHERE created_at < ? ORDER BY created_at LIMIT ?');
    for (;;) {
      const rows = pick.all(cutoff.toISOString(), batch) as { cursor: number; id: string; segment: string }[];
      if (rows.length === 0) break;
      const cursors = JSON.stringify(rows.map((r) => r.cursor));
      this.db.transaction(() => {
        this.sql('DELETE FROM receipts WHERE message_cursor IN (SELECT value FROM json_each(?))').run(cursors);
        this.sql('DELETE FROM message_payloads WHERE cursor IN (SELECT value FROM json_each(?))').run(cursors);
        this.sql('DELETE FROM messages WHERE cursor IN (SELECT value FROM json_each(?))').run(cursors);
      })();
      // The rows are gone on disk before their files are: never a message without its payload.
      await this.wal.flush();
      // A segment goes when no message still points into it (an index probe on messages_segment).
      for (const segment of new Set(rows.map((r) => r.segment).filter((s) => s !== IN_DATABASE))) {
        if (!this.sql('SELECT 1 FROM messages WHERE segment = ? LIMIT 1').get(segment)) await unlinkWithRetry(join(this.payloads, segment), { maxWaitMs: 1_000 }).catch(() => {});
      }
      ids.push(...rows.map((r) => r.id));
      if (rows.length < batch) break;
      await yieldToRequests();
    }
    return ids;
  }

  async sweepOrphans(): Promise<string[]> {
    await this.migrated;
    // Small units' bytes are in message_payloads, written in the transaction of their row: never orphaned.
    return sweepFolder(this.payloads, new Set((this.sql('SELECT DISTINCT segment FROM messages').all() as { segment: string }[]).map((r) => r.segment)));
  }

  async close(): Promise<void> {
    // What is still unflushed is flushed by SQLite's own checkpoint as the last connection closes.
    await this.wal.close();
    await this.checkpoints.close();
    if (this.db.open) this.db.close();
  }
}
