// One writer per folder: `dir/.lock`, created exclusively, says which program holds it. The desktop
// app and a CLI agent started on the same office config would otherwise both move the same files and
// send the same units. A lock left by a program that is no longer running is taken over.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalizedError } from '../shared/errors.js';
import { onWindows } from './os.js';
import { PRIVATE_FILE_MODE } from './private.js';
import { unlinkWithRetrySync } from './retry.js';

export const LOCK_FILE = '.lock';

/** The programs that write a spool: the desktop app, the CLI's `agent`, the CLI's one-shot commands. */
export type LockProgram = 'app' | 'agent' | 'cli';

export interface LockOwner {
  app: LockProgram;
  pid: number;
  /** When the holder took the lock (ISO 8601). */
  startedAt: string;
  host: string;
}

export interface HeldLock {
  readonly path: string;
  readonly owner: LockOwner;
  /** Removes the lock if it is still ours. Safe to call twice. */
  release(): void;
}

export interface LockOptions {
  /** Whether a process of this machine is running (tests inject it). */
  isAlive?: (pid: number) => boolean;
  /** Age after which a lock file that cannot be read (a holder that died while writing it) is stale. */
  unreadableStaleMs?: number;
}

/** Locks this process holds, by lock path: a second open in the same process is a second writer too. */
const heldHere = new Map<string, string>();

const key = (lockPath: string) => (onWindows() ? path.resolve(lockPath).toUpperCase() : path.resolve(lockPath));

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** `12/01 10:15` in local time: what the clerk's clock said when the other program started. */
function localStamp(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The folder is in use by another writer; `holder` is who, when the lock could be read. */
export class SpoolLockedError extends LocalizedError {
  override name = 'SpoolLockedError';
  constructor(
    readonly dir: string,
    readonly holder: LockOwner | null,
  ) {
    const other = holder ? [holder.app, `PID ${holder.pid}`, ...(holder.host !== os.hostname() ? [holder.host] : []), localStamp(holder.startedAt)] : null;
    super(
      'SPOOL_LOCKED',
      {
        ja: other ? `この事業所のデータは別のプログラム（${other.slice(0, -1).join(', ')}, ${other.at(-1)} から）が使っています: ${dir}` : `この事業所のデータは別のプログラムが使っています: ${dir}`,
        en: other ? `This office's data is in use by another program (${other.slice(0, -1).join(', ')}, since ${other.at(-1)}): ${dir}` : `This office's data is in use by another program: ${dir}`,
      },
      {
        hint: {
          ja: 'もう一方のプログラム（アプリか、コマンドの agent）を終了してから、もう一度お試しください。同じ事業所の設定で同時に動かせるのは一つだけです。',
          en: 'Quit the other program (the app, or the `agent` command) and try again: only one program at a time may use an office configuration.',
        },
      },
    );
  }
}

function defaultIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, under another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface LockFile {
  owner: LockOwner | null;
  token: string | null;
  raw: string;
  mtimeMs: number;
}

function readLock(lockPath: string): LockFile | null {
  let raw: string;
  let mtimeMs: number;
  try {
    raw = fs.readFileSync(lockPath, 'utf8');
    mtimeMs = fs.statSync(lockPath).mtimeMs;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const v = JSON.parse(raw) as Partial<LockOwner> & { token?: unknown };
    const ok = (v.app === 'app' || v.app === 'agent' || v.app === 'cli') && Number.isInteger(v.pid) && typeof v.startedAt === 'string' && typeof v.host === 'string';
    return { owner: ok ? { app: v.app!, pid: v.pid!, startedAt: v.startedAt!, host: v.host! } : null, token: typeof v.token === 'string' ? v.token : null, raw, mtimeMs };
  } catch {
    return { owner: null, token: null, raw, mtimeMs };
  }
}

/** Whether the lock's holder may still be writing. Another machine's process cannot be checked: live. */
function isLive(lock: LockFile, lockPath: string, options: LockOptions): boolean {
  if (!lock.owner) return Date.now() - lock.mtimeMs < (options.unreadableStaleMs ?? 10_000);
  if (lock.owner.host !== os.hostname()) return true;
  // Our own pid on a lock this process does not hold: an earlier process that had the same pid.
  if (lock.owner.pid === process.pid) return heldHere.get(key(lockPath)) === lock.token;
  return (options.isAlive ?? defaultIsAlive)(lock.owner.pid);
}

/**
 * Takes `dir/.lock` for `owner.app`, or throws SpoolLockedError naming the program that holds it.
 * A lock whose holder is no longer running on this machine is taken over.
 */
export function acquireLock(dir: string, owner: { app: LockProgram; pid?: number; startedAt?: string }, options: LockOptions = {}): HeldLock {
  const lockPath = path.join(dir, LOCK_FILE);
  const me: LockOwner = { app: owner.app, pid: owner.pid ?? process.pid, startedAt: owner.startedAt ?? new Date().toISOString(), host: os.hostname() };
  const token = randomBytes(8).toString('hex');
  const body = JSON.stringify({ ...me, token }) + '\n';
  // A few rounds: each round either takes the lock, finds a live holder, or clears a stale one.
  for (let round = 0; round < 5; round++) {
    let fd: number;
    try {
      fd = fs.openSync(lockPath, 'wx', PRIVATE_FILE_MODE);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const seen = readLock(lockPath);
      if (!seen) continue;
      if (isLive(seen, lockPath, options)) throw new SpoolLockedError(dir, seen.owner);
      takeOverStale(lockPath, seen);
      continue;
    }
    try {
      fs.writeSync(fd, body);
    } finally {
      fs.closeSync(fd);
    }
    heldHere.set(key(lockPath), token);
    let released = false;
    return {
      path: lockPath,
      owner: me,
      release() {
        if (released) return;
        released = true;
        if (heldHere.get(key(lockPath)) === token) heldHere.delete(key(lockPath));
        if (readLock(lockPath)?.token === token) unlinkWithRetrySync(lockPath);
      },
    };
  }
  throw new SpoolLockedError(dir, readLock(lockPath)?.owner ?? null);
}

/**
 * Clears a stale lock without racing another program that is clearing it too: the lock is renamed
 * aside (atomic), and if what was moved is not the stale lock we judged — someone took over in
 * between — it is put back.
 */
function takeOverStale(lockPath: string, stale: LockFile): void {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(lockPath, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  try {
    const moved = fs.readFileSync(aside, 'utf8');
    if (moved !== stale.raw) {
      try {
        fs.writeFileSync(lockPath, moved, { flag: 'wx', mode: PRIVATE_FILE_MODE });
      } catch {
        // A third program holds it now; the next round will name it.
      }
    }
  } finally {
    fs.rmSync(aside, { force: true });
  }
}
