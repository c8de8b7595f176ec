// Names and paths without string munging: UNC paths (\\server\share\…) and Japanese folder names pass
// through the platform's own path functions untouched; nothing here splits on '/' or '\'.
import fs from 'node:fs';
import path from 'node:path';
import { fsPlatform, onWindows } from './os.js';

/** The path functions of a platform: path.win32 for 'win32', path.posix otherwise. */
export function pathsFor(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/**
 * Whether two file names are the same file name on this platform: without case on Windows (NTFS and
 * SMB shares fold case, so `upplan_1.csv` and `UPPLAN_1.CSV` are one file), exactly elsewhere.
 */
export function sameName(a: string, b: string, platform: NodeJS.Platform = fsPlatform.name): boolean {
  if (!onWindows(platform)) return a === b;
  // Upper case, as NTFS compares; locale-independent so Turkish-İ rules never apply.
  return a === b || a.toUpperCase() === b.toUpperCase();
}

/**
 * The names in one folder, looked up the way sameName compares them (without case on Windows) in a
 * Set: a burst claims and files thousands of files, and a list search per file grew with the square
 * of their number (issue 16).
 */
export class FolderNames {
  private readonly byKey = new Map<string, string>();

  constructor(
    names: Iterable<string> = [],
    private readonly platform: NodeJS.Platform = fsPlatform.name,
  ) {
    for (const n of names) this.add(n);
  }

  private key(name: string): string {
    // Upper case, as sameName compares on Windows.
    return onWindows(this.platform) ? name.toUpperCase() : name;
  }

  /** The name in the folder that `name` would be (itself, or on Windows a case variant); null if none. */
  find(name: string): string | null {
    return this.byKey.get(this.key(name)) ?? null;
  }

  has(name: string): boolean {
    return this.byKey.has(this.key(name));
  }

  add(name: string): void {
    this.byKey.set(this.key(name), name);
  }

  delete(name: string): void {
    if (this.find(name) === name) this.byKey.delete(this.key(name));
  }
}

export interface FreeNameOptions {
  /** Whose path rules and name comparison to use (default: the real OS for paths, fsPlatform for names). */
  platform?: NodeJS.Platform;
  /** The names already in `dir` (default: read from disk; a missing folder has none). */
  names?: readonly string[] | FolderNames;
}

function namesIn(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/**
 * A free path in `dir` for `name`: the name itself, or `name (2).ext`, `name (3).ext`, … — the way
 * Explorer numbers copies, so a clerk recognises it. "Free" uses sameName: on Windows `a.csv` is
 * taken when `A.CSV` is there.
 */
export function freeName(dir: string, name: string, options: FreeNameOptions = {}): string {
  const p = options.platform ? pathsFor(options.platform) : path;
  const platform = options.platform ?? fsPlatform.name;
  const taken = options.names ?? namesIn(dir);
  const isTaken = taken instanceof FolderNames ? (candidate: string) => taken.has(candidate) : (candidate: string) => taken.some((n) => sameName(n, candidate, platform));
  if (!isTaken(name)) return p.join(dir, name);
  const ext = p.extname(name);
  const stem = p.basename(name, ext);
  for (let i = 2; ; i++) {
    const candidate = `${stem} (${i})${ext}`;
    if (!isTaken(candidate)) return p.join(dir, candidate);
  }
}
