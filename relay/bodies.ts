// Request bodies: a send unit is streamed into the store (a file in the payload area, or chunks in
// PostgreSQL) as it arrives and hashed on the way, so the relay never holds a unit in memory (100
// parallel 19 MB uploads once took it to 1.55 GB); the bytes of all uploads in progress are capped:
// above the cap an upload waits, unread, for its turn, and is refused 503 with Retry-After only if
// that takes too long. The few small JSON bodies are read into memory, and counted while held.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './requests.js';
import type { Upload } from './store.js';

/** What the body reader holds and has reserved, for tests and for the operator's trace. */
export interface BodyStats {
  /** Bytes of request bodies in the relay's memory now (in transit to a file, or a JSON body). */
  bufferedBytes: number;
  /** The most there ever were at once since the start. */
  peakBufferedBytes: number;
  /** Bytes reserved by uploads in progress (their Content-Length, or the unit limit when unknown). */
  inFlightBytes: number;
  /** The most ever reserved at once: never above the cap, unless a single upload alone passed it. */
  peakInFlightBytes: number;
  /** Uploads waiting for room under the cap, their bodies unread. */
  waitingUploads: number;
}

/** A unit as the store holds it after streaming: the upload, how big, its hash, and its first and last bytes. */
export interface UploadedBody {
  upload: Upload;
  size: number;
  sha256: string;
  head: Buffer;
  tail: Buffer;
  /** Stops counting what the upload keeps in memory (after the commit, or the refusal). */
  letGo: () => void;
}

/** How long a client is told to wait when the relay is busy (seconds). */
const BUSY_RETRY_AFTER_S = 2;
const HEAD_BYTES = 32;
/** Bytes of one upload read but not yet taken by the store, at most (besides the piece being gathered). */
const WRITE_BEHIND_BYTES = 1024 * 1024;
/** Uploads that may wait for room at once; more are refused at once (each holds a connection open). */
const MAX_WAITING = 1000;

/** The media type of a request without parameters (`application/json; charset=utf-8` → `application/json`). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Refuses a body that does not say it is `type` (415). */
export function requireMediaType(req: IncomingMessage, type: string): void {
  const got = mediaType(req);
  if (got !== type) {
    throw new HttpError(415, 'unsupported_media_type', `Content-Type は ${type} にしてください（${got || 'なし'}）`, `Content-Type must be ${type} (got ${got || 'none'})`);
  }
}

export class BodyReader {
  private buffered = 0;
  private peak = 0;
  private inFlight = 0;
  private peakInFlight = 0;

  private readonly waiting: { bytes: number; admit: (release: () => void) => void }[] = [];

  constructor(private readonly limits: { maxUnitBytes: number; maxInFlightBytes: number; maxWaitMs: number }) {}

  stats(): BodyStats {
    return { bufferedBytes: this.buffered, peakBufferedBytes: this.peak, inFlightBytes: this.inFlight, peakInFlightBytes: this.peakInFlight, waitingUploads: this.waiting.length };
  }

  private hold(n: number): void {
    this.buffered += n;
    if (this.buffered > this.peak) this.peak = this.buffered;
  }

  private tooLarge(limit: number): HttpError {
    return new HttpError(413, 'too_large', `送信単位が大きすぎます（上限 ${limit} バイト）`, `The unit is too large (limit ${limit} bytes)`);
  }

  private declaredLength(req: IncomingMessage, limit: number): number | null {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > limit) throw this.tooLarge(limit);
    return Number.isFinite(declared) ? declared : null;
  }

  private busy(): HttpError {
    return new HttpError(
      503,
      'busy',
      `連携サービスが混み合っています。${BUSY_RETRY_AFTER_S} 秒後にもう一度送ってください`,
      `The relay is busy; retry in ${BUSY_RETRY_AFTER_S} s`,
      { 'retry-after': String(BUSY_RETRY_AFTER_S) },
    );
  }

  /** An upload fits when nothing is in flight (one alone always goes in) or the cap leaves room for it. */
  private fits(bytes: number): boolean {
    return this.inFlight === 0 || this.inFlight + bytes <= this.limits.maxInFlightBytes;
  }

  private take(bytes: number): () => void {
    this.inFlight += bytes;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= bytes;
      this.admitWaiting();
    };
  }

  private admitWaiting(): void {
    while (this.waiting.length && this.fits(this.waiting[0]!.bytes)) {
      const w = this.waiting.shift()!;
      w.admit(this.take(w.bytes));
    }
  }

  /**
   * Reserves room for one upload (its Content-Length, or the unit limit when it sends none). Over the
   * cap the upload waits its turn, first come first served, with its body unread (TCP holds the
   * client back: nothing of it is in the relay's memory); after `maxWaitMs` (or at once when that is
   * 0, or when too many wait) it is refused with 503 busy and Retry-After, which the client's
   * transport answers by sending again later. Waiting rather than refusing at once spares the relay
   * reading and throwing away the bodies of refused uploads, which a client sends whole before it
   * reads the answer. An upload alone is always let in, so that no unit under the limit can be
   * refused forever. Call the returned function once the upload is stored or refused.
   */
  async reserve(req: IncomingMessage): Promise<() => void> {
    const bytes = this.declaredLength(req, this.limits.maxUnitBytes) ?? this.limits.maxUnitBytes;
    if (this.waiting.length === 0 && this.fits(bytes)) return this.take(bytes);
    if (this.limits.maxWaitMs <= 0 || this.waiting.length >= MAX_WAITING) throw this.busy();
    const socket = req.socket;
    return new Promise((resolve, reject) => {
      const giveUp = (e: HttpError) => {
        const i = this.waiting.indexOf(w);
        if (i >= 0) this.waiting.splice(i, 1);
        clearTimeout(timer);
        socket.off('close', gone);
        reject(e);
      };
      const gone = () => giveUp(this.busy());
      const w = {
        bytes,
        admit: (release: () => void) => {
          clearTimeout(timer);
          socket.off('close', gone);
          resolve(release);
        },
      };
      const timer = setTimeout(() => giveUp(this.busy()), this.limits.maxWaitMs);
      socket.once('close', gone);
      this.waiting.push(w);
    });
  }

  /**
   * Streams the body into the store's upload while hashing it (gathered to the upload's chunk size
   * first, as a list of the pieces read, never copied into one). Over the unit limit it stops with
   * 413; on any failure the upload is discarded. Memory stays at about WRITE_BEHIND_BYTES per
   * upload: past that, the next piece is read only once the store has taken an earlier one. A unit the store keeps in memory
   * until its commit (a small one) stays counted until `letGo` (called once it is committed or refused).
   */
  async toUpload(req: IncomingMessage, upload: Upload): Promise<UploadedBody> {
    const limit = this.limits.maxUnitBytes;
    this.declaredLength(req, limit);
    const hash = createHash('sha256');
    let size = 0;
    let held = 0;
    let head = Buffer.alloc(0);
    let tail: Buffer = Buffer.alloc(0);
    let gathered: Buffer[] = [];
    let gatheredBytes = 0;
    // Writes go one after another while the socket goes on being read, so that the disk and the
    // network work at the same time; the reading waits only when WRITE_BEHIND_BYTES are not stored yet.
    let writing: Promise<void> = Promise.resolve();
    const queued: { done: Promise<void>; bytes: number }[] = [];
    let queuedBytes = 0;
    const pass = async () => {
      const pieces = gathered;
      const bytes = gatheredBytes;
      gathered = [];
      gatheredBytes = 0;
      writing = writing.then(() => upload.write(pieces)).then(() => {
        held -= bytes;
        this.buffered -= bytes;
      });
      // Its failure is seen by the next wait or the end, not as an unhandled rejection meanwhile.
      writing.catch(() => {});
      queued.push({ done: writing, bytes });
      queuedBytes += bytes;
      while (queuedBytes > WRITE_BEHIND_BYTES) {
        const oldest = queued.shift()!;
        queuedBytes -= oldest.bytes;
        await oldest.done;
      }
    };
    try {
      for await (const data of req) {
        const chunk = data as Buffer;
        size += chunk.length;
        if (size > limit) throw this.tooLarge(limit);
        hash.update(chunk);
        if (head.length < HEAD_BYTES) head = Buffer.concat([head, chunk.subarray(0, HEAD_BYTES - head.length)]);
        // The last two bytes: a view into the last chunk, copied once at the end.
        tail = chunk.length >= 2 ? chunk.subarray(-2) : Buffer.concat([tail, chunk]).subarray(-2);
        held += chunk.length;
        this.hold(chunk.length);
        gathered.push(chunk);
        gatheredBytes += chunk.length;
        if (gatheredBytes >= upload.chunkBytes) await pass();
      }
      if (gatheredBytes > 0) await pass();
      await writing;
      await upload.end();
      let counted = upload.keptBytes;
      this.hold(counted);
      const letGo = () => {
        this.buffered -= counted;
        counted = 0;
      };
      return { upload, size, sha256: hash.digest('hex'), head: Buffer.from(head), tail: Buffer.from(tail), letGo };
    } catch (e) {
      await writing.catch(() => {});
      await upload.discard().catch(() => {});
      throw e;
    } finally {
      // What a failure left held is let go here, once.
      this.buffered -= held;
    }
  }

  /** A small JSON body (a receipt, a directory update): it must say application/json; at most `limit` bytes. */
  async json(req: IncomingMessage, limit: number): Promise<Buffer> {
    requireMediaType(req, 'application/json');
    this.declaredLength(req, limit);
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const data of req) {
        const chunk = data as Buffer;
        size += chunk.length;
        if (size > limit) throw this.tooLarge(limit);
        this.hold(chunk.length);
        chunks.push(chunk);
      }
      return Buffer.concat(chunks);
    } finally {
      this.buffered -= chunks.reduce((n, c) => n + c.length, 0);
    }
  }
}
