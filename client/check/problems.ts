// A check report in a clerk's words, unit by unit: what is wrong, in which record, for which 利用者
// (by name when the unit's 利用者補足情報 or 利用者基本情報 carries it, else by 被保険者番号), and
// what to do in the care software. The agent writes it into each .errors.txt; the app's error view
// shows the same problems. The validator's findings themselves stay as they are (vendors read those).
import type { ErrorProblem, Text } from '../../shared/api/types.js';
import type { CheckReport, FileReport, Finding } from '../../shared/report/types.js';
import { newestEdition, type SpecCatalog } from '../../shared/spec/model.js';
import { readRecords } from '../../shared/ticket/records.js';
import { clerkFindings } from './clerkWording.js';
import { decodeMs932 } from './ms932.js';

/** The files whose records name the person: 利用者補足情報 (居宅) and 利用者基本情報 (介護予防). */
const NAME_SOURCES: Record<string, string> = { UPHOSOKU: '利用者氏名', UPKIHON: '利用者氏名' };
const INSURED = '被保険者番号';

/** Unit findings that only repeat that a member file has errors: the file's own problems say more. */
const REPEATS = new Set(['E_UNIT_INVALID_MEMBER']);

export const FIX_IN_SOFTWARE: Text = {
  ja: '介護ソフトで直して、もう一度書き出してください。書き出したファイルは自動で送ります',
  en: 'Fix it in the care software and export it again; the exported files are sent automatically',
};

function columnIndex(catalog: SpecCatalog, fileType: string | null, name: string): number {
  if (!fileType) return -1;
  return newestEdition(catalog).layouts.get(fileType)?.columns.findIndex((c) => c.name === name) ?? -1;
}

function recordsOf(bytes: Uint8Array | null): string[][] {
  if (!bytes) return [];
  try {
    return readRecords(bytes, decodeMs932);
  } catch {
    // Unreadable as MS932: the problems still show, without names.
    return [];
  }
}

const plainName = (s: string) => s.replace(/[\s\u3000]+/g, ' ').trim();

/** The people of a unit: 被保険者番号 → 氏名, from the files that carry names. */
export function peopleOf(files: FileReport[], bytesOf: (name: string) => Uint8Array | null, catalog: SpecCatalog): Map<string, string> {
  const people = new Map<string, string>();
  for (const f of files) {
    const nameField = f.fileType ? NAME_SOURCES[f.fileType] : undefined;
    if (!nameField) continue;
    const insured = columnIndex(catalog, f.fileType, INSURED);
    const name = columnIndex(catalog, f.fileType, nameField);
    if (insured < 0 || name < 0) continue;
    for (const r of recordsOf(bytesOf(f.name))) {
      const who = plainName(r[name] ?? '');
      if (r[insured] && who) people.set(r[insured], who);
    }
  }
  return people;
}

/** 「佐藤 ハナ 様」, or 「被保険者番号 1000000000」 when the unit does not carry the name. */
export function personText(insured: string, people: Map<string, string>): string {
  const name = people.get(insured);
  return name ? `${name} 様` : `${INSURED} ${insured}`;
}

function problemOf(f: Finding, file: FileReport | null, person: string | null): ErrorProblem {
  const where = f.row !== null ? `${f.row}件目${person ? `（${person}）` : ''}` : '';
  const field = f.field ? `「${f.field}」` : '';
  const lead = `${where}${field}`;
  const leadEn = [f.row !== null ? `record ${f.row}${person ? ` (${person})` : ''}` : '', f.field ? `"${f.field}"` : ''].filter(Boolean).join(' ');
  return {
    file: file?.name ?? null,
    kind: file?.meta?.title ?? null,
    row: f.row,
    field: f.field,
    person,
    what: { ja: lead ? `${lead}: ${f.message}` : f.message, en: leadEn ? `${leadEn}: ${f.messageEn || f.message}` : f.messageEn || f.message },
    fix: { ja: f.hint ? `${f.hint}${/[。．]$/.test(f.hint) ? '' : '。'}${FIX_IN_SOFTWARE.ja}` : FIX_IN_SOFTWARE.ja, en: f.hintEn ? `${f.hintEn} ${FIX_IN_SOFTWARE.en}` : FIX_IN_SOFTWARE.en },
  };
}

/** Every error of a report, file by file then the unit's own, in plain words (warnings do not stop a unit). */
export function reportProblems(report: CheckReport, bytesOf: (name: string) => Uint8Array | null, catalog: SpecCatalog): { problems: ErrorProblem[]; people: string[] } {
  const people = peopleOf(report.files, bytesOf, catalog);
  const named = new Set<string>();
  const problems: ErrorProblem[] = [];
  for (const file of report.files) {
    const { errors } = clerkFindings(file.name, file.errors, catalog);
    const insured = columnIndex(catalog, file.fileType, INSURED);
    const records = errors.some((e) => e.row !== null) && insured >= 0 ? recordsOf(bytesOf(file.name)) : [];
    for (const f of errors) {
      const number = f.row !== null ? records[f.row - 1]?.[insured] : undefined;
      const person = number ? personText(number, people) : null;
      if (person) named.add(person);
      problems.push(problemOf(f, file, person));
    }
  }
  for (const u of report.units) for (const f of u.errors) if (!REPEATS.has(f.code)) problems.push(problemOf(f, null, null));
  return { problems, people: [...named] };
}
