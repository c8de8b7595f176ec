// 帳票 as a clerk files paper: per 利用者 and month, each group in table order (第1表 → 第3表, then
// 第6表 → 第7表 and the notes). A file about several people appears under each of them.
import type { DocumentEntry, PersonName } from '../../../shared/api/types.js';
import { personKey } from './listFilter.js';

/** The order of the forms on paper; kinds not named here come after, in name order. */
export const TABLE_ORDER = ['UP1KYO', 'UP2KYO', 'UP3KYO', 'UPPLAN', 'UPJSK', 'UPSIKYU', 'UPHOSOKU', 'UPKIHON', 'UPKIHON_SUB1', 'UPKIHON_SUB2', 'UPYOBO', 'UPYOBO_SUB', 'DLT1KYO', 'DLTPLAN', 'DLTJSK', 'DLTKIHON', 'DLTYOBO'];

export const rank = (kind: string) => {
  const i = TABLE_ORDER.indexOf(kind);
  return i < 0 ? TABLE_ORDER.length : i;
};

/** File kinds in the order of the forms on paper (a unit's 第6表 before its 第7表 and notes). */
export const inTableOrder = (kinds: readonly string[]): string[] => [...kinds].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));

export interface DocumentGroup {
  key: string;
  person: PersonName | null;
  /** YYYYMM; null for the plan tables (第1〜3表 carry no month). */
  month: string | null;
  docs: DocumentEntry[];
}

const monthOf = (d: DocumentEntry) => (d.month && /^\d{6}$/.test(d.month) && d.month !== '000000' ? d.month : null);

/** Sort key of a person: named people in kana order, then the unnamed by number, then files with nobody. */
const personSort = (p: PersonName | null) => (p === null ? '\uffff\uffff' : p.kana ?? p.name ? `0${p.kana ?? p.name}` : `\uffff${p.insured}`);

/** One line of the list: a document under one of its people (a file about nobody readable: null). */
export interface DocumentLine {
  doc: DocumentEntry;
  person: PersonName | null;
}

/** Each document once per person it is about: the search and the filters then judge each line on its own. */
export function documentLines(docs: readonly DocumentEntry[]): DocumentLine[] {
  return docs.flatMap((doc) => (doc.people && doc.people.length > 0 ? doc.people : [null]).map((person) => ({ doc, person })));
}

export function groupDocuments(lines: readonly DocumentLine[]): DocumentGroup[] {
  const groups = new Map<string, DocumentGroup>();
  for (const { doc: d, person: p } of lines) {
    const month = monthOf(d);
    const key = `${p ? personKey(p) : '-'}#${month ?? ''}`;
    let g = groups.get(key);
    if (!g) {
      g = { key, person: p, month, docs: [] };
      groups.set(key, g);
    }
    g.docs.push(d);
  }
  for (const g of groups.values()) g.docs.sort((a, b) => rank(a.fileType) - rank(b.fileType) || a.fileType.localeCompare(b.fileType) || b.at.localeCompare(a.at));
  // Per person; within a person the plan (no month) first, then the newest month.
  return [...groups.values()].sort(
    (a, b) =>
      personSort(a.person).localeCompare(personSort(b.person), 'ja') ||
      (a.person && b.person ? personKey(a.person).localeCompare(personKey(b.person)) : 0) ||
      (a.month === null ? -1 : b.month === null ? 1 : b.month.localeCompare(a.month)),
  );
}
