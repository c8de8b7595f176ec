// The filters every list shares (受信, 帳票, 予定と実績, 履歴): a month, one 利用者, and a search over
// the words the row shows, normalised as the clerk types (shared/search.ts).
import type { PersonName } from '../../../shared/api/types.js';
import { matchesSearch } from '../../../shared/search.js';

export interface ListFilterState {
  /** YYYYMM, or '' for every month. */
  month: string;
  /** insurer|insured, or '' for everyone. */
  person: string;
  text: string;
}

export const NO_FILTER: ListFilterState = { month: '', person: '', text: '' };

export const personKey = (p: Pick<PersonName, 'insurer' | 'insured'>): string => `${p.insurer}|${p.insured}`;

/** What a row offers to the filters: its month, its people, and the words it shows. */
export interface RowFacts {
  month: string | null;
  people: readonly PersonName[];
  words: readonly (string | null | undefined)[];
}

/** The words of a person a clerk may type: name, kana and both numbers. */
export const personWords = (p: PersonName): (string | null)[] => [p.name, p.kana, p.insured, p.insurer];

export function rowMatches(f: ListFilterState, r: RowFacts): boolean {
  if (f.month && r.month !== f.month) return false;
  if (f.person && !r.people.some((p) => personKey(p) === f.person)) return false;
  return matchesSearch(f.text, [...r.words, ...r.people.flatMap(personWords)]);
}

export function filterRows<T>(rows: readonly T[], f: ListFilterState, facts: (row: T) => RowFacts): T[] {
  return rows.filter((row) => rowMatches(f, facts(row)));
}

/** The months rows cover, newest first (for the month filter); plan files without a month give none. */
export function monthsOf(months: readonly (string | null | undefined)[]): string[] {
  return [...new Set(months.filter((m): m is string => typeof m === 'string' && /^\d{6}$/.test(m) && m !== '000000'))].sort().reverse();
}
