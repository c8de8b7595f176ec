// File moves for the agent: claim by rename (retrying the locks antivirus and care software hold on
// Windows), and moves that never overwrite what is already there.
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';

const LOCKED = new Set(['EPERM', 'EBUSY', 'EACCES']);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Renames, retrying while the file is locked (up to `maxWaitMs`, doubling the pause). */
export async function renameWithRetry(from: string, to: string, maxWaitMs = 60_000, rename: (a: string, b: string) => void = renameSync): Promise<void> {
  let pause = 50;
  let waited = 0;
  for (;;) {
    try {
      rename(from, to);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      if (!LOCKED.has(code) || waited >= maxWaitMs) throw e;
      await sleep(pause);
      waited += pause;
      pause = Math.min(pause * 2, 5_000);
    }
  }
}

/** A free name in `dir` for `name`: the name itself, or name (2).ext, name (3).ext, … */
export function freeName(dir: string, name: string): string {
  if (!existsSync(join(dir, name))) return join(dir, name);
  const ext = extname(name);
  const stem = basename(name, ext);
  for (let i = 2; ; i++) {
    const candidate = join(dir, `${stem} (${i})${ext}`);
    if (!existsSync(candidate)) return candidate;
  }
}

/** Moves a file into `dir` without ever replacing a file already there; returns the new path. */
export async function moveInto(path: string, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const target = freeName(dir, basename(path));
  await renameWithRetry(path, target);
  return target;
}

export interface Sighting {
  size: number;
  mtimeMs: number;
  stableSince: number;
}

/**
 * Decides when a file is complete: its size and mtime have not changed for the settle window.
 * Care software may write a file in pieces with pauses; a file is never read before it settles.
 */
export class Settler {
  private readonly seen = new Map<string, Sighting>();

  constructor(private readonly settleMs: number) {}

  /** Returns true when the file has been unchanged for the settle window. */
  observe(path: string, now = Date.now()): boolean {
    let st;
    try {
      st = statSync(path);
    } catch {
      this.seen.delete(path);
      return false;
    }
    const prev = this.seen.get(path);
    if (!prev || prev.size !== st.size || prev.mtimeMs !== st.mtimeMs) {
      this.seen.set(path, { size: st.size, mtimeMs: st.mtimeMs, stableSince: now });
      return false;
    }
    return now - prev.stableSince >= this.settleMs;
  }

  forget(path: string): void {
    this.seen.delete(path);
  }

  /** Drops entries for files that are no longer there. */
  keepOnly(paths: Set<string>): void {
    for (const p of this.seen.keys()) if (!paths.has(p)) this.seen.delete(p);
  }
}
