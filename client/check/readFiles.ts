// How the checker reads files: a small file in one read into a buffer of its size, a large one
// streamed, and many files with a few reads in flight.
//
// Measured on 5,000 files of 1.5 KB (bench/validator, "checkPaths (folder of files)"): a read stream
// per file (a 256 KiB buffer, several event-loop turns) with one file after another spent most of the
// time waiting and allocating; fs/promises' FileHandle costs about twice the CPU of the callback API
// for the same four calls (open, fstat, read, close), so the small-file path uses callbacks.
import { close, createReadStream, fstat, open, read, type ReadStream } from 'node:fs';

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

/** Opens `path`: a file below SMALL_FILE_BYTES comes back read and closed, a larger one as a stream that closes itself. */
export function openForReading(path: string): Promise<Opened> {
  return new Promise((resolve, reject) => {
    open(path, 'r', (err, fd) => {
      if (err) return reject(err);
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
    });
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
