// How the checker reads files: a small file in one read into a buffer of its size, a large one
// streamed, and many files with a few reads in flight.
//
// Measured on 5,000 files of 1.5 KB (bench/validator, "checkPaths (folder of files)"): a read stream
// per file (a 256 KiB buffer, several event-loop turns) with one file after another spent most of the
// time waiting and allocating; fs/promises' FileHandle costs about twice the CPU of the callback API
// for the same four calls (open, fstat, read, close), so the small-file path uses callbacks.
// Each of those calls is a trip to libuv's thread pool and back (about 10 µs of CPU on this machine,
// threads woken and the callback queued), more than the call itself costs on a file the system has
// cached: the four trips took about 190 ms of CPU for those 5,000 files. So once a file is open, its
// size, bytes and close are asked for on the main thread (about 90 ms for the same files, the open
// still in the pool, where a slow lookup waits without holding anything up). That is only worth it
// while the storage answers at once: reads slower than SLOW_READ_MS (a network share, a cold disk)
// turn these direct reads off for the rest of the process, and files are read through the pool again,
// several in flight, as before. One slow read is not enough: on a busy machine a read of a few
// microseconds is now and then held up by the scheduler for longer than that.
// While direct reads are on, the open is made on the main thread too (about 60 ms less CPU on those
// 5,000 files, of about 900): a file is then read and checked without a trip to the pool, so a whole
// folder would be checked without the event loop ever getting a turn, and the agent and the desktop
// app's back end, which check folders in-process, would not answer meanwhile. So once the main thread
// has been held for TURN_EVERY_MS since the loop last turned, reads wait for it to turn (setImmediate).
import { close, closeSync, createReadStream, fstat, fstatSync, open, openSync, read, readSync, type ReadStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
// From node:timers, not the global: a test's fake timers replace the global and would hold reads forever.
import { setImmediate } from 'node:timers';

/**
 * Files below this are read whole. Above it they are streamed, so memory does not grow with the
 * size of a file (bench/validator checks that on 10 and 50 MB files).
 */
export const SMALL_FILE_BYTES = 1 << 20;
/** Stream chunk for large files. */
export const CHUNK_BYTES = 256 * 1024;
/**
 * Files in flight when checking many. A handful hides each file's trips to the thread pool behind
 * the others' CPU work, and bounds what is held to a handful of small files; more gained nothing
 * measurable on 2 cores.
 */
export const READ_CONCURRENCY = 8;

/** A small file's bytes, or a stream over a large one. */
export type Opened = { data: Buffer } | { stream: ReadStream; size: number };

/** A direct read of a small file taking longer than this (wall time) is slow; see above. */
export const SLOW_READ_MS = 5;
/** Slow reads, less 1/32 for each fast one, that turn direct reads off. */
export const SLOW_READS_OFF = 8;

/** Whether small files are read on the main thread once open, the slow reads counted against it, and the clock that judges a read slow (tests set it). */
export const directReads = { on: true, slow: 0, now: () => performance.now() };

/**
 * Time the main thread may be held by direct reads (and whatever runs between them, the checks of the
 * files read) before the event loop is given a turn: a few ms keeps a request or a timer waiting no
 * longer than one small task would, and costs one setImmediate per turn (5,000 files checked in about
 * 900 ms of CPU: a few hundred turns).
 */
export const TURN_EVERY_MS = 4;
/** The clock that judges how long the loop has been held (tests set it). */
export const turns = { now: () => performance.now() };

/** The current stretch of direct reads without a turn of the event loop: when it began, and a promise for its end once one is asked for. */
interface Stretch {
  start: number;
  end?: Promise<void>;
  ended?: () => void;
}
let stretch: Stretch | undefined;

/** A promise for the event loop's next turn once the main thread has been held for TURN_EVERY_MS, otherwise undefined (read now). */
function turnDue(): Promise<void> | undefined {
  const now = turns.now();
  if (!stretch) {
    // One setImmediate per stretch, not per file: it runs when the loop turns, whoever made it turn.
    const s: Stretch = { start: now };
    stretch = s;
    setImmediate(() => {
      if (stretch === s) stretch = undefined;
      s.ended?.();
    });
    return undefined;
  }
  if (now - stretch.start < TURN_EVERY_MS) return undefined;
  const s = stretch;
  // Shared by every read waiting: all of them must wait for the microtasks to drain and the loop to turn.
  return (s.end ??= new Promise<void>((resolve) => (s.ended = resolve)));
}

/** Opens `path`: a file below SMALL_FILE_BYTES comes back read and closed, a larger one as a stream that closes itself. */
export function openForReading(path: string): Promise<Opened> {
  if (!directReads.on) return openPooled(path);
  const turn = turnDue();
  if (turn) return turn.then(() => openForReading(path));
  let fd: number;
  const t0 = directReads.now();
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return Promise.reject(e as Error);
  }
  try {
    return Promise.resolve(readDirect(path, fd, t0));
  } catch (e) {
    return Promise.reject(e as Error); // readDirect has closed the fd
  }
}

/** Opens `path` and reads it through the thread pool: the way while direct reads are off. */
function openPooled(path: string): Promise<Opened> {
  return new Promise((resolve, reject) => {
    open(path, 'r', (err, fd) => {
      if (err) return reject(err);
      readPooled(path, fd, resolve, reject);
    });
  });
}

/** The file open on `fd`, read on the main thread: its bytes (the fd closed), or a stream for a large one. `t0`: before the open, which is timed with the read (a slow lookup holds the main thread too). */
function readDirect(path: string, fd: number, t0: number): Opened {
  let buf: Buffer;
  try {
    const size = fstatSync(fd).size;
    if (size >= SMALL_FILE_BYTES) return { stream: createReadStream(path, { fd, highWaterMark: CHUNK_BYTES, autoClose: true }), size };
    buf = Buffer.allocUnsafe(size);
    // A file that shrank since fstat is cut where it ends; one that grew is read up to the size fstat saw.
    let at = 0;
    while (at < size) {
      const n = readSync(fd, buf, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
    if (at < size) buf = buf.subarray(0, at);
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  closeSync(fd);
  if (directReads.now() - t0 > SLOW_READ_MS) {
    if (++directReads.slow >= SLOW_READS_OFF) directReads.on = false;
  } else if (directReads.slow > 0) {
    directReads.slow = Math.max(0, directReads.slow - 1 / 32);
  }
  return { data: buf };
}

/** The file open on `fd` read through the thread pool (fstat, read, close), settling with what openForReading gives. */
function readPooled(path: string, fd: number, resolve: (o: Opened) => void, reject: (e: Error) => void): void {
  const fail = (e: Error) => close(fd, () => reject(e));
  fstat(fd, (err, st) => {
    if (err) return fail(err);
    if (st.size >= SMALL_FILE_BYTES) return resolve({ stream: createReadStream(path, { fd, highWaterMark: CHUNK_BYTES, autoClose: true }), size: st.size });
    const buf = Buffer.allocUnsafe(st.size);
    const done = (data: Buffer) => close(fd, (e) => (e ? reject(e) : resolve({ data })));
    // A file that shrank since fstat is cut where it ends; one that grew is read up to the size fstat saw.
    const readFrom = (at: number) => {
      if (at === st.size) return done(buf);
      read(fd, buf, at, st.size - at, at, (e, n) => {
        if (e) return fail(e);
        if (n === 0) return done(buf.subarray(0, at));
        readFrom(at + n);
      });
    };
    readFrom(0);
  });
}

/** `fn` over every item with at most `limit` running at once; results in the items' order. The first failure stops new work and is thrown. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
