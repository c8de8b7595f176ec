// The PostgreSQL backend: everything in the database, nothing on local disk, so any number of relay
// processes can share it. Payloads are bytea in 64 KiB chunks (payload_chunks), written while the
// upload is read; the group commit inserts a burst's messages in one transaction that also marks
// their payloads committed. Durability already costs one flush per burst here: the chunks are
// written without waiting (synchronous_commit off), and the commit's flush of the log covers every
// record before it, chunks included (what SQLite gained by moving small units into its database,
// migration 0003, PostgreSQL had from the start). The schema is the connection's current schema
// (its search_path, e.g. ?options=-c%20search_path%3Drelay in the URL); relay/migrations.ts creates it.
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { MessageStatus, Receipt } from '../shared/protocol/index.js';
import { migratePostgres } from './migrations.js';
import {
  DEFAULT_PURGE_BATCH,
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

/** Bytes per payload row: a 10 KB unit is one row, the largest (20 MiB) 320. */
export const PG_CHUNK_BYTES = 64 * 1024;
/** Chunks fetched per round trip while a download streams. */
const CHUNKS_PER_READ = 4;
/** An upload older than this with no message is a crash's leftover (requests time out after 5 minutes). */
const ORPHAN_AGE = '1 hour';

const INT8_OID = 20;
const NUMERIC_OID = 1700;
// bigint (cursors, ids, sizes) as numbers: they stay far below 2^53.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID || oid === NUMERIC_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/**
 * A message row with its receipts as a JSON array, so that a page of messages is one round trip
 * (the receipts come through the unique index on (message_cursor, disposition)).
 */
const MESSAGE = `m.*, (SELECT COALESCE(json_agg(json_build_object('disposition', r.disposition, 'reason', r.reason, 'at', r.at, 'statement', r.statement, 'signature', r.signature) ORDER BY r.id), '[]'::json)
  FROM receipts r WHERE r.message_cursor = m.cursor) AS receipts`;
type ReceiptRow = MessageRow & { receipts: Receipt[] };
const toMessages = (rows: ReceiptRow[]): StoredMessage[] => rows.map((r) => messageFromRow(r, r.receipts));

const names = new Map<string, string>();
/**
 * A query as a named prepared statement: each connection parses and plans it once and reuses the
 * plan (planning alone cost more than running the inbox query).
 */
function prepared(text: string, values: unknown[]): pg.QueryConfig {
  let name = names.get(text);
  if (!name) {
    name = `cpl_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return { name, text, values };
}

const iso = (v: Date | string): string => (typeof v === 'string' ? v : v.toISOString());

/**
 * PostgreSQL text cannot hold U+0000 (SQLite can). Free text the relay only keeps for people to read
 * (a receipt's reason, an audit line) loses it; the signed statement, which must stay byte for
 * byte, cannot contain one (JSON does not allow it raw).
 */
const NUL = String.fromCharCode(0);
const readable = (v: string | null): string | null => (v === null ? null : v.split(NUL).join(''));

/**
 * The URL with one more server setting in its `options` (after any it has, such as a search_path):
 * a setting of the connection itself, in force before its first query.
 */
function withSetting(databaseUrl: string, setting: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `${url.searchParams.get('options') ?? ''} -c ${setting}`.trim());
  return url.toString();
}

/** An upload written chunk by chunk into payload_chunks. */
class ChunkUpload implements Upload {
  readonly chunkBytes = PG_CHUNK_BYTES;
  readonly keptBytes = 0;
  private seq = 0;
  size = 0;

  constructor(
    private readonly lazy: pg.Pool,
    readonly payloadId: number,
    private readonly onDiscard: (id: number) => Promise<void>,
  ) {}

  async write(pieces: Buffer[]): Promise<void> {
    const chunk = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
    await this.lazy.query(prepared('INSERT INTO payload_chunks (payload_id, seq, data) VALUES ($1, $2, $3)', [this.payloadId, this.seq++, chunk]));
    this.size += chunk.length;
  }

  async end(): Promise<void> {}

  discard(): Promise<void> {
    return this.onDiscard(this.payloadId);
  }
}

export class PgStore implements RelayStore {
  readonly kind = 'postgres' as const;
  /** Every write whose commit must be durable when it returns. */
  private readonly pool: pg.Pool;
  /**
   * Writes that need no flush of their own: synchronous_commit off (their commit returns without
   * waiting for the WAL to reach the disk; a crash of the database, not of the relay, could lose the
   * last ones). Payload chunks: the commit that makes their message visible flushes the WAL up to
   * there, which holds every chunk written before it. Rate-limit counters: a lost one costs nothing.
   * Audit lines, last-seen times and delivered marks: flushed by the next synchronous commit (a
   * submission's group commit, a receipt) or by the WAL writer within wal_writer_delay; lost, a
   * delivered mark only makes the receiver download again. What a client is told is stored (a
   * message, a receipt, a directory update) is committed on `pool`, flushed before the answer.
   */
  private readonly lazy: pg.Pool;
  private readonly migrated: Promise<void>;

  constructor(databaseUrl: string) {
    const config = { types, application_name: 'careplan-link-relay' };
    this.pool = new pg.Pool({ ...config, connectionString: databaseUrl, max: 8 });
    this.lazy = new pg.Pool({ ...config, connectionString: withSetting(databaseUrl, 'synchronous_commit=off'), max: 4 });
    // A connection that breaks while idle (a database restart) is dropped and made again when needed.
    for (const p of [this.pool, this.lazy]) p.on('error', () => {});
    this.migrated = this.migrate();
    this.migrated.catch(() => {});
  }

  private async migrate(): Promise<void> {
    const { rows } = await this.pool.query<{ schema: string | null }>('SELECT current_schema() AS schema');
    const schema = rows[0]?.schema;
    if (!schema) throw new Error('the PostgreSQL search_path names no schema that exists: create it first (CREATE SCHEMA …)');
    await migratePostgres(this.pool, schema);
  }

  ready(): Promise<void> {
    return this.migrated;
  }

  /** One transaction on one connection; rolled back on any error. */
  private async tx<T>(work: (c: pg.PoolClient) => Promise<T>, pool = this.pool): Promise<T> {
    await this.migrated;
    const c = await pool.connect();
    let broken = false;
    try {
      await c.query('BEGIN');
      const result = await work(c);
      await c.query('COMMIT');
      return result;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => (broken = true));
      throw e;
    } finally {
      c.release(broken);
    }
  }

  private async rows<T extends pg.QueryResultRow>(text: string, values: unknown[] = [], pool = this.pool): Promise<T[]> {
    await this.migrated;
    return (await pool.query<T>(prepared(text, values))).rows;
  }

  async message(id: string, sender?: string): Promise<StoredMessage | undefined> {
    const rows =
      sender === undefined
        ? await this.rows<ReceiptRow>(`SELECT ${MESSAGE} FROM messages m WHERE id = $1 ORDER BY cursor LIMIT 1`, [id])
        : await this.rows<ReceiptRow>(`SELECT ${MESSAGE} FROM messages m WHERE id = $1 AND sender_office = $2`, [id, sender]);
    return toMessages(rows)[0];
  }

  async findMessage(id: string, office: string, as: 'receiver' | 'either'): Promise<StoredMessage | undefined> {
    const rows = await this.rows<ReceiptRow>(`SELECT ${MESSAGE} FROM messages m WHERE id = $1 AND (receiver_office = $2 OR ($3 AND sender_office = $2)) ORDER BY cursor LIMIT 1`, [id, office, as === 'either']);
    return toMessages(rows)[0];
  }

  async openUpload(): Promise<Upload> {
    await this.migrated;
    const { rows } = await this.lazy.query<{ id: number }>('INSERT INTO payloads DEFAULT VALUES RETURNING id');
    return new ChunkUpload(this.lazy, rows[0]!.id, (id) => this.dropPayloads([id]));
  }

  private async dropPayloads(ids: number[]): Promise<void> {
    if (ids.length) await this.pool.query('DELETE FROM payloads WHERE id = ANY($1::bigint[]) AND NOT committed', [ids]);
  }

  async putMessages(entries: (MessageEntry & { payload: Buffer })[], now: Date): Promise<StoredMessage[]> {
    const uploads: (MessageEntry & { upload: Upload })[] = [];
    for (const e of entries) {
      const upload = await this.openUpload();
      for (let i = 0; i < e.payload.length; i += PG_CHUNK_BYTES) await upload.write([e.payload.subarray(i, i + PG_CHUNK_BYTES)]);
      uploads.push({ meta: e.meta, audit: e.audit, upload });
    }
    return (await this.commitUploads(uploads, now)).map((r) => r.message);
  }

  async commitUploads(entries: (MessageEntry & { upload: Upload })[], now: Date): Promise<CommitResult[]> {
    const created = await this.tx(async (c) => {
      // One committer at a time per schema, so that cursors become visible in the order they are
      // handed out: a page's `next` never passes a message another process commits a moment later.
      await c.query(`SELECT pg_advisory_xact_lock(hashtext('careplan-link relay cursor ' || current_schema()))`);
      const made: boolean[] = [];
      for (const { meta, audit: a, upload } of entries) {
        const u = upload as ChunkUpload;
        // One statement per message: the row, its audit line, its payload marked committed and the
        // service type the directory learns — or nothing at all when the sender already used the id.
        const r = await c.query(
          prepared(
            `WITH m AS (
               INSERT INTO messages (id, sender_office, sender_type, receiver_office, receiver_type, sequence, month, kinds, files, size, sha256, status, created_at, payload_id)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'queued', $12, $13) ON CONFLICT (sender_office, id) DO NOTHING RETURNING cursor),
             a AS (INSERT INTO audit (at, office, action, message_id, detail) SELECT $12, $14, $15, $16, $17 FROM m),
             p AS (UPDATE payloads SET committed = true, size = $10 WHERE id = $13 AND EXISTS (SELECT 1 FROM m)),
             t AS (INSERT INTO office_service_types (service_type, office) SELECT $3, office FROM offices WHERE office = $2 AND EXISTS (SELECT 1 FROM m) ON CONFLICT DO NOTHING)
             SELECT cursor FROM m`,
            [meta.messageId, meta.sender.office, meta.sender.serviceType, meta.receiver.office, meta.receiver.serviceType, meta.sequence, meta.month, JSON.stringify(meta.kinds), JSON.stringify(meta.files), meta.size, meta.sha256, now, u.payloadId, a.office, a.action, a.messageId, readable(a.detail)],
          ),
        );
        made.push(r.rowCount === 1);
      }
      return made;
    });
    // An id the sender had already used: that upload is nobody's.
    await this.dropPayloads(entries.filter((_, i) => !created[i]).map((e) => (e.upload as ChunkUpload).payloadId));
    const rows = await this.rows<ReceiptRow>(`SELECT ${MESSAGE} FROM messages m WHERE (sender_office, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`, [entries.map((e) => e.meta.sender.office), entries.map((e) => e.meta.messageId)]);
    const messages = toMessages(rows);
    return entries.map((e, i) => ({ message: messages.find((m) => m.sender.office === e.meta.sender.office && m.messageId === e.meta.messageId)!, created: created[i]! }));
  }

  readPayload(id: string): Promise<Buffer> {
    return readWholePayload(this, id);
  }

  async openPayload(cursor: number): Promise<PayloadSource> {
    const row = (await this.rows<{ payload_id: number; size: number }>('SELECT payload_id, size FROM messages WHERE cursor = $1', [cursor]))[0];
    if (!row) throw new Error(`no payload for message ${cursor}`);
    const pool = this.pool;
    return {
      size: row.size,
      // A few chunks per round trip, one batch in memory at a time.
      async *chunks() {
        for (let seq = 0; ; seq += CHUNKS_PER_READ) {
          const { rows } = await pool.query<{ data: Buffer }>(prepared('SELECT data FROM payload_chunks WHERE payload_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3', [row.payload_id, seq, CHUNKS_PER_READ]));
          for (const r of rows) yield r.data;
          if (rows.length < CHUNKS_PER_READ) return;
        }
      },
    };
  }

  async inbox(office: string, after: number, limit: number): Promise<StoredMessage[]> {
    // As in SQLite: a later twin id from another sender stays out; the partial index messages_inbox serves it.
    const rows = await this.rows<ReceiptRow>(
      `SELECT ${MESSAGE} FROM messages m WHERE receiver_office = $1 AND cursor > $2 AND status IN ('queued', 'delivered')
         AND NOT EXISTS (SELECT 1 FROM messages o WHERE o.id = m.id AND o.receiver_office = m.receiver_office AND o.cursor < m.cursor)
       ORDER BY cursor LIMIT $3`,
      [office, after, limit],
    );
    return toMessages(rows);
  }

  async outbox(office: string, after: number, limit: number): Promise<StoredMessage[]> {
    return toMessages(await this.rows<ReceiptRow>(`SELECT ${MESSAGE} FROM messages m WHERE sender_office = $1 AND cursor > $2 ORDER BY cursor LIMIT $3`, [office, after, limit]));
  }

  async markDelivered(cursor: number, now: Date): Promise<void> {
    await this.rows(`UPDATE messages SET status = 'delivered', delivered_at = COALESCE(delivered_at, $1) WHERE cursor = $2 AND status = 'queued'`, [now, cursor], this.lazy);
  }

  async addReceipt(cursor: number, receipt: Receipt): Promise<ReceiptOutcome> {
    return this.tx(async (c): Promise<ReceiptOutcome> => {
      // The row lock orders receipts of one message across every relay process.
      const row = (await c.query<{ status: MessageStatus }>('SELECT status FROM messages WHERE cursor = $1 FOR UPDATE', [cursor])).rows[0];
      if (!row) throw new Error(`no message ${cursor}`);
      const have = (await c.query<{ disposition: string }>('SELECT disposition FROM receipts WHERE message_cursor = $1', [cursor])).rows.map((r) => r.disposition);
      const step = receiptStep(row.status, have, receipt.disposition);
      if (step.result === 'final') return { result: 'final', status: row.status };
      if (step.result === 'added') {
        await c.query('INSERT INTO receipts (message_id, message_cursor, disposition, reason, at, statement, signature) SELECT id, cursor, $2, $3, $4, $5, $6 FROM messages WHERE cursor = $1', [
          cursor,
          receipt.disposition,
          readable(receipt.reason),
          receipt.at,
          receipt.statement,
          receipt.signature,
        ]);
        await c.query('UPDATE messages SET status = $2 WHERE cursor = $1', [cursor, step.status]);
      }
      const m = toMessages((await c.query<ReceiptRow>(`SELECT ${MESSAGE} FROM messages m WHERE cursor = $1`, [cursor])).rows)[0]!;
      return { result: step.result, message: m };
    });
  }

  async upsertOffice(entry: { office: string; name: string; serviceTypes?: string[]; lastSeen: string }): Promise<OfficeRecord> {
    await this.tx(async (c) => {
      await c.query(`INSERT INTO offices (office, name, certificate, last_seen) VALUES ($1, $2, '', $3) ON CONFLICT (office) DO UPDATE SET name = excluded.name, last_seen = excluded.last_seen`, [entry.office, entry.name, entry.lastSeen]);
      // Types are added as rows, never read-modify-written: two processes adding at once both land.
      await c.query('INSERT INTO office_service_types (service_type, office) SELECT t, $1 FROM unnest($2::text[]) t ON CONFLICT DO NOTHING', [entry.office, entry.serviceTypes ?? []]);
    });
    return (await this.getOffice(entry.office))!;
  }

  async registerCertificate(office: string, name: string, cert: { fingerprint: string; pem: string; notBefore: Date; notAfter: Date }, now: Date): Promise<boolean> {
    return this.tx(async (c) => {
      await c.query(`INSERT INTO offices (office, name, certificate, last_seen) VALUES ($1, $2, $3, $4) ON CONFLICT (office) DO UPDATE SET last_seen = excluded.last_seen`, [office, name, cert.pem, now]);
      const seenAgain = await c.query('UPDATE office_certificates SET last_seen = $1 WHERE office = $2 AND fingerprint = $3', [now, office, cert.fingerprint]);
      if (seenAgain.rowCount) return false;
      // Another process may add the same certificate at the same moment: only one of them reports it new.
      const added = await c.query('INSERT INTO office_certificates (office, fingerprint, pem, not_before, not_after, first_seen, last_seen) VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT DO NOTHING', [
        office,
        cert.fingerprint,
        cert.pem,
        cert.notBefore,
        cert.notAfter,
        now,
      ]);
      if (!added.rowCount) return false;
      await c.query('UPDATE offices SET certificate = $2 WHERE office = $1', [office, cert.pem]);
      return true;
    }, this.lazy);
  }

  /** Offices with their certificates and service types: three queries for any number of them. */
  private async records(rows: { office: string; name: string; last_seen: Date }[]): Promise<OfficeRecord[]> {
    if (rows.length === 0) return [];
    const list = rows.map((r) => r.office);
    const [certs, types] = await Promise.all([
      this.rows<{ office: string; fingerprint: string; pem: string; not_before: Date; not_after: Date; first_seen: Date; last_seen: Date; state: string }>(
        'SELECT * FROM office_certificates WHERE office = ANY($1::text[]) ORDER BY first_seen, fingerprint',
        [list],
      ),
      this.rows<{ office: string; service_type: string }>('SELECT office, service_type FROM office_service_types WHERE office = ANY($1::text[]) ORDER BY service_type', [list]),
    ]);
    return rows.map((r) => ({
      office: r.office,
      name: r.name,
      serviceTypes: types.filter((t) => t.office === r.office).map((t) => t.service_type),
      lastSeen: iso(r.last_seen),
      certificates: certs
        .filter((c) => c.office === r.office)
        .map((c): StoredCertificate => ({ fingerprint: c.fingerprint, pem: c.pem, notBefore: iso(c.not_before), notAfter: iso(c.not_after), firstSeen: iso(c.first_seen), lastSeen: iso(c.last_seen), state: c.state as CertificateState })),
    }));
  }

  async certificateState(office: string, fingerprint: string): Promise<CertificateState | undefined> {
    return (await this.rows<{ state: CertificateState }>('SELECT state FROM office_certificates WHERE office = $1 AND fingerprint = $2', [office, fingerprint]))[0]?.state;
  }

  async setCertificateState(office: string, fingerprint: string | undefined, state: CertificateState): Promise<number> {
    return (await this.rows('UPDATE office_certificates SET state = $1 WHERE office = $2 AND ($3::text IS NULL OR fingerprint = $3) RETURNING 1', [state, office, fingerprint ?? null])).length;
  }

  async getOffice(office: string): Promise<OfficeRecord | undefined> {
    // No cache: another process may have changed the office a moment ago.
    return (await this.records(await this.rows('SELECT office, name, last_seen FROM offices WHERE office = $1', [office])))[0];
  }

  async hasOffice(office: string): Promise<boolean> {
    return (await this.rows('SELECT 1 FROM offices WHERE office = $1', [office])).length > 0;
  }

  async findOffices(query: { q?: string; serviceType?: string; limit?: number }): Promise<OfficeRecord[]> {
    // No office number or (sanitised) name holds a control character: such a query finds nothing.
    if ((query.q ?? '').includes(NUL) || (query.serviceType ?? '').includes(NUL)) return [];
    const q = query.q?.trim() ?? '';
    const byType = '($1::text IS NULL OR EXISTS (SELECT 1 FROM office_service_types t WHERE t.service_type = $1 AND t.office = o.office))';
    // With a query: LIKE on "office name" is what the trigram index (migration 0002) answers; strpos
    // then keeps the match to one of the two, case-sensitive, as before.
    const rows =
      q === ''
        ? await this.rows<{ office: string; name: string; last_seen: Date }>(`SELECT office, name, last_seen FROM offices o WHERE ${byType} ORDER BY office LIMIT $2`, [query.serviceType ?? null, query.limit ?? 100])
        : await this.rows<{ office: string; name: string; last_seen: Date }>(
            `SELECT office, name, last_seen FROM offices o
             WHERE (o.office || ' ' || o.name) LIKE $3 AND (strpos(o.office, $4) > 0 OR strpos(o.name, $4) > 0) AND ${byType}
             ORDER BY office LIMIT $2`,
            [query.serviceType ?? null, query.limit ?? 100, `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, q],
          );
    return this.records(rows);
  }

  async audit(event: AuditLine & { at?: string }): Promise<void> {
    await this.rows('INSERT INTO audit (at, office, action, message_id, detail) VALUES ($1, $2, $3, $4, $5)', [event.at ?? new Date().toISOString(), event.office, event.action, event.messageId, readable(event.detail)], this.lazy);
  }

  async auditEvents(query: AuditQuery = {}): Promise<AuditEvent[]> {
    const rows = await this.rows<{ at: Date; office: string | null; action: string; messageId: string | null; detail: string | null }>(
      `SELECT at, office, action, message_id AS "messageId", detail FROM audit
       WHERE ($1::text IS NULL OR office = $1) AND ($2::text IS NULL OR action = $2) AND ($3::text IS NULL OR message_id = $3) AND ($4::timestamptz IS NULL OR at >= $4)
       ORDER BY id DESC LIMIT $5`,
      [query.office ?? null, query.action ?? null, query.messageId ?? null, query.since ?? null, query.limit ?? 1000],
    );
    return rows.reverse().map((r) => ({ ...r, at: iso(r.at) }));
  }

  async takeToken(office: string, rate: RateLimit): Promise<number> {
    await this.migrated;
    // A token bucket in one statement on the database's clock, so that every process counts alike.
    // A refusal does not charge the bucket; `allowed` says whether this request took a token.
    const refill = 'LEAST($2::float8, b.tokens + GREATEST(0, excluded.at_ms - b.at_ms) * $2::float8 / $3::float8)';
    const { rows } = await this.lazy.query<{ tokens: number; allowed: boolean }>(
      prepared(
        `INSERT INTO rate_buckets AS b (office, tokens, at_ms, allowed) VALUES ($1, $2::float8 - 1, extract(epoch FROM clock_timestamp()) * 1000, true)
         ON CONFLICT (office) DO UPDATE SET
           tokens = CASE WHEN ${refill} >= 1 THEN ${refill} - 1 ELSE ${refill} END,
           allowed = ${refill} >= 1,
           at_ms = GREATEST(b.at_ms, excluded.at_ms)
         RETURNING tokens, allowed`,
        [office, rate.requests, rate.perMs],
      ),
    );
    const { tokens, allowed } = rows[0]!;
    return allowed ? 0 : tokenWait(tokens, rate);
  }

  async waitingByOffice(): Promise<{ office: string; waiting: number }[]> {
    return this.rows(`SELECT receiver_office AS office, count(*)::int AS waiting FROM messages WHERE status IN ('queued', 'delivered') GROUP BY receiver_office ORDER BY receiver_office`);
  }

  async traffic(from: Date, to: Date): Promise<TrafficRow[]> {
    return this.rows(
      `SELECT sender_office AS sender, receiver_office AS receiver,
         count(*) FILTER (WHERE created_at >= $1 AND created_at < $2)::int AS units, count(*) FILTER (WHERE delivered_at >= $1 AND delivered_at < $2)::int AS downloads
       FROM messages WHERE (created_at >= $1 AND created_at < $2) OR (delivered_at >= $1 AND delivered_at < $2)
       GROUP BY sender_office, receiver_office ORDER BY sender_office, receiver_office`,
      [from, to],
    );
  }

  async ping(): Promise<void> {
    await this.rows('SELECT 1');
  }

  async purgeBefore(cutoff: Date, batch = DEFAULT_PURGE_BATCH): Promise<string[]> {
    const ids: string[] = [];
    for (;;) {
      // One short statement per batch: messages, their receipts (cascade) and payloads go together.
      // SKIP LOCKED: two processes purging at once take different rows instead of waiting.
      const rows = await this.rows<{ id: string }>(
        `WITH gone AS (
           DELETE FROM messages WHERE cursor IN (SELECT cursor FROM messages WHERE created_at < $1 ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
           RETURNING id, payload_id),
         p AS (DELETE FROM payloads WHERE id IN (SELECT payload_id FROM gone))
         SELECT id FROM gone`,
        [cutoff, batch],
      );
      ids.push(...rows.map((r) => r.id));
      if (rows.length < batch) break;
      await yieldToRequests();
    }
    await this.sweepOrphans();
    return ids;
  }

  async sweepOrphans(): Promise<string[]> {
    // Other processes may be writing uploads right now: only old ones are leftovers.
    const rows = await this.rows<{ id: number }>(`DELETE FROM payloads WHERE NOT committed AND created_at < now() - interval '${ORPHAN_AGE}' RETURNING id`);
    return rows.map((r) => `payload ${r.id}`);
  }

  private closing: Promise<unknown> | null = null;

  /** Ends both pools; a second call waits for the first (pg refuses to end a pool twice). */
  async close(): Promise<void> {
    this.closing ??= Promise.all([this.pool.end(), this.lazy.end()]);
    await this.closing;
  }
}
