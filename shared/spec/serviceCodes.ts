// サービスコード表（コードマスタ）: the per-code facts the spec points to but does not publish
// (「最新版の介護給付費単位数等サービスコード表」, docs/spec-audit.md §5 and Appendix B). The project ships
// no real table (none is public in a machine-readable form it could confirm); a vendor or an office
// gives its own with `careplan-link check --service-codes FILE`, as JSON (the schema below, published
// as schemas/service-code-master.schema.json) or as CSV with a header, since such masters live in
// spreadsheets. docs/service-codes.md describes both forms and the rules that read them.
import { z } from 'zod';
import { LocalizedError, type LocalizedText } from '../errors.js';
import { CsvReader } from '../validator/csv.js';

const YYYYMM = /^\d{4}(?:0[1-9]|1[0-2])$/;
/** 第7表's subtotal and total codes are not services: a master must not list them. */
const PSEUDO = /^(?:[0-9A-Z]{2}(?:AAAA|EEEE|ZZZZ)|999999)$/;
/** The two 福祉用具貸与 types (第6表 No.16/17, 第7表 No.10/11 apply to them). */
export const WELFARE_EQUIPMENT_TYPES: readonly string[] = ['17', '67'];

export const serviceCodeEntrySchema = z
  .object({
    code: z
      .string()
      .regex(/^[0-9A-Z]{6}$/)
      .refine((c) => !PSEUDO.test(c), { message: 'a subtotal or total code (xxAAAA, xxEEEE, xxZZZZ, 999999) is not a service' })
      .describe('サービスコード: サービス種類コード (2) + サービス項目コード (4), e.g. 111111.'),
    name: z.string().min(1).describe('サービス名称（略称）: shown beside the code in reports.'),
    units: z.number().int().nullable().optional().describe('単位数 (合成単位数); negative for reductions; null or absent when the table gives none.'),
    limit: z
      .boolean()
      .nullable()
      .optional()
      .describe('区分支給限度: true when the code counts toward the 区分支給限度基準額; false when it lies outside it (第7表 No.18 給付管理単位数 stays empty); null or absent when not known (no rule uses it then).'),
    welfareEquipment: z
      .boolean()
      .optional()
      .describe('17/67 福祉用具貸与 only: true for a code billed per rented item (its rows carry a TAIS or 届出 code, 第6表 No.16/17, 第7表 No.10/11); false for the other codes of those types (加算 etc.).'),
    insurer: z.string().regex(/^\d{6}$/).optional().describe('保険者番号, for codes one insurer defines (総合事業 A2–A8 and the like); absent: every insurer.'),
    from: z.string().regex(YYYYMM).optional().describe('適用開始年月 YYYYMM: the first service month the entry applies to.'),
    to: z.string().regex(YYYYMM).optional().describe('適用終了年月 YYYYMM: the last service month the entry applies to.'),
    note: z.string().optional(),
  })
  .strict()
  .refine((e) => e.welfareEquipment === undefined || WELFARE_EQUIPMENT_TYPES.includes(e.code.slice(0, 2)), { message: 'welfareEquipment is only for codes of type 17 or 67', path: ['welfareEquipment'] })
  .refine((e) => e.from === undefined || e.to === undefined || e.from <= e.to, { message: 'from is after to', path: ['to'] });

export type ServiceCodeEntry = z.infer<typeof serviceCodeEntrySchema>;

export const serviceCodeMasterSchema = z
  .object({
    $schema: z.string().optional(),
    $comment: z.string().optional(),
    title: z.string().optional().describe('What the master is, e.g. 「介護給付費単位数等サービスコード表 令和6年6月」.'),
    source: z.string().optional().describe('Where the data comes from.'),
    sample: z.boolean().optional().describe('true: made-up data for tests and examples, never a real table.'),
    codes: z.array(serviceCodeEntrySchema).min(1),
  })
  .strict()
  .meta({ title: 'careplan-link service-code master', description: 'サービスコード → name, units, 区分支給限度 and 福祉用具 flags, for `careplan-link check --service-codes` (docs/service-codes.md).' });

export type ServiceCodeMasterFile = z.infer<typeof serviceCodeMasterSchema>;

export class ServiceCodeMasterError extends LocalizedError {
  override name = 'ServiceCodeMasterError';
  constructor(text: LocalizedText) {
    super('service_codes', text, {
      hint: { ja: '書き方は docs/service-codes.md にあります。', en: 'docs/service-codes.md describes the format.' },
    });
  }
}

/** `where` is the file, or the file and a line of it. */
function fail(where: string | LocalizedText, what: LocalizedText): never {
  const at = typeof where === 'string' ? { ja: where, en: where } : where;
  throw new ServiceCodeMasterError({ ja: `サービスコード表 ${at.ja}: ${what.ja}`, en: `service-code master ${at.en}: ${what.en}` });
}

/** Where a lookup happens: the record's service month and insurer, when known. */
export interface LookupContext {
  month?: string | null;
  insurer?: string | null;
}

/** A loaded master: entries by code, each applying to some months and insurers. */
export class ServiceCodeMaster {
  private readonly byCode = new Map<string, ServiceCodeEntry[]>();
  private readonly types = new Set<string>();

  constructor(
    readonly entries: readonly ServiceCodeEntry[],
    readonly info: { title?: string; source?: string; sample?: boolean; where: string } = { where: '' },
  ) {
    for (const e of entries) {
      const list = this.byCode.get(e.code) ?? [];
      for (const other of list) if (overlap(e, other)) fail(info.where, { ja: `サービスコード ${e.code} が同じ年月・保険者に2回あります`, en: `service code ${e.code} is listed twice for the same months and insurer` });
      list.push(e);
      this.byCode.set(e.code, list);
      this.types.add(e.code.slice(0, 2));
    }
  }

  /** The entry for a code in a month and for an insurer; an insurer's own entry wins over a general one. */
  find(code: string, at: LookupContext = {}): ServiceCodeEntry | undefined {
    const list = this.byCode.get(code);
    if (!list) return undefined;
    const fits = list.filter((e) => inPeriod(e, at.month) && (e.insurer === undefined || !at.insurer || e.insurer === at.insurer));
    return fits.find((e) => e.insurer !== undefined && e.insurer === at.insurer) ?? fits[0];
  }

  /** How findings name the master: its title, or the file it came from. */
  get name(): string {
    return this.info.title ?? this.info.where;
  }

  /** Whether the master lists any code of this service type: codes of other types are not judged by it. */
  coversType(type: string): boolean {
    return this.types.has(type);
  }

  /** "111111 身体介護１" for a known code, or undefined. */
  label(code: string, at: LookupContext = {}): string | undefined {
    const e = this.find(code, at);
    return e ? `${code} ${e.name}` : undefined;
  }
}

function inPeriod(e: ServiceCodeEntry, month: string | null | undefined): boolean {
  if (!month || !YYYYMM.test(month)) return true;
  return (e.from === undefined || e.from <= month) && (e.to === undefined || month <= e.to);
}

function overlap(a: ServiceCodeEntry, b: ServiceCodeEntry): boolean {
  if ((a.insurer ?? '') !== (b.insurer ?? '')) return false;
  const aFrom = a.from ?? '000000';
  const aTo = a.to ?? '999999';
  return aFrom <= (b.to ?? '999999') && (b.from ?? '000000') <= aTo;
}

/** The JSON form, already parsed: checked against the schema, each problem named by its path. */
export function masterFromJson(raw: unknown, where: string): ServiceCodeMaster {
  const parsed = serviceCodeMasterSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.join('.');
    fail(where, { ja: `${path} が正しくありません（${issue.message}）`, en: `${path}: ${issue.message}` });
  }
  const { codes, title, source, sample } = parsed.data;
  return new ServiceCodeMaster(codes, { title, source, sample, where });
}

/**
 * The CSV form's columns: a header cell (Japanese or English) → the entry field. A code is either one
 * column (サービスコード) or the official table's two (種類 2 + 項目 4).
 */
export const CSV_COLUMNS = {
  code: ['サービスコード', 'code'],
  type: ['サービス種類コード', '種類'],
  item: ['サービス項目コード', '項目'],
  name: ['サービス名称', 'サービス内容略称', 'name'],
  units: ['単位数', '合成単位数', 'units'],
  limit: ['区分支給限度', 'limit'],
  welfareEquipment: ['福祉用具貸与', 'welfareEquipment'],
  insurer: ['保険者番号', 'insurer'],
  from: ['適用開始年月', 'from'],
  to: ['適用終了年月', 'to'],
  note: ['備考', 'note'],
} as const;
type CsvKey = keyof typeof CSV_COLUMNS;

/** The header the CSV form is written with (Japanese, one code column). */
export const CSV_HEADER: readonly string[] = (['code', 'name', 'units', 'limit', 'welfareEquipment', 'insurer', 'from', 'to', 'note'] as const).map((k) => CSV_COLUMNS[k][0]);

/** Reads CSV text into rows of cells (the spec's own reader: "…" with "" escapes, line breaks kept). */
export function readCsvRows(text: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let broken: number | null = null;
  const reader = new CsvReader(
    (r) => rows.push({ line: r.line, cells: r.fields }),
    (i) => {
      if (i.kind !== 'blankLine' && broken === null) broken = i.line;
    },
  );
  reader.push(text.replace(/^\uFEFF/, ''));
  reader.end();
  if (broken !== null) throw new ServiceCodeMasterError({ ja: `CSV の ${broken} 行目の " の使い方が正しくありません`, en: `CSV line ${broken}: misplaced double quote` });
  return rows;
}

const FLAG: Record<string, boolean | null> = { '': null, '1': true, '0': false, true: true, false: false, TRUE: true, FALSE: false };

/** The CSV form: a header row naming the columns, then one code a row. */
export function masterFromCsv(text: string, where: string): ServiceCodeMaster {
  let rows;
  try {
    rows = readCsvRows(text);
  } catch (e) {
    fail(where, e as LocalizedError);
  }
  const [header, ...body] = rows;
  if (!header) fail(where, { ja: 'ヘッダー行がありません', en: 'no header row' });
  const index = new Map<CsvKey, number>();
  header.cells.forEach((cell, i) => {
    const name = cell.trim();
    const key = (Object.keys(CSV_COLUMNS) as CsvKey[]).find((k) => (CSV_COLUMNS[k] as readonly string[]).includes(name));
    if (!key) fail(where, { ja: `見出し「${name}」は知らない列です（使える列: ${CSV_HEADER.join('・')}・種類・項目）`, en: `unknown column "${name}"` });
    if (index.has(key)) fail(where, { ja: `列「${name}」が2つあります`, en: `column "${name}" appears twice` });
    index.set(key, i);
  });
  const hasCode = index.has('code') || (index.has('type') && index.has('item'));
  if (!hasCode || !index.has('name')) fail(where, { ja: '「サービスコード」（または「種類」と「項目」）と「サービス名称」の列が必要です', en: 'the columns サービスコード (or 種類 + 項目) and サービス名称 are required' });
  const codes: ServiceCodeEntry[] = [];
  for (const row of body) {
    const cell = (k: CsvKey) => (index.has(k) ? (row.cells[index.get(k)!] ?? '').trim() : '');
    if (row.cells.every((c) => c.trim() === '')) continue;
    const at = { ja: `${where} ${row.line} 行目`, en: `${where} line ${row.line}` };
    const flag = (k: 'limit' | 'welfareEquipment') => {
      const v = cell(k);
      if (!(v in FLAG)) fail(at, { ja: `${CSV_COLUMNS[k][0]}は 1・0・空のどれかです: ${v}`, en: `${CSV_COLUMNS[k][1]} must be 1, 0 or empty: ${v}` });
      return FLAG[v]!;
    };
    const units = cell('units');
    if (units !== '' && !/^-?\d+$/.test(units)) fail(at, { ja: `単位数が整数ではありません: ${units}`, en: `units is not an integer: ${units}` });
    const entry: Record<string, unknown> = { code: index.has('code') ? cell('code') : cell('type') + cell('item'), name: cell('name') };
    if (units !== '') entry.units = Number(units);
    const limit = flag('limit');
    if (limit !== null) entry.limit = limit;
    const welfare = flag('welfareEquipment');
    if (welfare !== null) entry.welfareEquipment = welfare;
    for (const k of ['insurer', 'from', 'to', 'note'] as const) if (cell(k) !== '') entry[k] = cell(k);
    const parsed = serviceCodeEntrySchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const key = String(issue.path[0] ?? '');
      // The column as the file's header names it (Japanese), the entry field in English.
      const column = key in CSV_COLUMNS ? CSV_COLUMNS[key as CsvKey][0] : key;
      fail(at, { ja: `${column}が正しくありません（${issue.message}）: ${String(entry[key] ?? '')}`, en: `${key}: ${issue.message}` });
    }
    codes.push(parsed.data);
  }
  if (codes.length === 0) fail(where, { ja: 'コードが1件もありません', en: 'no codes' });
  return new ServiceCodeMaster(codes, { where });
}

/** Either form, by its text: JSON starts with '{'. */
export function masterFromText(text: string, where: string): ServiceCodeMaster {
  const body = text.replace(/^\uFEFF/, '');
  if (!body.trimStart().startsWith('{')) return masterFromCsv(body, where);
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (e) {
    fail(where, { ja: `JSON として読めません: ${(e as Error).message}`, en: `not valid JSON: ${(e as Error).message}` });
  }
  return masterFromJson(raw, where);
}

const csvCell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const flagCell = (v: boolean | null | undefined) => (v === true ? '1' : v === false ? '0' : '');

/** The CSV form of entries (UTF-8 text with CRLF; the caller adds a BOM for Excel if wanted). */
export function masterToCsv(entries: readonly ServiceCodeEntry[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const e of entries) {
    lines.push([e.code, e.name, e.units ?? '', flagCell(e.limit), flagCell(e.welfareEquipment), e.insurer ?? '', e.from ?? '', e.to ?? '', e.note ?? ''].map((v) => csvCell(String(v))).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
