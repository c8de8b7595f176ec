// File moves for the agent: moves that never overwrite what is already there (the file layer's,
// platform/fs.ts, re-exported under the names the agent and the app import) and the settle window
// that decides when an exported file is complete. Claims into processing/ are claim.ts's: a claim
// must not take the free name these moves pick, which is no spec name.
import { renameSync, statSync } from 'node:fs';
import { FileBusyError, renameWithRetry as renameWhileHeld } from '../../platform/fs.js';

export { freeName, moveInto, moveIntoSync, sameName } from '../../platform/fs.js';

/**
 * The agent's first rename-with-retry, kept with its signature and contract: when the wait runs out
 * it throws the last system error (EBUSY, EACCES…), not FILE_BUSY. New code calls the file layer's
 * renameWithRetry, whose FILE_BUSY names the file for the clerk.
 */
export async function renameWithRetry(from: string, to: string, maxWaitMs = 60_000, rename: (a: string, b: string) => void = renameSync): Promise<void> {
  try {
    await renameWhileHeld(from, to, { maxWaitMs, rename });
  } catch (e) {
    throw e instanceof FileBusyError ? e.cause : e;
  }
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

  /**
   * When the next file being watched settles, if it stays unchanged: its "stable since" plus the
   * window. Files already due (a claim that failed; the rescan tries them again) are not counted.
   */
  nextDue(now = Date.now()): number | null {
    let next: number | null = null;
    for (const s of this.seen.values()) {
      const due = s.stableSince + this.settleMs;
      if (due > now && (next === null || due < next)) next = due;
    }
    return next;
  }

  forget(path: string): void {
    this.seen.delete(path);
  }

  /** Drops entries for files that are no longer there. */
  keepOnly(paths: Set<string>): void {
    for (const p of this.seen.keys()) if (!paths.has(p)) this.seen.delete(p);
  }
}

/** A timer set for one moment (the next settle); setting another moment replaces it. */
export class SettleAlarm {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private at: number | null = null;

  constructor(private readonly ring: () => void) {}

  set(at: number | null, now = Date.now()): void {
    if (at === this.at) return;
    this.clear();
    if (at === null) return;
    this.at = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.at = null;
      this.ring();
    }, Math.max(0, at - now));
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.at = null;
  }
}
