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

/** What the settle window needs of a file (tests count the looks). */
export type SizeAndTime = (path: string) => { size: number; mtimeMs: number };

/**
 * Decides when a file is complete: its size and mtime have not changed for the settle window.
 * Care software may write a file in pieces with pauses; a file is never read before it settles.
 *
 * A file inside its window is not looked at again in every pass: whatever a look found, it could not
 * settle before the window ends, and a change shows in its mtime at the look when it ends (the window
 * then starts again). A burst of 1,500 files took ~55 stats per file during the window, one per pass
 * (issue 16). When the watcher names a file as changed, it is looked at in the next pass all the same,
 * so a change is seen as soon as before; without a watcher it is seen when the window ends.
 */
export class Settler {
  private readonly seen = new Map<string, Sighting>();
  /** Files the watcher named as changed since they were last looked at. */
  private readonly touched = new Set<string>();
  private allTouched = false;

  constructor(
    private readonly settleMs: number,
    private readonly look: SizeAndTime = statSync,
  ) {}

  /** The watcher says `path` changed (null: some file in the folder, it did not say which). */
  changed(path: string | null): void {
    if (path === null) this.allTouched = true;
    else if (this.seen.has(path)) this.touched.add(path);
  }

  /** Returns true when the file has been unchanged for the settle window. */
  observe(path: string, now = Date.now()): boolean {
    const prev = this.seen.get(path);
    if (prev && now - prev.stableSince < this.settleMs && !this.allTouched && !this.touched.has(path)) return false;
    this.touched.delete(path);
    let st;
    try {
      st = this.look(path);
    } catch {
      this.seen.delete(path);
      return false;
    }
    if (!prev || prev.size !== st.size || prev.mtimeMs !== st.mtimeMs) {
      this.seen.set(path, { size: st.size, mtimeMs: st.mtimeMs, stableSince: now });
      return false;
    }
    return now - prev.stableSince >= this.settleMs;
  }

  /** The end of a pass's looks: a change the watcher reported for "some file" has been looked at. */
  looked(): void {
    this.allTouched = false;
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
    this.touched.delete(path);
  }

  /** Drops entries for files that are no longer there. */
  keepOnly(paths: Set<string>): void {
    for (const p of this.seen.keys()) if (!paths.has(p)) this.seen.delete(p);
    for (const p of this.touched) if (!paths.has(p)) this.touched.delete(p);
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
