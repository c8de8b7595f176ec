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

export interface FreeNameOptions {
  /** Whose path rules and name comparison to use (default: the real OS for paths, fsPlatform for names). */
  platform?: NodeJS.Platform;
  /** The names already in `dir` (default: read from disk; a missing folder has none). */
  names?: readonly string[];
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
  const isTaken = (candidate: string) => taken.some((n) => sameName(n, candidate, platform));
  if (!isTaken(name)) return p.join(dir, name);
  const ext = p.extname(name);
  const stem = p.basename(name, ext);
  for (let i = 2; ; i++) {
    const candidate = `${stem} (${i})${ext}`;
    if (!isTaken(candidate)) return p.join(dir, candidate);
  }
}
