// Relay storage: one asynchronous interface, two backends. SQLite (relay/sqliteStore.ts) is the
// embedded default: metadata in one file, payloads in segment files beside it. PostgreSQL
// (relay/pgStore.ts) keeps everything in the database — directory, messages, payloads, receipts,
// audit, rate-limit counters — so that any number of relay processes can serve the same offices.
// The guarantees that several processes need (one message per sender and id, a status that never
// moves back, one receipt per disposition) are the database's: unique constraints and row locks,
// never an in-process map.
import type { MessageMeta, MessageStatus, PublicMessage, Receipt } from '../shared/protocol/index.js';

/** A message as the relay holds it is exactly what it answers with (shared/protocol). */
export type StoredMessage = PublicMessage;

export interface AuditEvent {
  at: string;
  office: string | null;
  action: string;
  messageId: string | null;
  detail: string | null;
}

/** What an audit query may ask for; newest first in the store, returned oldest first. */
export interface AuditQuery {
  office?: string;
  action?: string;
  messageId?: string;
  /** Only events at or after this time (ISO). */
  since?: string;
  limit?: number;
}

/** A certificate an office has connected with (the directory lists those valid now). */
export interface StoredCertificate {
  fingerprint: string;
  pem: string;
  notBefore: string;
  notAfter: string;
  firstSeen: string;
  lastSeen: string;
  /** 'active' (in the directory, may connect) or 'withdrawn' (removed by the operator: refused). */
  state: CertificateState;
}

/** What an operator decided about a certificate (relay/enrollment.ts). */
export type CertificateState = 'active' | 'withdrawn';

/** Units between two offices in a period (relay/report.ts). */
export interface TrafficRow {
  sender: string;
  receiver: string;
  /** Units the sender stored in the period. */
  units: number;
  /** Units the receiver downloaded for the first time in the period. */
  downloads: number;
}

/** An office as the store keeps it; the server makes the directory entry of the protocol from it. */
export interface OfficeRecord {
  office: string;
  name: string;
  serviceTypes: string[];
  lastSeen: string;
  certificates: StoredCertificate[];
}

export type AuditLine = Omit<AuditEvent, 'at'>;
export type MessageEntry = { meta: MessageMeta; audit: AuditLine };

/**
 * A request body on its way into the store while it is read: a tmp file in the payload folder
 * (SQLite) or chunks in the database (PostgreSQL). Nothing of it is visible until commitUploads.
 */
export interface Upload {
  /** How many bytes the store takes per write: the body reader gathers that much first (0: as they come). */
  readonly chunkBytes: number;
  /** Resolves when the store has taken the pieces (written to the file, inserted, or kept as a small unit). */
  write(pieces: Buffer[]): Promise<void>;
  /** Bytes the upload keeps in memory until its commit (a small unit that SQLite writes with its burst). */
  readonly keptBytes: number;
  /** The body is complete. */
  end(): Promise<void>;
  /** Throws away what was written (a refused or broken upload). */
  discard(): Promise<void>;
}

/** What a commit did with one entry: stored it, or found the sender's message with that id already there. */
export interface CommitResult {
  message: StoredMessage;
  /** false: the sender had already stored a message under this id (the upload was discarded). */
  created: boolean;
}

/** A payload to stream to the receiver. */
export interface PayloadSource {
  size: number;
  /** The bytes in order, a chunk at a time. */
  chunks(): AsyncIterable<Buffer>;
}

/** What a receipt did: added (and maybe moved the status), a repeat of one already there, or refused because the outcome is final. */
export type ReceiptOutcome = { result: 'added' | 'repeat'; message: StoredMessage } | { result: 'final'; status: MessageStatus };

export interface RateLimit {
  requests: number;
  perMs: number;
}

export interface RelayStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Resolves once the schema is migrated and the store can serve (openStore waits for it). */
  ready(): Promise<void>;
  /** Message ids are per sender: without `sender`, the oldest message with this id. */
  message(id: string, sender?: string): Promise<StoredMessage | undefined>;
  /** The oldest message with this id that `office` receives (or, with 'either', sends). */
  findMessage(id: string, office: string, as: 'receiver' | 'either'): Promise<StoredMessage | undefined>;
  /** Starts taking a request body (see Upload). */
  openUpload(): Promise<Upload>;
  /**
   * Group commit of uploads that have ended: the payloads are made durable, then every message (and
   * its audit line) is inserted in one transaction, so nothing is visible before it is durable. An
   * entry whose sender already has a message under its id is not stored again: its result is the
   * message that is there (created: false) — the caller compares the SHA-256.
   */
  commitUploads(entries: (MessageEntry & { upload: Upload })[], now: Date): Promise<CommitResult[]>;
  /** The same for payloads already in memory (tests, tools, benchmarks). */
  putMessages(entries: (MessageEntry & { payload: Buffer })[], now: Date): Promise<StoredMessage[]>;
  /** The payload of the oldest message with this id (tests and tools: read whole). */
  readPayload(id: string): Promise<Buffer>;
  /** A message's payload, to be streamed rather than read into memory. */
  openPayload(cursor: number): Promise<PayloadSource>;
  /** Messages to `office` that are queued or delivered, after the cursor, oldest first. */
  inbox(office: string, after: number, limit: number): Promise<StoredMessage[]>;
  outbox(office: string, after: number, limit: number): Promise<StoredMessage[]>;
  markDelivered(cursor: number, now: Date): Promise<void>;
  /**
   * Adds a receipt unless one with its disposition is there; the status moves forward, never back,
   * and imported/quarantined are final (the other one is refused). Atomic against other requests and
   * other relay processes.
   */
  addReceipt(cursor: number, receipt: Receipt): Promise<ReceiptOutcome>;
  upsertOffice(entry: { office: string; name: string; serviceTypes?: string[]; lastSeen: string }): Promise<OfficeRecord>;
  /**
   * Records that `office` connected with this certificate: registers the office on first contact
   * (named `name`), adds the certificate if new (never replacing another) or notes it seen again.
   * Returns whether the certificate was new.
   */
  registerCertificate(office: string, name: string, cert: { fingerprint: string; pem: string; notBefore: Date; notAfter: Date }, now: Date): Promise<boolean>;
  /** The state of one of an office's certificates, read from the store every time (never a cache: the operator may have just changed it). */
  certificateState(office: string, fingerprint: string): Promise<CertificateState | undefined>;
  /** Sets the state of one certificate of the office, or of all of them; returns how many there were. */
  setCertificateState(office: string, fingerprint: string | undefined, state: CertificateState): Promise<number>;
  getOffice(office: string): Promise<OfficeRecord | undefined>;
  /** Whether the office is registered (one index probe: every submission asks it about its receiver). */
  hasOffice(office: string): Promise<boolean>;
  findOffices(query: { q?: string; serviceType?: string; limit?: number }): Promise<OfficeRecord[]>;
  audit(event: AuditLine & { at?: string }): Promise<void>;
  auditEvents(query?: AuditQuery): Promise<AuditEvent[]>;
  /**
   * Takes one request from the office's budget (a token bucket shared by every process using the
   * store). Returns 0 when allowed, or the seconds to wait.
   */
  takeToken(office: string, rate: RateLimit): Promise<number>;
  /** Messages still waiting (queued or delivered), per receiving office (the metrics' queue depth). */
  waitingByOffice(): Promise<{ office: string; waiting: number }[]>;
  /** Units per sender and receiver stored or first downloaded in [from, to) (the operator's report). */
  traffic(from: Date, to: Date): Promise<TrafficRow[]>;
  /** One round trip to the database: throws when the store cannot serve (readiness). */
  ping(): Promise<void>;
  /**
   * Deletes messages created before the cutoff (with receipts and payloads) in batches of `batch`,
   * each its own short transaction, yielding between them so that requests go on meanwhile.
   */
  purgeBefore(cutoff: Date, batch?: number): Promise<string[]>;
  /**
   * Removes payloads no message points to: what a crash left between writing a payload and
   * committing its row, and uploads cut short. Returns their names.
   */
  sweepOrphans(): Promise<string[]>;
  close(): Promise<void>;
}

/** Where a store lives: a folder (SQLite, the default) or a PostgreSQL URL. */
export type StoreLocation = { dataDir: string } | { databaseUrl: string };

/**
 * Opens (and migrates) the store. The backends are imported on demand, so that a SQLite relay never
 * loads pg and a PostgreSQL one never opens a file.
 */
export async function openStore(where: StoreLocation): Promise<RelayStore> {
  const store: RelayStore =
    'databaseUrl' in where ? new (await import('./pgStore.js')).PgStore(where.databaseUrl) : new (await import('./sqliteStore.js')).SqliteStore(where.dataDir);
  try {
    await store.ready();
  } catch (e) {
    await store.close().catch(() => {});
    throw e;
  }
  return store;
}

/** How far each status is along: the status never moves back (API.md, “Message states”). */
export const STATUS_RANK: Record<MessageStatus, number> = { queued: 0, delivered: 1, received: 2, imported: 3, quarantined: 3 };
/** Outcomes that never change: the first of them wins. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['imported', 'quarantined']);

/**
 * The receipt rule both backends apply inside their transaction: given the message's status and the
 * dispositions it already has, what a new receipt does and the status after it.
 */
export function receiptStep(status: MessageStatus, have: readonly string[], disposition: Receipt['disposition']): { result: 'repeat' } | { result: 'final' } | { result: 'added'; status: MessageStatus } {
  if (have.includes(disposition)) return { result: 'repeat' };
  if (FINAL_STATUSES.has(status) && FINAL_STATUSES.has(disposition)) return { result: 'final' };
  const next = disposition as MessageStatus;
  return { result: 'added', status: STATUS_RANK[next] > STATUS_RANK[status] ? next : status };
}

/** Seconds to wait, or 0, from a token bucket's state; the same arithmetic in memory and in SQL. */
export function tokenWait(tokens: number, rate: RateLimit): number {
  return tokens >= 1 ? 0 : Math.max(1, Math.ceil(((1 - tokens) * rate.perMs) / rate.requests / 1000));
}

/** A messages row as either driver returns it (PostgreSQL: bigint as number, timestamps as Date). */
export interface MessageRow {
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
  created_at: string | Date;
  delivered_at: string | Date | null;
}

const iso = (v: string | Date): string => (typeof v === 'string' ? v : v.toISOString());

/** A message row and its receipts as the protocol shows them (both backends). */
export function messageFromRow(row: MessageRow, receipts: Receipt[]): StoredMessage {
  return {
    cursor: Number(row.cursor),
    messageId: row.id,
    sender: { office: row.sender_office, serviceType: row.sender_type },
    receiver: { office: row.receiver_office, serviceType: row.receiver_type },
    sequence: row.sequence,
    month: row.month,
    kinds: JSON.parse(row.kinds) as string[],
    files: JSON.parse(row.files) as string[],
    size: Number(row.size),
    sha256: row.sha256,
    status: row.status,
    createdAt: iso(row.created_at),
    deliveredAt: row.delivered_at === null ? null : iso(row.delivered_at),
    receipts,
  };
}

/** The row columns a message's meta gives (what a backend inserts, and the row of a message just inserted). */
export const messageColumnsOf = (meta: MessageMeta) => ({
  id: meta.messageId,
  sender_office: meta.sender.office,
  sender_type: meta.sender.serviceType,
  receiver_office: meta.receiver.office,
  receiver_type: meta.receiver.serviceType,
  sequence: meta.sequence,
  month: meta.month,
  kinds: JSON.stringify(meta.kinds),
  files: JSON.stringify(meta.files),
  size: meta.size,
  sha256: meta.sha256,
});


/** A message's whole payload, read through openPayload (tests and tools; both backends). */
export async function readWholePayload(store: RelayStore, id: string): Promise<Buffer> {
  const m = await store.message(id);
  if (!m) throw new Error(`no payload for ${id}`);
  const chunks: Buffer[] = [];
  for await (const c of (await store.openPayload(m.cursor)).chunks()) chunks.push(c);
  return Buffer.concat(chunks);
}

/**
 * The columns of a message row as both dialects declare them (SQLite: TEXT/INTEGER, ISO text times;
 * PostgreSQL: text/bigint/timestamptz). Each backend adds its key and where its payload is.
 */
export function messageColumns(t: { text: string; int: string; time: string }): string {
  return `id ${t.text} NOT NULL,
    sender_office ${t.text} NOT NULL, sender_type ${t.text} NOT NULL,
    receiver_office ${t.text} NOT NULL, receiver_type ${t.text} NOT NULL,
    sequence ${t.text} NOT NULL, month ${t.text}, kinds ${t.text} NOT NULL, files ${t.text} NOT NULL,
    size ${t.int} NOT NULL, sha256 ${t.text} NOT NULL,
    status ${t.text} NOT NULL, created_at ${t.time} NOT NULL, delivered_at ${t.time}`;
}

export const DEFAULT_PURGE_BATCH = 500;

/** Lets requests waiting on the event loop run between two purge batches. */
export const yieldToRequests = (): Promise<void> => new Promise((r) => setImmediate(r));
