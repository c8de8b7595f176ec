// The SQLite backend's files: uploads streamed into segment files, segments for a batch of large
// units (putMessages), and the fsync of the database's write-ahead log off the event loop.
import { createReadStream, readdirSync, rmSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { TMP_PREFIX } from '../platform/fs.js';
import type { MessageEntry, PayloadSource, Upload } from './store.js';

/**
 * A unit up to this size is kept in memory until its commit, which writes it into the database
 * (message_payloads, in the transaction of its row); a larger one is streamed to a segment file of
 * its own as it arrives. What is kept is bounded by the in-flight cap (relay/bodies.ts reserves each
 * upload's length before it reads a byte).
 */
export const SMALL_UNIT_BYTES = 64 * 1024;

/**
 * messages.segment of a unit whose bytes are in message_payloads rather than in a file (no file is
 * ever named ''). Rows written before migration 0003 all name a segment file, and keep working.
 */
export const IN_DATABASE = '';
/** Bytes per write once a unit has its own file: fewer, larger writes for the thread pool. */
const FILE_WRITE_BYTES = 256 * 1024;

/** A unit to insert, and where its bytes are: in the database (`inline`), or at `offset` in a segment file. */
export type Placed = MessageEntry & { segment: string; offset: number; inline: Buffer | null };

/** Uploads that have ended: a small one goes into the database, a large one is at the start of its own file. */
export function placeUploads(entries: readonly MessageEntry[], uploads: readonly SegmentUpload[], folder: string): Placed[] {
  return entries.map(({ meta, audit }, i) => {
    const u = uploads[i]!;
    const small = u.small;
    return small ? { meta, audit, segment: IN_DATABASE, offset: 0, inline: small } : { meta, audit, segment: u.file!.slice(folder.length + 1), offset: 0, inline: null };
  });
}

/** Payloads in memory: the small ones into the database, the large ones back to back in `segment` (returned in order, to write). */
export function placePayloads(entries: readonly (MessageEntry & { payload: Buffer })[], segment: string): { placed: Placed[]; large: Buffer[] } {
  const large: Buffer[] = [];
  let offset = 0;
  const placed = entries.map(({ meta, audit, payload }): Placed => {
    if (payload.length <= SMALL_UNIT_BYTES) return { meta, audit, segment: IN_DATABASE, offset: 0, inline: payload };
    large.push(payload);
    offset += payload.length;
    return { meta, audit, segment, offset: offset - payload.length, inline: null };
  });
  return { placed, large };
}

/** A stored payload to stream: the bytes from the database in one chunk (at most 64 KiB), or a range of its segment file. */
export function payloadSource(row: { segment: string; offset: number; size: number; data: Buffer | null }, folder: string, cursor: number): PayloadSource {
  const { segment, offset, size, data } = row;
  if (data) return { size, chunks: async function* () { yield data; } };
  if (segment === IN_DATABASE) throw new Error(`no payload for message ${cursor}`);
  const file = join(folder, segment);
  return { size, chunks: () => (size === 0 ? [][Symbol.iterator]() : createReadStream(file, { start: offset, end: offset + size - 1 })) as AsyncIterable<Buffer> };
}

/** Writes the pieces at `position`, however many calls writev needs. */
export async function writeAll(fh: FileHandle, pieces: readonly Buffer[], position: number): Promise<number> {
  const list = pieces.filter((p) => p.length > 0);
  let at = position;
  while (list.length) {
    let { bytesWritten: n } = await fh.writev(list, at);
    at += n;
    // writev may stop short: go on from where it stopped.
    while (list.length && n >= list[0]!.length) n -= list.shift()!.length;
    if (n > 0) list[0] = list[0]!.subarray(n);
  }
  return at - position;
}

/** A new segment file holding `pieces` back to back, flushed to disk (its folder is synced by the caller). */
export async function writeSegment(file: string, pieces: readonly Buffer[]): Promise<void> {
  const fh = await open(file, 'wx', 0o600);
  try {
    await writeAll(fh, pieces, 0);
    await fh.datasync();
  } catch (e) {
    await fh.close().catch(() => {});
    await rm(file, { force: true });
    throw e;
  } finally {
    await fh.close().catch(() => {});
  }
}

/**
 * An upload into the payload folder. The first piece is kept in memory: a unit that ends there is a
 * small one (written into the database with its row). With a second piece the unit gets a segment file of
 * its own, named now (no rename at commit); end() flushes it to disk, in this request's own time
 * rather than the commit's. A crash before the commit leaves a file no message points to, which the
 * next start removes (sweepOrphans).
 */
export class SegmentUpload implements Upload {
  private kept: Buffer[] | null = null;
  private fh: FileHandle | null = null;
  private opening: Promise<FileHandle> | null = null;
  private size = 0;
  private discarded = false;

  /** The segment file, once the unit has needed one. */
  file: string | null = null;

  constructor(private readonly name: () => string) {}

  get chunkBytes(): number {
    return this.kept === null && this.opening === null ? SMALL_UNIT_BYTES : FILE_WRITE_BYTES;
  }

  /** The whole unit when it stayed small (ended with one piece), else null: it is in `file`. */
  get small(): Buffer | null {
    return this.fh === null && this.opening === null ? Buffer.concat(this.kept ?? []) : null;
  }

  /** Bytes held in memory until the commit. */
  get keptBytes(): number {
    return this.small?.length ?? 0;
  }

  async write(pieces: Buffer[]): Promise<void> {
    // The body reader may hand over a little more than chunkBytes at once (its last read): a unit
    // over SMALL_UNIT_BYTES goes to a file even then, so that no row of message_payloads is larger.
    if (this.kept === null && this.opening === null && pieces.reduce((n, p) => n + p.length, 0) <= SMALL_UNIT_BYTES) {
      this.kept = pieces;
      return;
    }
    this.file ??= this.name();
    this.opening ??= open(this.file, 'wx', 0o600);
    this.fh = await this.opening;
    const all = this.kept ? [...this.kept, ...pieces] : pieces;
    this.kept = null;
    this.size += await writeAll(this.fh, all, this.size);
  }

  async end(): Promise<void> {
    if (!this.fh) return;
    await this.fh.datasync();
    await this.fh.close();
  }

  async discard(): Promise<void> {
    if (this.discarded) return;
    this.discarded = true;
    this.kept = null;
    if (!this.opening || !this.file) return;
    await (await this.opening.catch(() => null))?.close().catch(() => {});
    await rm(this.file, { force: true });
  }
}

/**
 * fsync of the write-ahead log, on the thread pool: the database runs with synchronous = NORMAL
 * (a commit writes the log but does not flush it), and whatever must be durable before the relay
 * answers waits for this instead. Calls that come while a flush is running share the next one
 * (the running one may have started before their commit was written).
 */
export class WalSync {
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private handle: Promise<FileHandle> | null = null;
  private idle: NodeJS.Timeout | null = null;

  /** `flushed`: told at every flush (the store's checkpoints follow them). */
  constructor(
    private readonly walFile: string,
    private readonly flushed: () => void = () => {},
  ) {}

  flush(): Promise<void> {
    if (!this.running) return this.start();
    this.next ??= this.running.catch(() => {}).then(() => {
      this.next = null;
      return this.start();
    });
    return this.next;
  }

  /** A write nobody waits for (an audit line, a last-seen time): flushed within `ms`, or earlier by a commit. */
  soon(ms = 200): void {
    this.idle ??= setTimeout(() => {
      this.idle = null;
      this.flush().catch(() => {});
    }, ms);
    this.idle.unref();
  }

  private start(): Promise<void> {
    this.flushed();
    const p = this.sync().finally(() => {
      if (this.running === p) this.running = null;
    });
    this.running = p;
    return p;
  }

  private async sync(): Promise<void> {
    // The log exists once the database has been written in WAL mode; it stays until the last connection closes.
    this.handle ??= open(this.walFile, 'r+');
    const fh = await this.handle.catch((e: unknown) => {
      this.handle = null;
      throw e;
    });
    await fh.datasync();
  }

  async close(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    await this.running?.catch(() => {});
    const h = this.handle;
    this.handle = null;
    await (await h?.catch(() => null))?.close().catch(() => {});
  }
}

/** Removes the segment files (and tmp files) in the folder that no message names; returns their names. */
export function sweepFolder(folder: string, referenced: ReadonlySet<string>): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(folder)) {
    // Only our own kinds of file: segments and the tmp files of writes and uploads (platform/).
    const ours = name.endsWith('.seg') || name.endsWith('.seg.tmp') || name.startsWith(TMP_PREFIX);
    if (!ours || referenced.has(name)) continue;
    rmSync(join(folder, name), { force: true });
    removed.push(name);
  }
  return removed;
}
