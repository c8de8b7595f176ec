// People by name (利用者): an index of the persons the office's files are about, keyed by 保険者番号 +
// 被保険者番号 (columns 2 and 3 of every standard-spec layout), with the name and kana taken from the
// files that carry them: 利用者補足情報 (UPHOSOKU) and 基本情報 (UPKIHON). 第1表 (UP1KYO) has no
// 利用者氏名 column (only 居宅サービス計画作成者氏名), so it only contributes the keys. Fed by what
// the office sent and what it received (Receiving.documents); each file is read once per change.
import { statSync, readFileSync } from 'node:fs';
import type { Handlers } from '../../shared/api/methods.js';
import type { Person, PersonName, ValidationView } from '../../shared/api/types.js';
import { newestEdition, type SpecCatalog } from '../../shared/spec/model.js';
import { readRecords } from '../../shared/ticket/records.js';
import { parseFileName } from '../../shared/validator/fileName.js';
import { decodeMs932 } from '../check/ms932.js';
import type { BackendContext, Open } from './context.js';
import type { DocFile, Receiving } from './receiving.js';

/** One person as one file states them. */
interface Row {
  insurer: string;
  insured: string;
  name: string | null;
  kana: string | null;
}

/** What one file says about its people, with its partner and month. */
interface FileFacts {
  stamp: string;
  rows: Row[];
  month: string | null;
  partner: string | null;
}

export const personKey = (insurer: string, insured: string): string => `${insurer}|${insured}`;

/** The column numbers (1-based) of the name and kana in a layout, found by their spec names. */
function nameColumns(catalog: SpecCatalog, kind: string): { name: number; kana: number } | null {
  const columns = newestEdition(catalog).layouts.get(kind)?.columns ?? [];
  const name = columns.find((c) => c.name === '利用者氏名');
  const kana = columns.find((c) => c.name.startsWith('利用者氏名') && /フリガナ|ﾌﾘｶﾞﾅ/.test(c.name));
  return name ? { name: name.no, kana: kana?.no ?? 0 } : null;
}

/** A name as the care software wrote it, tidied for the screen: half-width kana to full width, runs of spaces to one. */
function tidy(v: string | undefined): string | null {
  const s = (v ?? '').normalize('NFKC').replace(/\s+/g, ' ').trim();
  return s === '' ? null : s;
}

export class People {
  private readonly files = new Map<string, FileFacts>();

  constructor(
    private readonly ctx: BackendContext,
    private readonly receiving: Receiving,
  ) {}

  /** What a file says (cached by path, size and modification time; an unreadable file says nothing). */
  private facts(d: DocFile, catalog: SpecCatalog, self: string): FileFacts {
    let stamp: string;
    try {
      const st = statSync(d.path);
      stamp = `${st.size}:${st.mtimeMs}`;
    } catch {
      return { stamp: '', rows: [], month: null, partner: null };
    }
    const cached = this.files.get(d.path);
    if (cached && cached.stamp === stamp) return cached;
    const meta = parseFileName(d.ref.file, catalog).meta;
    let rows: Row[] = [];
    if (meta && meta.extension.toUpperCase() === 'CSV') {
      const cols = nameColumns(catalog, meta.kind);
      try {
        // Every record, in order (a finding's row is its record number); one without keys names nobody.
        rows = readRecords(readFileSync(d.path), decodeMs932).map((r) => ({ insurer: r[1] ?? '', insured: r[2] ?? '', name: cols ? tidy(r[cols.name - 1]) : null, kana: cols && cols.kana ? tidy(r[cols.kana - 1]) : null }));
      } catch {
        rows = [];
      }
    }
    const month = meta?.serviceMonth && meta.serviceMonth !== '000000' ? meta.serviceMonth : null;
    const partner = meta ? (meta.sender.office === self ? meta.receiver.office : meta.sender.office) : null;
    const facts = { stamp, rows, month, partner };
    this.files.set(d.path, facts);
    return facts;
  }

  /** Every person the office's files name, newest file's name first (a corrected name wins). */
  index(open: Open): Map<string, Person> {
    const { s } = open;
    const out = new Map<string, Person>();
    // documents() is newest first.
    for (const d of this.receiving.documents(open)) {
      const f = this.facts(d, s.catalog, s.config.office);
      for (const r of f.rows) {
        if (!r.insurer || !r.insured) continue;
        const key = personKey(r.insurer, r.insured);
        let p = out.get(key);
        if (!p) {
          p = { insurer: r.insurer, insured: r.insured, name: null, kana: null, months: [], partners: [] };
          out.set(key, p);
        }
        if (p.name === null && r.name) p.name = r.name;
        if (p.kana === null && r.kana) p.kana = r.kana;
        if (f.month && !p.months.includes(f.month)) p.months.push(f.month);
        if (f.partner && !p.partners.includes(f.partner)) p.partners.push(f.partner);
      }
    }
    for (const p of out.values()) p.months.sort().reverse();
    return out;
  }

  /** A resolver for one request: the index is built once, then asked per row. */
  resolver(open: Open): PeopleResolver {
    const index = this.index(open);
    const { s } = open;
    const byFile = new Map<string, Row[]>();
    for (const d of this.receiving.documents(open)) if (!byFile.has(d.ref.file)) byFile.set(d.ref.file, this.facts(d, s.catalog, s.config.office).rows);
    const person = (insurer: string, insured: string): PersonName => {
      const p = index.get(personKey(insurer, insured));
      return { insurer, insured, name: p?.name ?? null, kana: p?.kana ?? null };
    };
    return {
      person,
      ofFiles: (files) => {
        const seen = new Map<string, PersonName>();
        for (const f of files) for (const r of byFile.get(f) ?? []) if (r.insurer && r.insured && !seen.has(personKey(r.insurer, r.insured))) seen.set(personKey(r.insurer, r.insured), person(r.insurer, r.insured));
        return [...seen.values()];
      },
    };
  }

  /**
   * Names the people of the records that findings point at (「行 1（山田 花子 様）」): from the
   * 利用者補足情報 checked alongside (the same unit usually carries it), else from what the office
   * already sent or received. Files that cannot be read are left as they are.
   */
  nameFindings(view: ValidationView): ValidationView {
    const open = this.ctx.session && this.ctx.agent && this.ctx.records ? this.ctx.need() : null;
    if (!open) return view;
    const { catalog } = open.s;
    const read = (path: string, file: string) => this.facts({ ref: { source: 'sent', file }, path, at: '' }, catalog, open.s.config.office).rows;
    const alongside = new Map<string, Row>();
    for (const f of view.report.files) for (const r of read(f.path, f.name)) if (r.name && !alongside.has(personKey(r.insurer, r.insured))) alongside.set(personKey(r.insurer, r.insured), r);
    const known = this.resolver(open);
    const files = view.files.map((file, i) => {
      const rows = [...file.errors, ...file.warnings].map((f) => f.row).filter((r): r is number => r !== null);
      const path = view.report.files[i]?.path;
      if (rows.length === 0 || !path || view.report.files[i]?.name !== file.name) return file;
      const records = read(path, file.name);
      const people: Record<number, PersonName> = {};
      for (const row of rows) {
        const r = records[row - 1];
        if (!r || !r.insurer || !r.insured) continue;
        const named = alongside.get(personKey(r.insurer, r.insured));
        people[row] = named ? { insurer: r.insurer, insured: r.insured, name: named.name, kana: named.kana } : known.person(r.insurer, r.insured);
      }
      return { ...file, people };
    });
    return { ...view, files };
  }

  readonly handlers: Pick<Handlers, 'listPeople'> = {
    listPeople: async () => {
      const people = [...this.index(this.ctx.need()).values()];
      // Named people first in kana order (as a paper register), then the ones known only by number.
      return people.sort((a, b) => (a.kana ?? a.name ?? '\uffff').localeCompare(b.kana ?? b.name ?? '\uffff', 'ja') || a.insured.localeCompare(b.insured));
    },
  };
}

export interface PeopleResolver {
  person(insurer: string, insured: string): PersonName;
  /** The people the named files are about, in file order, each once. */
  ofFiles(files: readonly string[]): PersonName[];
}
