// What went wrong with one unit, and how long the agent keeps trying: one unit that cannot be read
// (EACCES, a file another program holds, a file rewritten mid-check) is skipped and tried again later
// — a bounded number of times — while every other unit goes on; after that it goes to errors/ with
// the reason. The earliest unit failing used to abort the whole pass, and so block all the others.
import type { LocalizedText } from '../../shared/errors.js';
import type { NotSentReason } from './filing.js';

/** How often an unreadable unit is tried (about this many minutes at the default poll) before it goes to errors/. */
export const READ_TRIES = 10;

/** Japanese / English when the error carries both (our own errors do), else its message. */
export function errorText(e: unknown): string {
  const x = e as { ja?: string; en?: string; messageJa?: string; messageEn?: string; message?: string };
  if (x.ja && x.en) return `${x.ja} / ${x.en}`;
  if (x.messageJa && x.messageEn) return `${x.messageJa} / ${x.messageEn}`;
  return String(x.message ?? e);
}

/** The error as the reason beside files that were not sent (its own code, texts and hint when it has them). */
export function notSentReason(e: unknown, fallback: LocalizedText & { code: string }): NotSentReason {
  const x = e as { code?: unknown; ja?: string; en?: string; hint?: LocalizedText };
  if (typeof x.code === 'string' && x.ja && x.en) return { code: x.code, ja: x.ja, en: x.en, ...(x.hint ? { hint: x.hint } : {}) };
  return fallback;
}

// Codes of our own errors that mean "this unit's files could not be read as they are right now".
const READ_CODES = new Set(['FILE_BUSY', 'input', 'UNIT_CHANGED']);

/**
 * A trouble with the unit's own files on disk: a system error from the file system (it names a
 * syscall: open, read, stat…), a file held past the file layer's wait, one gone or rewritten between
 * steps. Anything else (the relay, the directory, the spool) is not the files' fault.
 */
export function isFileTrouble(e: unknown): boolean {
  const x = e as { syscall?: unknown; code?: unknown } | null;
  return typeof x?.syscall === 'string' || (typeof x?.code === 'string' && READ_CODES.has(x.code));
}

export interface Trouble {
  since: number;
  tries: number;
  retryAt: number;
  reason: string;
}

/** Per unit: when it first failed, how many times, and not to be tried again before retryAt. */
export class Troubles {
  private readonly byUnit = new Map<string, Trouble>();

  get(unit: string): Trouble | undefined {
    return this.byUnit.get(unit);
  }

  /** Counts a failure; the next try is `waitMs` away. */
  fail(unit: string, reason: string, waitMs: number, now = Date.now()): Trouble {
    const prev = this.byUnit.get(unit);
    const t = { since: prev?.since ?? now, tries: (prev?.tries ?? 0) + 1, retryAt: now + waitMs, reason };
    this.byUnit.set(unit, t);
    return t;
  }

  clear(unit: string): void {
    this.byUnit.delete(unit);
  }

  /** Forgets units no longer in processing/ (sent, moved away, or taken out by a person). */
  keepOnly(units: Set<string>): void {
    for (const u of this.byUnit.keys()) if (!units.has(u)) this.byUnit.delete(u);
  }
}
