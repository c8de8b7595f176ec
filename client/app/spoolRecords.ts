// The spool's JSON records as the app's screens read them, parsed once and kept. Home, history,
// arrivals and the notifications each look at every record of several states, every few seconds:
// reading and parsing them all each time grows with the office's whole history. This reader keeps
// each parsed record with the file's stat, and parses a file again only when the stat says it changed.
// Records are parsed with the schemas their writers use: one that does not fit is a SpoolRecordError
// naming the file and the field, as everywhere else the client reads the spool.
import { readFileSync, statSync, type BigIntStats } from 'node:fs';
import type { z } from 'zod';
import { inboxRecordSchema, type InboxRecord } from '../transport/receiver.js';
import { outboxRecordSchema, type OutboxRecord } from '../transport/sender.js';
import { parseRecord, type Spool, type SpoolState } from '../transport/spool.js';

export type InboxFolder = 'inbox' | 'received' | 'quarantine';
export type OutboxFolder = 'outbox' | 'sent' | 'failed';

export interface SpoolRecordsOptions {
  /** Turns a record file's bytes into the record, instead of its schema (tests count the calls). */
  parse?: (bytes: Buffer) => unknown;
  /**
   * A file changed this recently is parsed again on every read until it is older. File times are
   * coarse (a clock tick on Linux, two seconds on FAT), so a second write within the same tick can
   * leave the stat as it was; once a file is older than this, any later write shows in its times.
   */
  racyMs?: number;
  /** The clock the racy window is measured with (tests). */
  now?: () => number;
}

interface Cached {
  signature: string;
  /** The file was old enough when parsed that a later write cannot hide behind the same times. */
  settled: boolean;
  record: unknown;
}

/** The schema of each state's records. */
const SCHEMAS: Record<SpoolState, z.ZodType<unknown>> = {
  outbox: outboxRecordSchema,
  sent: outboxRecordSchema,
  failed: outboxRecordSchema,
  inbox: inboxRecordSchema,
  received: inboxRecordSchema,
  quarantine: inboxRecordSchema,
};

/**
 * Size, both times (to the nanosecond where the file system keeps them) and the inode: the spool
 * writes by renaming a new file over the old one, so even a same-size rewrite gets a new inode.
 */
function signatureOf(st: BigIntStats): string {
  return `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
}

/** Records are shared by every caller: frozen, so a caller that changes one fails loudly instead of changing it for all. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function isMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === 'ENOENT';
}

/** One office's spool records, cached. The records handed out are shared between callers and frozen. */
export class SpoolRecords {
  private readonly cache = new Map<SpoolState, Map<string, Cached>>();
  private readonly parse: ((bytes: Buffer) => unknown) | undefined;
  private readonly racyMs: number;
  private readonly now: () => number;

  constructor(
    private readonly spool: Spool,
    options: SpoolRecordsOptions = {},
  ) {
    this.parse = options.parse;
    this.racyMs = options.racyMs ?? 2_000;
    this.now = options.now ?? Date.now;
  }

  inbox(state: InboxFolder): Readonly<InboxRecord>[] {
    // Parsed with inboxRecordSchema (or the injected parse, a test's own records).
    return this.records(state) as InboxRecord[];
  }

  outbox(state: OutboxFolder): Readonly<OutboxRecord>[] {
    // Parsed with outboxRecordSchema (or the injected parse, a test's own records).
    return this.records(state) as OutboxRecord[];
  }

  /** Forgets everything: the next read parses every record again. */
  invalidate(): void {
    this.cache.clear();
  }

  /** The records of one state, in the spool's order (by name). */
  private records(state: SpoolState): unknown[] {
    const known = this.cache.get(state) ?? new Map<string, Cached>();
    const next = new Map<string, Cached>();
    for (const id of this.spool.list(state)) {
      const name = `${id}.json`;
      const entry = this.load(state, name, known.get(name));
      if (entry) next.set(name, entry);
    }
    // Only what is still listed stays cached: records that moved on to another state are dropped.
    this.cache.set(state, next);
    return [...next.values()].map((e) => e.record);
  }

  private load(state: SpoolState, name: string, cached: Cached | undefined): Cached | null {
    const path = this.spool.path(state, name);
    try {
      // The stat before the read: a write in between leaves a stale signature, so it is read again next time.
      const st = statSync(path, { bigint: true });
      const signature = signatureOf(st);
      if (cached && cached.settled && cached.signature === signature) return cached;
      const changedAt = Math.max(Number(st.mtimeMs), Number(st.ctimeMs));
      const settled = this.now() - changedAt > this.racyMs;
      const bytes = readFileSync(path);
      const record = this.parse ? this.parse(bytes) : parseRecord(bytes, SCHEMAS[state], path);
      return { signature, settled, record: deepFreeze(record) };
    } catch (e) {
      // Moved to another state between the listing and the read: it is listed there.
      if (isMissing(e)) return null;
      throw e;
    }
  }
}
