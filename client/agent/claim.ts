// Taking a file into processing/: one rename (or, from another volume, a durable copy) and it is
// picked up exactly once. Never beside a file of the same name there: the free name the file layer
// would pick (`NAME (2).CSV`) is no spec name, so such a file would never be sent. The same bytes are
// the same file (the copy is removed: its bytes are already on their way); other bytes are a conflict
// the caller decides on (the agent files it in errors/ with the reason, the app refuses the unit).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { copyDurable, FolderNames, freeName, moveInto, sameName, unlinkWithRetry, type RetryOptions } from '../../platform/fs.js';

/**
 * How long a claim waits for a held file (antivirus, the care software still closing it): short,
 * because the rescan tries again in a moment and the other files must not wait behind it.
 */
export const CLAIM_WAIT_MS = 1_000;

/** How many claims of one pass run at once (each is a rename waiting on the disk). */
export const CLAIMS_AT_ONCE = 8;

export type Claim = { state: 'claimed' | 'same'; name: string } | { state: 'conflict'; name: string };

/** The name of the file in `dir` that `name` would be on this platform (itself, or on Windows a case variant). */
export function nameIn(dir: string, name: string, names: readonly string[] | FolderNames = readdirSync(dir)): string | null {
  if (names instanceof FolderNames) return names.find(name);
  return names.find((n) => sameName(n, name)) ?? null;
}

function sameBytes(a: string, b: string): boolean {
  return statSync(a).size === statSync(b).size && readFileSync(a).equals(readFileSync(b));
}

/** Whether `file` would conflict with a file of the same name and other bytes in `processing`; its name there if so. */
export function conflictIn(processing: string, file: string): string | null {
  const there = nameIn(processing, basename(file));
  return there !== null && !sameBytes(file, join(processing, there)) ? there : null;
}

export interface ClaimOptions extends RetryOptions {
  /** Copy, then remove the source: for a file on another volume (the app's staging folder). */
  copy?: boolean;
  /**
   * The names in `processing`, when the caller claims many files (listed once, not once per claim);
   * the claimed file's name is added (before its rename, so claims may run side by side).
   */
  names?: string[] | FolderNames;
}

/** Takes `file` into `processing` (see the top of this file). */
export async function claimInto(file: string, processing: string, options: ClaimOptions = {}): Promise<Claim> {
  const wait = { maxWaitMs: options.maxWaitMs ?? CLAIM_WAIT_MS };
  const there = nameIn(processing, basename(file), options.names);
  if (there !== null) {
    if (!sameBytes(file, join(processing, there))) return { state: 'conflict', name: there };
    await unlinkWithRetry(file, wait);
    return { state: 'same', name: there };
  }
  if (!options.copy) return { state: 'claimed', name: basename(await moveInto(file, processing, { ...wait, ...(options.names ? { names: options.names } : {}) })) };
  const target = freeName(processing, basename(file), options.names ? { names: options.names } : {});
  copyDurable(file, target, wait);
  if (options.names instanceof FolderNames) options.names.add(basename(target));
  else options.names?.push(basename(target));
  await unlinkWithRetry(file, wait);
  return { state: 'claimed', name: basename(target) };
}
