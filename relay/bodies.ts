// Request bodies: a send unit is streamed into the store (a file in the payload area, or chunks in
// PostgreSQL) as it arrives and hashed on the way, so the relay never holds a unit in memory (100
// parallel 19 MB uploads once took it to 1.55 GB); the bytes of all uploads in progress are capped, and above the cap the relay answers
// 503 with Retry-After. The few small JSON bodies are read into memory, and counted while held.
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

  constructor(private readonly limits: { maxUnitBytes: number; maxInFlightBytes: number }) {}

  stats(): BodyStats {
    return { bufferedBytes: this.buffered, peakBufferedBytes: this.peak, inFlightBytes: this.inFlight, peakInFlightBytes: this.peakInFlight };
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

  /**
   * Reserves room for one upload (its Content-Length, or the unit limit when it sends none) or
   * refuses 503 busy. An upload alone is always let in, so that no unit under the limit can be
   * refused forever. Call the returned function once the upload is stored or refused.
   */
  reserve(req: IncomingMessage): () => void {
    const bytes = this.declaredLength(req, this.limits.maxUnitBytes) ?? this.limits.maxUnitBytes;
    if (this.inFlight > 0 && this.inFlight + bytes > this.limits.maxInFlightBytes) {
      throw new HttpError(
        503,
        'busy',
        `連携サービスが混み合っています。${BUSY_RETRY_AFTER_S} 秒後にもう一度送ってください`,
        `The relay is busy; retry in ${BUSY_RETRY_AFTER_S} s`,
        { 'retry-after': String(BUSY_RETRY_AFTER_S) },
      );
    }
    this.inFlight += bytes;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    let released = false;
    return () => {
      if (!released) this.inFlight -= bytes;
      released = true;
    };
  }

  /**
   * Streams the body into the store's upload while hashing it (gathered to the upload's chunk size
   * first, as a list of the pieces read, never copied into one). Over the unit limit it stops with
   * 413; on any failure the upload is discarded. Memory stays at a chunk or two per upload: the next
   * piece is read only once the store has taken the previous one. A unit the store keeps in memory
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
    const pass = async () => {
      const pieces = gathered;
      const bytes = gatheredBytes;
      gathered = [];
      gatheredBytes = 0;
      await upload.write(pieces);
      held -= bytes;
      this.buffered -= bytes;
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
      await upload.end();
      let counted = upload.keptBytes;
      this.hold(counted);
      const letGo = () => {
        this.buffered -= counted;
        counted = 0;
      };
      return { upload, size, sha256: hash.digest('hex'), head: Buffer.from(head), tail: Buffer.from(tail), letGo };
    } catch (e) {
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
