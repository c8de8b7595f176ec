// Durable writes: the bytes go to a tmp file, are fsynced, and the tmp file is renamed over the target;
// then the folder is fsynced so the rename itself survives a power cut — except on Windows, which
// refuses fsync on a folder (EPERM) and does not need it (NTFS journals the rename). After a crash a
// reader sees the old file or the new one, never half of one; leftovers in tmp are ours to clean.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { onWindows } from './os.js';
import { PRIVATE_FILE_MODE } from './private.js';
import { renameWithRetry, renameWithRetrySync, retryHeldSync, unlinkWithRetrySync, type RetryOptions } from './retry.js';

/** Every tmp file the file layer makes starts with this, so cleanTmp removes only ours. */
export const TMP_PREFIX = '.cpl-tmp-';

/** How old a tmp file must be before cleanTmp calls it an orphan: no write takes this long. */
export const ORPHAN_TMP_AGE_MS = 5 * 60_000;

export interface DurableOptions extends RetryOptions {
  /** Where the tmp file goes (default: beside the target). Must be on the same volume as the target. */
  tmpDir?: string;
  /** The new file's mode (default 0600: what we write is ours). Windows ignores it. */
  mode?: number;
}

/** A fresh tmp path in `dir` (or beside `target`). */
export function tmpPathFor(target: string, tmpDir?: string): string {
  return path.join(tmpDir ?? path.dirname(target), `${TMP_PREFIX}${process.pid}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`);
}

const IGNORED_DIR_SYNC = new Set(['EINVAL', 'ENOTSUP', 'EISDIR']);

/**
 * Flushes a folder's entries (a rename into it) where the platform supports it. Not on Windows.
 * Filesystems that cannot sync a folder (EINVAL, some network mounts) are skipped, as databases do.
 */
export function syncDirectory(dir: string): void {
  if (onWindows()) return;
  let fd: number;
  try {
    fd = fs.openSync(dir, 'r');
  } catch (e) {
    if (IGNORED_DIR_SYNC.has((e as NodeJS.ErrnoException).code ?? '')) return;
    throw e;
  }
  try {
    fs.fsyncSync(fd);
  } catch (e) {
    if (!IGNORED_DIR_SYNC.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    fs.closeSync(fd);
  }
}

export async function syncDirectoryAsync(dir: string): Promise<void> {
  if (onWindows()) return;
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(dir, 'r');
  } catch (e) {
    if (IGNORED_DIR_SYNC.has((e as NodeJS.ErrnoException).code ?? '')) return;
    throw e;
  }
  try {
    await handle.sync();
  } catch (e) {
    if (!IGNORED_DIR_SYNC.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    await handle.close();
  }
}

const asBuffers = (data: Buffer | string | readonly Buffer[]): readonly Buffer[] => (typeof data === 'string' ? [Buffer.from(data)] : Buffer.isBuffer(data) ? [data] : data);

function dropTmp(tmp: string): void {
  try {
    fs.rmSync(tmp, { force: true });
  } catch {
    // Left for cleanTmp: it carries our prefix.
  }
}

/**
 * The durable replace itself (see the top of this file): `open` makes the tmp file and opens it,
 * `write` fills it; then fsync, close, rename over `target` and fsync the folder. Nothing is left
 * behind on failure (the tmp is dropped) and `target` is either the old file or the new one.
 */
function replaceDurablySync(target: string, options: DurableOptions, open: (tmp: string) => number, write: (fd: number) => void = () => {}): void {
  const tmp = tmpPathFor(target, options.tmpDir);
  try {
    const fd = open(tmp);
    try {
      write(fd);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    // Replacing a file someone has open fails with EPERM on Windows until they let go.
    renameWithRetrySync(tmp, target, options);
  } catch (e) {
    dropTmp(tmp);
    throw e;
  }
  syncDirectory(path.dirname(target));
}

/** Writes `data` to `target` durably (see the top of this file); the file is created with `mode`. */
export function writeDurable(target: string, data: Buffer | string | readonly Buffer[], options: DurableOptions = {}): void {
  replaceDurablySync(
    target,
    options,
    (tmp) => fs.openSync(tmp, 'wx', options.mode ?? PRIVATE_FILE_MODE),
    (fd) => {
      for (const buf of asBuffers(data)) {
        let off = 0;
        while (off < buf.length) off += fs.writeSync(fd, buf, off);
      }
    },
  );
}

/**
 * Fills a new tmp file with `data` and fsyncs it, off the event loop (the tmp is the caller's to drop
 * on failure). The callback API, not fs/promises' FileHandle: the same open, writev, fsync and close
 * cost about twice the CPU through a FileHandle (client/check/readFiles.ts), and an agent burst writes
 * thousands of spool files (issue 16).
 */
function writeSyncedTmp(tmp: string, data: Buffer | string | readonly Buffer[], mode: number): Promise<void> {
  const buffers = asBuffers(data) as Buffer[];
  const total = buffers.reduce((n, b) => n + b.length, 0);
  return new Promise((resolve, reject) => {
    fs.open(tmp, 'wx', mode, (err, fd) => {
      if (err) return reject(err);
      const finish = (e: Error | null) => fs.close(fd, (closeError) => (e ?? closeError ? reject(e ?? closeError) : resolve()));
      const sync = () => fs.fsync(fd, finish);
      // writev may stop short; what is left is written from where it stopped.
      const writeRest = (rest: Buffer, at: number) => {
        if (rest.length === 0) return sync();
        fs.write(fd, rest, 0, rest.length, at, (e, n) => (e ? finish(e) : writeRest(rest.subarray(n), at + n)));
      };
      fs.writev(fd, buffers, 0, (e, written) => {
        if (e) return finish(e);
        if (written < total) return writeRest(Buffer.concat(buffers).subarray(written), written);
        sync();
      });
    });
  });
}

/** writeDurable without blocking the event loop (the relay's payload segments). */
export async function writeDurableAsync(target: string, data: Buffer | string | readonly Buffer[], options: DurableOptions = {}): Promise<void> {
  const tmp = tmpPathFor(target, options.tmpDir);
  try {
    await writeSyncedTmp(tmp, data, options.mode ?? PRIVATE_FILE_MODE);
    await renameWithRetry(tmp, target, options);
  } catch (e) {
    dropTmp(tmp);
    throw e;
  }
  await syncDirectoryAsync(path.dirname(target));
}

export interface DurableItem {
  target: string;
  data: Buffer | string | readonly Buffer[];
}

/** How many tmp files a batch writes and fsyncs (and renames) at once. */
export const BATCH_IN_FLIGHT = 8;

/** Runs `fn` on every item, BATCH_IN_FLIGHT at a time; every call has ended when it settles (the first failure is thrown). */
async function allInFlight<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(BATCH_IN_FLIGHT, items.length) }, worker));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * Many durable writes with one wait for the disk (a group commit), off the event loop: every tmp
 * file is written and fsynced with a few in flight (the file system commits them together), then the
 * groups are renamed in order, each group's folders fsynced once before the next group's renames. A
 * later group is never visible without the earlier one (the spool's envelopes before their records).
 * When this resolves, every item is durable; when it rejects, no tmp file is left behind and each
 * target is the old file or the new one.
 */
export async function writeDurableBatch(groups: readonly (readonly DurableItem[])[], options: DurableOptions = {}): Promise<void> {
  const items = groups.map((g) => g.map((item) => ({ ...item, tmp: tmpPathFor(item.target, options.tmpDir) })));
  const all = items.flat();
  const pending = new Set(all.map((i) => i.tmp));
  try {
    // Every worker ends before a failure is thrown, so none makes a tmp file after the cleanup below.
    await allInFlight(all, (item) => writeSyncedTmp(item.tmp, item.data, options.mode ?? PRIVATE_FILE_MODE));
    for (const group of items) {
      // Within a group the order is free (the folders are fsynced once all are renamed); a group's
      // renames one after the other left a burst waiting on the disk.
      await allInFlight(group, async (item) => {
        await renameWithRetry(item.tmp, item.target, options);
        pending.delete(item.tmp);
      });
      for (const dir of new Set(group.map((i) => path.dirname(i.target)))) await syncDirectoryAsync(dir);
    }
  } finally {
    for (const tmp of pending) dropTmp(tmp);
  }
}

/**
 * Copies `from` to `to` durably (tmp + fsync + rename, like writeDurable), replacing `to`. The copy
 * gets `mode` (default 0600), not the source's mode: an archive copy of a care record is private.
 */
export function copyDurable(from: string, to: string, options: DurableOptions = {}): void {
  replaceDurablySync(to, options, (tmp) => {
    // Reading a file the care software still holds can fail for a moment, like a rename.
    retryHeldSync(() => fs.copyFileSync(from, tmp, fs.constants.COPYFILE_EXCL), { path: from, action: 'copy', target: to }, options);
    fs.chmodSync(tmp, options.mode ?? PRIVATE_FILE_MODE);
    return fs.openSync(tmp, 'r+');
  });
}

/**
 * Removes what crashed writes left in `dir`: only files carrying our tmp prefix (or that `alsoOurs`
 * recognises, e.g. an older version's tmp names), and only those older than `olderThanMs` (a write in
 * progress elsewhere is younger). Returns the names removed. A missing folder has nothing to clean; a
 * file that will not go now is left for next time.
 */
export function cleanTmp(dir: string, olderThanMs: number, now = Date.now(), alsoOurs: (name: string) => boolean = () => false): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(TMP_PREFIX) && !alsoOurs(name)) continue;
    const file = path.join(dir, name);
    try {
      const st = fs.statSync(file);
      if (!st.isFile() || now - st.mtimeMs < olderThanMs) continue;
      unlinkWithRetrySync(file, { maxWaitMs: 200 });
      removed.push(name);
    } catch {
      // Gone already, or held: next start.
    }
  }
  return removed;
}
