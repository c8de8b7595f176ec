// Who a form is about. The plan files key a person by 保険者番号 + 被保険者番号; the name, kana, sex and
// birth date travel only in 利用者補足情報 (UPHOSOKU), so the forms look them up there.
import { formatBirthDate, formatDate } from './format.js';
import { codeText } from './codes.js';

/** 保険者番号 + 被保険者番号, the key every plan and ticket file shares. */
export function personKey(insurer: string, insured: string): string {
  return `${insurer.trim()}-${insured.trim()}`;
}

/** The person as a form's head prints them. */
export interface PersonHeader {
  /** 佐藤 ハナ (with the full-width space the sender wrote), or '' when no 利用者補足情報 came with the file. */
  name: string;
  kana: string;
  /** 女性 / 男性 or ''. */
  sex: string;
  /** 1949年5月28日（昭和24年） or ''. */
  birth: string;
  /** The raw YYYYMMDD, for an age. */
  birthRaw: string;
  /** 保険者番号 and 被保険者番号, printed beside the name (the only identity when no name came). */
  insurer: string;
  insured: string;
}

/** Names by personKey, read from UPHOSOKU records (spec columns 2, 3, 5, 6, 7, 8). */
export type PersonDirectory = ReadonlyMap<string, PersonHeader>;

/** Column n (from 1, as the spec numbers them) of a record; '' past the end. */
export function col(row: readonly string[], no: number): string {
  return row[no - 1] ?? '';
}

export function personDirectory(hosokuRows: readonly (readonly string[])[]): PersonDirectory {
  const out = new Map<string, PersonHeader>();
  for (const r of hosokuRows) {
    const p = hosokuPerson(r);
    // A unit may carry the same person twice (plan and ticket UPHOSOKU); the first name wins.
    if (!out.has(personKey(p.insurer, p.insured))) out.set(personKey(p.insurer, p.insured), p);
  }
  return out;
}

function hosokuPerson(r: readonly string[]): PersonHeader {
  return {
    insurer: col(r, 2),
    insured: col(r, 3),
    kana: col(r, 5),
    name: col(r, 6),
    sex: codeText('UPHOSOKU', 7, col(r, 7)).label,
    birth: formatBirthDate(col(r, 8)),
    birthRaw: col(r, 8),
  };
}

/** The header of a person, from the directory when it knows them, otherwise numbers only. */
export function personOf(directory: PersonDirectory | undefined, insurer: string, insured: string): PersonHeader {
  return directory?.get(personKey(insurer, insured)) ?? { insurer, insured, name: '', kana: '', sex: '', birth: '', birthRaw: '' };
}

/**
 * Records grouped by a key in first-seen order: one printed form (and one page) per person and plan.
 * Order inside a group is kept.
 */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const g = groups.get(k);
    if (g) g.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}

/** What the head of a per-person form reads from the first record of its group. */
export interface GroupHead {
  person: PersonHeader;
  /** 作成年月日 (column 4 in UP2KYO, UP3KYO and UPSIKYU). */
  created: string;
  /** Column 5: the plan date (第2表, 第3表) or the service month (第7表) that ties the rows together. */
  link: string;
}

/**
 * The multi-row files (第2表, 第3表, 第7表) hold several people: one form per person and column 5, in
 * the file's order, each built from its rows and the head read from the first of them.
 */
export function formsPerPerson<T>(rows: readonly (readonly string[])[], people: PersonDirectory | undefined, build: (group: readonly (readonly string[])[], head: GroupHead) => T): T[] {
  return groupBy(rows, (r) => `${personKey(col(r, 2), col(r, 3))}|${col(r, 5)}`).map((group) => {
    const first = group[0]!;
    return build(group, { person: personOf(people, col(first, 2), col(first, 3)), created: formatDate(col(first, 4)), link: col(first, 5) });
  });
}

/** The head of a plan form (第2表, 第3表): the person, 作成年月日 and the plan date written and raw. */
export function planHead(head: GroupHead): { person: PersonHeader; created: string; planDate: string; planDateRaw: string } {
  return { person: head.person, created: head.created, planDate: formatDate(head.link), planDateRaw: head.link };
}
