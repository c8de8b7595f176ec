// 帳票 as a clerk files paper: per 利用者 and month, each group in table order (第1表 → 第3表, then
// 第6表 → 第7表 and the notes). A file about several people appears under each of them.
import type { DocumentEntry, PersonName } from '../../../shared/api/types.js';
import { personKey } from './listFilter.js';

/** The order of the forms on paper; kinds not named here come after, in name order. */
export const TABLE_ORDER = ['UP1KYO', 'UP2KYO', 'UP3KYO', 'UPPLAN', 'UPJSK', 'UPSIKYU', 'UPHOSOKU', 'UPKIHON', 'UPKIHON_SUB1', 'UPKIHON_SUB2', 'UPYOBO', 'UPYOBO_SUB', 'DLT1KYO', 'DLTPLAN', 'DLTJSK', 'DLTKIHON', 'DLTYOBO'];

const rank = (kind: string) => {
  const i = TABLE_ORDER.indexOf(kind);
  return i < 0 ? TABLE_ORDER.length : i;
};

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

export function groupDocuments(docs: readonly DocumentEntry[]): DocumentGroup[] {
  const groups = new Map<string, DocumentGroup>();
  for (const d of docs) {
    const people: (PersonName | null)[] = d.people && d.people.length > 0 ? d.people : [null];
    for (const p of people) {
      const month = monthOf(d);
      const key = `${p ? personKey(p) : '-'}#${month ?? ''}`;
      let g = groups.get(key);
      if (!g) {
        g = { key, person: p, month, docs: [] };
        groups.set(key, g);
      }
      g.docs.push(d);
    }
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
