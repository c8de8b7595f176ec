// Renames and deletes that wait out the locks antivirus and care software hold on Windows files
// (EBUSY/EPERM/EACCES for seconds), with a bounded backoff; when the wait runs out, a FileBusyError
// that names the file and says what the clerk can do.
import fs from 'node:fs';
import path from 'node:path';
import { LocalizedError } from '../shared/errors.js';
import { FolderNames, freeName } from './paths.js';

/** The codes a held file gives on Windows; elsewhere they are rarer and also worth a short wait. */
const HELD = new Set(['EBUSY', 'EPERM', 'EACCES']);

export function isHeldError(e: unknown): boolean {
  return HELD.has((e as NodeJS.ErrnoException | null)?.code ?? '');
}

export type FileAction = 'rename' | 'delete' | 'write' | 'copy';

const ACTION_TEXT: Record<FileAction, { ja: string; en: string }> = {
  rename: { ja: '移動', en: 'move' },
  delete: { ja: '削除', en: 'delete' },
  write: { ja: '保存', en: 'save' },
  copy: { ja: 'コピー', en: 'copy' },
};

/** A file that stayed held (or not writable) for the whole wait. `cause` is the last system error. */
export class FileBusyError extends LocalizedError {
  override name = 'FileBusyError';
  constructor(
    readonly path: string,
    readonly action: FileAction,
    readonly target: string | null,
    cause: unknown,
  ) {
    const a = ACTION_TEXT[action];
    const to = target ? { ja: `（移動先: ${target}）`, en: ` (to ${target})` } : { ja: '', en: '' };
    super(
      'FILE_BUSY',
      {
        ja: `ファイルを${a.ja}できませんでした。別のプログラムが使っているか、書き込みが許可されていません: ${path}${to.ja}`,
        en: `Could not ${a.en} the file: another program is using it, or writing is not allowed: ${path}${to.en}`,
      },
      {
        hint: {
          ja: '介護ソフトでこのファイルを開いていれば閉じ、少し待ってからもう一度お試しください。続くときは、ウイルス対策ソフトがこのフォルダを検査していないか確認してください。',
          en: 'If the care software has this file open, close it, wait a moment and try again. If it keeps happening, check whether antivirus software is scanning this folder.',
        },
        cause,
      },
    );
  }
}

export interface RetryOptions {
  /** The longest total wait before giving up (default 60 s async, 5 s sync: a sync wait blocks the thread). */
  maxWaitMs?: number;
  /** The first pause (default 50 ms); it doubles up to maxPauseMs (default 1 s). */
  firstPauseMs?: number;
  maxPauseMs?: number;
}

export const DEFAULT_MAX_WAIT_MS = 60_000;
export const DEFAULT_MAX_WAIT_SYNC_MS = 5_000;

/** The pauses between attempts: 50, 100, 200, … up to the cap, the last cut so the total is ≤ maxWait. */
export function* backoff(options: RetryOptions, defaultMaxWaitMs: number): Generator<number> {
  const maxWait = options.maxWaitMs ?? defaultMaxWaitMs;
  const cap = options.maxPauseMs ?? 1_000;
  let pause = options.firstPauseMs ?? 50;
  let waited = 0;
  while (waited < maxWait) {
    const next = Math.min(pause, cap, maxWait - waited);
    yield next;
    waited += next;
    pause *= 2;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const sleepBlock = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

interface Subject {
  path: string;
  action: FileAction;
  target?: string | null;
}

/** Runs `op`, retrying while the file is held; other errors pass through at once. */
export async function retryHeld<T>(op: () => T | Promise<T>, subject: Subject, options: RetryOptions & { sleep?: (ms: number) => Promise<void> } = {}): Promise<T> {
  const pauses = backoff(options, DEFAULT_MAX_WAIT_MS);
  for (;;) {
    try {
      return await op();
    } catch (e) {
      if (!isHeldError(e)) throw e;
      const pause = pauses.next();
      if (pause.done) throw new FileBusyError(subject.path, subject.action, subject.target ?? null, e);
      await (options.sleep ?? sleep)(pause.value);
    }
  }
}

/** retryHeld for synchronous callers: the pauses block the thread, so the default wait is short. */
export function retryHeldSync<T>(op: () => T, subject: Subject, options: RetryOptions & { sleep?: (ms: number) => void } = {}): T {
  const pauses = backoff(options, DEFAULT_MAX_WAIT_SYNC_MS);
  for (;;) {
    try {
      return op();
    } catch (e) {
      if (!isHeldError(e)) throw e;
      const pause = pauses.next();
      if (pause.done) throw new FileBusyError(subject.path, subject.action, subject.target ?? null, e);
      (options.sleep ?? sleepBlock)(pause.value);
    }
  }
}

export interface RenameOptions extends RetryOptions {
  /** The rename to run (tests inject a failing one). */
  rename?: (from: string, to: string) => void | Promise<void>;
  sleep?: (ms: number) => Promise<void>;
}

/** Renames `from` to `to`, waiting while either is held. Replaces `to` like fs.rename. */
export async function renameWithRetry(from: string, to: string, options: RenameOptions = {}): Promise<void> {
  const rename = options.rename ?? ((a: string, b: string) => fs.promises.rename(a, b));
  await retryHeld(() => rename(from, to), { path: from, action: 'rename', target: to }, options);
}

export function renameWithRetrySync(from: string, to: string, options: RetryOptions & { rename?: (from: string, to: string) => void; sleep?: (ms: number) => void } = {}): void {
  const rename = options.rename ?? ((a: string, b: string) => fs.renameSync(a, b));
  retryHeldSync(() => rename(from, to), { path: from, action: 'rename', target: to }, options);
}

/** Deletes a file, waiting while it is held; a file that is already gone is fine. */
export async function unlinkWithRetry(file: string, options: RetryOptions & { unlink?: (p: string) => void | Promise<void>; sleep?: (ms: number) => Promise<void> } = {}): Promise<void> {
  const unlink = options.unlink ?? ((p: string) => fs.promises.unlink(p));
  await retryHeld(
    async () => {
      try {
        await unlink(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    },
    { path: file, action: 'delete' },
    options,
  );
}

export function unlinkWithRetrySync(file: string, options: RetryOptions & { unlink?: (p: string) => void; sleep?: (ms: number) => void } = {}): void {
  const unlink = options.unlink ?? ((p: string) => fs.unlinkSync(p));
  retryHeldSync(
    () => {
      try {
        unlink(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    },
    { path: file, action: 'delete' },
    options,
  );
}

export interface MoveOptions {
  /**
   * The names already in `dir` (which exists: the caller listed it), when the caller moves many files
   * into it: read once instead of once per file (a folder of thousands made each move cost a listing).
   * The moved file's name is added as it is chosen, before the rename (removed again if the rename
   * fails): moves run side by side never pick the same free name.
   */
  names?: string[] | FolderNames;
}

/**
 * Moves a file into `dir` (created if missing) under a free name — never replacing a file already
 * there — and returns the new path. The name is free when chosen; the folders this is used for have
 * one writer (the spool lock), so nothing else should take it before the rename.
 */
export async function moveInto(file: string, dir: string, options: RenameOptions & MoveOptions = {}): Promise<string> {
  // A folder whose names the caller listed is there already.
  if (!options.names) await fs.promises.mkdir(dir, { recursive: true });
  const names = options.names;
  const target = freeName(dir, path.basename(file), names ? { names } : {});
  const name = path.basename(target);
  if (names instanceof FolderNames) names.add(name);
  else names?.push(name);
  try {
    await renameWithRetry(file, target, options);
  } catch (e) {
    if (names instanceof FolderNames) names.delete(name);
    else if (names) names.splice(names.lastIndexOf(name), 1);
    throw e;
  }
  return target;
}

export function moveIntoSync(file: string, dir: string, options: RetryOptions & { rename?: (from: string, to: string) => void; sleep?: (ms: number) => void } = {}): string {
  fs.mkdirSync(dir, { recursive: true });
  const target = freeName(dir, path.basename(file));
  renameWithRetrySync(file, target, options);
  return target;
}
