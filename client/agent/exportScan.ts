// What is in the export folder, looked at cheaply. The folder may hold thousands of files that are
// not the agent's (other exports, backups, a clerk's documents): each name is judged once (a spec
// name or not) and remembered while it is there, and the folder is listed again only when it changed
// — its mtime moved, the watcher named a file it does not know, or a while has passed (a network share
// may not report its changes). 10,000 foreign files used to cost 1.8 s of CPU a minute while idle
// (issue 16); now an idle rescan is one stat of the folder.
import { readdirSync, statSync } from 'node:fs';

/** What the scan needs from the file system (tests count the calls). */
export interface ScanFs {
  list(dir: string): { name: string; isFile(): boolean }[];
  mtimeMs(dir: string): number;
}

const realFs: ScanFs = {
  list: (dir) => readdirSync(dir, { withFileTypes: true }),
  mtimeMs: (dir) => statSync(dir).mtimeMs,
};

/**
 * A folder changed within this long of our listing might have changed in the same clock tick as the
 * listing (coarse mtimes: FAT has 2 s): it is listed again until its mtime is clearly older.
 */
const RACY_MS = 2_000;
/** Listed at least this often whatever the mtime says. */
export const FULL_LISTING_MS = 30_000;

export class ExportScan {
  private spec = new Set<string>();
  private ignored = new Set<string>();
  private mtime: number | null = null;
  private listedAt = Number.NEGATIVE_INFINITY;
  private stale = true;
  private sortedIgnored: string[] = [];
  /** Grows whenever the set of ignored names changes (the status file is rewritten then, not every pass). */
  ignoredVersion = 0;

  constructor(
    private readonly dir: string,
    private readonly isSpec: (name: string) => boolean,
    private readonly fs: ScanFs = realFs,
    private readonly now: () => number = Date.now,
  ) {}

  /** The watcher saw `name` change (null: it did not say which): a name we do not know means a listing. */
  hint(name: string | null): void {
    if (name === null || (!this.spec.has(name) && !this.ignored.has(name))) this.stale = true;
  }

  /** The standard-spec file names in the folder now (listing it only when it may have changed). */
  specNames(): string[] {
    const now = this.now();
    const mtime = this.fs.mtimeMs(this.dir);
    const fresh = !this.stale && mtime === this.mtime && mtime < this.listedAt - RACY_MS && now - this.listedAt < FULL_LISTING_MS;
    if (!fresh) this.list(now, mtime);
    return [...this.spec];
  }

  /** The names that are not the agent's, sorted (the same array while they do not change). */
  ignoredNames(): string[] {
    return this.sortedIgnored;
  }

  private list(now: number, mtime: number): void {
    // The mtime is read before the listing: a change in between shows as a newer mtime next time.
    this.stale = false;
    this.listedAt = now;
    this.mtime = mtime;
    const spec = new Set<string>();
    const ignored = new Set<string>();
    for (const e of this.fs.list(this.dir)) {
      if (!e.isFile()) continue;
      const name = e.name;
      if (this.ignored.has(name)) ignored.add(name);
      else if (this.spec.has(name) || this.isSpec(name)) spec.add(name);
      else ignored.add(name);
    }
    const changed = ignored.size !== this.ignored.size || [...ignored].some((n) => !this.ignored.has(n));
    this.spec = spec;
    this.ignored = ignored;
    if (changed) {
      this.ignoredVersion++;
      this.sortedIgnored = [...ignored].sort();
    }
  }
}
