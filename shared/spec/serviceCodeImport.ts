// 市町村が公開する総合事業のサービスコードマスタ（CSV, 見出し19列）を、本ツールのコード表に取り込む:
// `careplan-link specs import-service-codes --from municipal-csv`.
// The only machine-readable layout of a code table whose columns public sources state (docs/spec-audit.md
// Appendix B): a municipal 総合事業 master published as CSV, header as printed by 水上村. What the audit
// could not confirm is not guessed: 限度額管理対象区分's values have no confirmed meaning, so `limit`
// stays unknown and the raw value goes into the note; 算定単位 and the other columns are not read. The
// national 介護給付費単位数等サービスコード表 has no importer: its public copies are PDF/Excel pages of
// older editions, and no copy shows a 区分支給限度 flag (docs/service-codes.md).
import { ServiceCodeMaster, ServiceCodeMasterError, readCsvRows, type ServiceCodeEntry, serviceCodeEntrySchema } from './serviceCodes.js';

/** The header as published (audit Appendix B), in order. */
export const MUNICIPAL_HEADER = [
  '保険者番号', 'サービス種類コード', 'サービス項目コード', '適用開始年月', '適用終了年月', 'サービス名称', '単位数', '算定単位', '制限日数回数',
  '算定回数制限期間', '限度額管理対象区分', '単位数単価', '給付率', '利用者負担額', '事業対象者実施区分', '支援1受給者実施区分', '支援2受給者実施区分', '国保連委託区分', '作成日',
] as const;

const READ = ['保険者番号', 'サービス種類コード', 'サービス項目コード', '適用開始年月', '適用終了年月', 'サービス名称', '単位数', '限度額管理対象区分'] as const;
type ReadColumn = (typeof READ)[number];

export interface ImportResult {
  master: ServiceCodeMaster;
  /** Rows not taken, with why (a code that is not 6 characters, no name). */
  skipped: { line: number; why: string }[];
}

const YYYYMM = /^\d{4}(?:0[1-9]|1[0-2])$/;

export function importMunicipalMaster(text: string, where: string): ImportResult {
  const fail = (ja: string, en: string): never => {
    throw new ServiceCodeMasterError({ ja: `総合事業マスタ ${where}: ${ja}`, en: `municipal master ${where}: ${en}` });
  };
  const [header, ...rows] = readCsvRows(text);
  if (!header) return fail('見出し行がありません', 'no header row');
  const names = header.cells.map((c) => c.trim());
  const unknown = names.filter((n) => !(MUNICIPAL_HEADER as readonly string[]).includes(n));
  const missing = READ.filter((n) => !names.includes(n));
  if (unknown.length || missing.length) {
    fail(`見出しが公開されている形式（${MUNICIPAL_HEADER.length}列）と違います（不明: ${unknown.join('・') || 'なし'}／不足: ${missing.join('・') || 'なし'}）`, `the header is not the published ${MUNICIPAL_HEADER.length}-column one (unknown: ${unknown.join(', ') || 'none'}; missing: ${missing.join(', ') || 'none'})`);
  }
  const at = (name: ReadColumn) => names.indexOf(name);
  const entries: ServiceCodeEntry[] = [];
  const skipped: ImportResult['skipped'] = [];
  for (const row of rows) {
    const cell = (name: ReadColumn) => (row.cells[at(name)] ?? '').trim();
    if (row.cells.every((c) => c.trim() === '')) continue;
    const notes: string[] = [];
    const entry: Record<string, unknown> = { code: cell('サービス種類コード') + cell('サービス項目コード'), name: cell('サービス名称') };
    const units = cell('単位数');
    if (/^-?\d+$/.test(units)) entry.units = Number(units);
    else if (units !== '') notes.push(`単位数=${units}`);
    if (/^\d{6}$/.test(cell('保険者番号'))) entry.insurer = cell('保険者番号');
    for (const [column, key] of [['適用開始年月', 'from'], ['適用終了年月', 'to']] as const) {
      const v = cell(column);
      if (YYYYMM.test(v)) entry[key] = v;
      else if (v !== '') notes.push(`${column}=${v}`);
    }
    // Kept as found: which values mean "within the 区分支給限度" is not confirmed (audit Appendix B).
    if (cell('限度額管理対象区分') !== '') notes.push(`限度額管理対象区分=${cell('限度額管理対象区分')}`);
    if (notes.length) entry.note = `${notes.join('、')}（取り込み時に解釈していない値 / values not interpreted on import）`;
    const parsed = serviceCodeEntrySchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      skipped.push({ line: row.line, why: `${String(issue.path[0] ?? '')}: ${issue.message}` });
      continue;
    }
    entries.push(parsed.data);
  }
  if (entries.length === 0) fail('取り込めるコードが1件もありません', 'no code could be imported');
  return { master: new ServiceCodeMaster(entries, { title: `総合事業マスタ ${where}`, source: where, where }), skipped };
}
