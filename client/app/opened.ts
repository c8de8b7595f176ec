// What the clerk has opened, so the lists can mark the rest 新着 (new). Kept in the app's folder (a
// restart must not make old arrivals new again); a damaged file only means everything looks new.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Handlers } from '../../shared/api/methods.js';
import { writeDurable } from '../transport/spool.js';
import type { Profile } from './profile.js';

const openedFileSchema = z.object({ opened: z.array(z.string()) }).catch({ opened: [] });

/** Keys: `doc:<source>/<file>` for a file, `cmp:<actualFile>|<insurer>|<insured>|<month>` for a comparison. */
export const docKey = (source: 'arrival' | 'sent', file: string): string => `doc:${source}/${file}`;
export const comparisonKey = (c: { actualFile: string; insurer: string; insured: string; month: string }): string => `cmp:${c.actualFile}|${c.insurer}|${c.insured}|${c.month}`;

/** Enough for years of a small office's arrivals; the oldest keys go first. */
const MAX_KEYS = 20_000;

export class OpenedStore {
  private keys: Set<string> | null = null;

  constructor(private readonly profile: Profile) {}

  private load(): Set<string> {
    if (this.keys) return this.keys;
    let raw: unknown = {};
    try {
      raw = JSON.parse(readFileSync(this.profile.openedPath, 'utf8'));
    } catch {
      /* none yet, or unreadable: nothing opened */
    }
    this.keys = new Set(openedFileSchema.parse(raw).opened);
    return this.keys;
  }

  has(key: string): boolean {
    return this.load().has(key);
  }

  /** Records keys as opened; answers how many were new. */
  add(keys: readonly string[]): number {
    const set = this.load();
    const fresh = keys.filter((k) => !set.has(k));
    if (fresh.length === 0) return 0;
    for (const k of fresh) set.add(k);
    const all = [...set].slice(-MAX_KEYS);
    this.keys = new Set(all);
    writeDurable(this.profile.openedPath, JSON.stringify({ opened: all }) + '\n', this.profile.tmp);
    return fresh.length;
  }

  readonly handlers: Pick<Handlers, 'markOpened'> = {
    markOpened: async ({ keys }) => ({ opened: this.add(keys) }),
  };
}
