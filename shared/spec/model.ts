// The standard spec as the validator sees it. The data lives in specs/<csvVersion>/*.json;
// this module describes its shape (zod schemas, also published as JSON Schemas in schemas/) and
// checks it on load, so a broken data file fails loudly at start-up instead of silently weakening
// a rule. The schemas are strict: a misspelt key in the data is an error, not a rule quietly lost.
import { z } from 'zod';
import { parseAtBoundary } from '../boundary.js';
import { LocalizedError, type LocalizedText } from '../errors.js';

const COLUMN_TYPE_NAMES = [
  'csvVersion', 'insurerNo', 'insuredNo', 'officeNo', 'serviceType', 'serviceCode', 'itemCode',
  'digits', 'integer', 'decimal', 'code', 'date', 'month', 'time', 'postal', 'dayFlags', 'text', 'freeText',
] as const;

export type ColumnType = (typeof COLUMN_TYPE_NAMES)[number];

export const COLUMN_TYPES: readonly ColumnType[] = COLUMN_TYPE_NAMES;

/** Every object of the spec data may carry a `$comment` for the people who maintain it. */
function specObject<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject({ $comment: z.string().optional(), ...shape });
}

const schemaPointer = z.string().optional().describe("The editor's pointer to the published JSON Schema (schemas/); the loader does not read it.");
const sixDigits = z.string().regex(/^\d{6}$/);
const columnNo = z.number().int().min(1);
const sources = z.array(z.string());

export const uncertaintySchema = specObject({
  required: z.string().optional(),
  length: z.string().optional(),
  format: z.string().optional(),
  note: z.string().optional(),
}).describe('Which aspects of a column rest on an UNCERTAIN reading of the spec, and why: those rules warn instead of failing.');
export type Uncertainty = z.infer<typeof uncertaintySchema>;

export const columnSchema = specObject({
  no: columnNo,
  name: z.string().min(1),
  type: z.enum(COLUMN_TYPE_NAMES),
  length: z.number().int().positive().optional(),
  lengthKind: z.enum(['fixed', 'max']).optional(),
  required: z.boolean(),
  codes: z.record(z.string(), z.string()).optional(),
  allow: z.array(z.string()).optional().describe('Special values accepted besides the type\'s own format (e.g. 9999 for "no time").'),
  allowUncertain: z
    .record(z.string(), z.string())
    .optional()
    .describe('Values the spec neither allows nor forbids (value → why): accepted with a warning instead of failing the type check (e.g. 2400 as an end time).'),
  signed: z.boolean().optional().describe('An integer column that may be negative (reductions).'),
  range: z.tuple([z.number(), z.number()]).optional(),
  pattern: z.string().optional(),
  patternLabel: z.string().optional(),
  allowPseudo: z.boolean().optional().describe('第7表 pseudo service codes (xxAAAA, xxEEEE, xxZZZZ, 999999) are allowed.'),
  quoted: z.literal('always').optional(),
  personal: z.boolean().optional(),
  uncertain: uncertaintySchema.optional(),
  formatNote: z.string().optional(),
  notes: z.string().optional(),
  source: sources.min(1),
});
export type ColumnSpec = z.infer<typeof columnSchema>;

export const fileRuleSchema = z.discriminatedUnion('rule', [
  specObject({ rule: z.literal('dateInMonth'), column: columnNo, monthColumn: columnNo, source: z.string() }),
  specObject({ rule: z.literal('dayFlagsInMonth'), column: columnNo, monthColumn: columnNo, source: z.string() }),
  specObject({ rule: z.literal('serviceTypeInScope'), column: columnNo, source: z.string() }),
  specObject({ rule: z.literal('welfareEquipmentItem'), serviceCodeColumn: columnNo, serviceTypes: z.array(z.string()), anyOf: z.array(columnNo), source: z.string() }),
  specObject({
    rule: z.literal('table7Totals'),
    serviceCodeColumn: columnNo,
    officeColumn: columnNo,
    unitsColumn: columnNo,
    emptyOnTotals: z.array(columnNo),
    subtotalRequiredWhy: z.string().describe('The reading behind the error for a service type with several detail rows and no xxAAAA row.'),
    subtotalWarnOnly: z.record(z.string(), z.string()).describe('Service types (→ why) for which a missing subtotal row is only a warning.'),
    source: z.string(),
  }),
  specObject({ rule: z.literal('hosokuLink'), planDateColumn: columnNo, monthColumn: columnNo, source: z.string() }),
  specObject({
    rule: z.literal('onlyForServiceTypes'),
    column: columnNo,
    serviceCodeColumn: columnNo,
    serviceTypes: z.array(z.string()).describe('Types of the service code for which the column may be filled.'),
    uncertainTypes: z.record(z.string(), z.string()).optional().describe('Types (→ why) for which a filled column is only a warning.'),
    source: z.string(),
  }).describe('The column stays empty unless the record\'s service type is one of serviceTypes.'),
  specObject({
    rule: z.literal('requiredWhen'),
    column: columnNo,
    whenColumn: columnNo,
    values: z.array(z.string()),
    source: z.string(),
  }).describe('The column must be filled when whenColumn holds one of values.'),
  specObject({
    rule: z.literal('slotsInOrder'),
    slotColumns: z.array(columnNo).describe('The first column of each slot, in slot order.'),
    width: z.number().int().positive().describe('Columns per slot.'),
    source: z.string(),
  }).describe('Repeated slots are filled from slot 1 on: a filled slot after an empty one is an error.'),
  specObject({
    rule: z.literal('codeInstead'),
    columns: z.array(columnNo),
    codes: z.record(z.string(), z.string()).describe('Code written → the code the spec asks for instead.'),
    source: z.string(),
  }),
  specObject({
    rule: z.literal('companionFileName'),
    column: columnNo,
    prefix: z.string(),
    source: z.string(),
  }).describe("A file name in the column must share this file's sender, receiver and sequence."),
  specObject({
    rule: z.literal('blankOnRepeat'),
    keyColumns: z.array(columnNo).describe('Columns that identify the group (user and NO).'),
    columns: z.array(columnNo).describe('Columns filled on the group\'s first row only.'),
    source: z.string(),
  }).describe("Rows of one group after its first leave the group's columns empty (a warning)."),
]);
export type FileRule = z.infer<typeof fileRuleSchema>;

export const monthPartSchema = z.enum(['month', 'monthOrZero', 'none']);
export type MonthPart = z.infer<typeof monthPartSchema>;

/** One file type's layout: specs/<csvVersion>/<PREFIX>.json. */
export const layoutSchema = specObject({
  $schema: schemaPointer,
  specEdition: z.string(),
  csvVersion: sixDigits,
  prefix: z.string().regex(/^[A-Z0-9_]+$/),
  title: z.string(),
  jaName: z.string(),
  group: z.string(),
  direction: z.string().optional(),
  fileName: specObject({ monthPart: monthPartSchema, example: z.union([z.string(), z.array(z.string())]), exampleForPlan: z.string().optional(), note: z.string().optional() }),
  monthColumn: columnNo.optional(),
  userKey: z.array(columnNo),
  serviceLine: specObject({ officeColumn: columnNo, codeColumn: columnNo }).optional().describe('Where a record names its provider and service code, for the 第6表 ↔ 第7表 cross-check.'),
  deleteFile: z.boolean().optional(),
  recordUnit: z.string().nullable().optional().describe('What one record stands for, in words (documentation only).'),
  rowEncoding: specObject({
    summary: z.string(),
    example: z.array(z.record(z.string(), z.union([z.string(), z.number()]))).optional(),
    exampleNotes: z.string().optional(),
    uncertain: z.string().optional(),
  })
    .optional()
    .describe("How several values share one record, with the spec's example (documentation only)."),
  requiredColumnsNote: z.string().optional(),
  uncertain: z.string().optional().describe('Why parts of this layout are a best-effort reading of the spec (documentation only).'),
  columnCount: z.number().int().positive(),
  columns: z.array(columnSchema),
  rules: z.array(fileRuleSchema),
  sources,
}).meta({ title: 'careplan-link spec layout', description: 'One file type of the standard spec (specs/<csvVersion>/<PREFIX>.json): its file name, columns and file rules.' });
export type LayoutSpec = z.infer<typeof layoutSchema>;

export const unitMemberSchema = specObject({
  prefix: z.string(),
  need: z
    .enum(['required', 'expected', 'anchor', 'optional'])
    .describe('required: error when missing; expected: warning when missing (with `requires`: only when that file is in the unit); anchor: at least one anchor must be present; optional.'),
  month: z.enum(['zero', 'service']).optional(),
  requires: z.string().optional(),
  many: z.boolean().optional(),
  namedBy: specObject({ prefix: z.string(), column: columnNo })
    .optional()
    .describe('Files of this member are named in that column of that file: a named file must be in the unit; an unnamed one is a warning.'),
  note: z.string().optional(),
});
export type UnitMember = z.infer<typeof unitMemberSchema>;

export const unitLinkSchema = specObject({ from: z.string(), to: z.string(), fromKey: z.array(columnNo), toKey: z.array(columnNo) });
export type UnitLink = z.infer<typeof unitLinkSchema>;

export const sendUnitSchema = specObject({
  id: z.string(),
  title: z.string(),
  members: z.array(unitMemberSchema),
  sameMonth: z.boolean().optional(),
  links: z.array(unitLinkSchema).optional(),
  source: sources,
});
export type SendUnitSpec = z.infer<typeof sendUnitSchema>;

const codeNames = z.record(z.string(), z.string());

/** The edition's own facts: specs/<csvVersion>/spec.json. */
export const manifestSchema = specObject({
  $schema: schemaPointer,
  specEdition: z.string(),
  title: z.string(),
  issued: z.string().optional(),
  csvVersion: sixDigits,
  appliesFromServiceMonth: sixDigits,
  csvVersionHistory: z.array(specObject({ value: sixDigits, appliesFromServiceMonth: sixDigits, edition: z.string() })),
  encoding: specObject({ charset: z.string(), gaiji: z.string(), source: sources.optional() }).optional(),
  lineEnding: specObject({ expected: z.literal('CRLF'), uncertain: z.string().optional() }),
  fileNameExtension: specObject({ expected: z.string(), uncertain: z.string().optional() }),
  serviceTypes: specObject({ inScope: codeNames, outOfScope: codeNames, planning: codeNames, source: sources.optional() }),
  directions: specObject({ fromPlanningOffice: z.array(z.string()), fromServiceOffice: z.array(z.string()) }),
  image: specObject({ prefix: z.string(), title: z.string(), extensions: z.array(z.string()), branchDigits: z.number().int().positive(), companionOf: z.string(), source: sources.optional() }),
  sendUnits: z.array(sendUnitSchema),
  sources: z.record(z.string(), specObject({ what: z.string(), url: z.string() })),
}).meta({ title: 'careplan-link spec edition manifest', description: 'The edition-level facts of one standard-spec edition (specs/<csvVersion>/spec.json): CSV version, service types, send units, sources.' });
export type EditionManifest = z.infer<typeof manifestSchema>;

export interface Edition {
  manifest: EditionManifest;
  layouts: Map<string, LayoutSpec>;
}

/** Every spec edition the validator knows, newest first. */
export interface SpecCatalog {
  editions: Edition[];
  /** All file-name prefixes of the newest edition, longest first (UPKIHON_SUB1 before UPKIHON). */
  prefixes: string[];
}

/** One spec data file as read: its name for messages (e.g. 202407/UPPLAN.json) and its parsed JSON. */
export interface SpecFile {
  name: string;
  json: unknown;
}

export class SpecDataError extends LocalizedError {
  override name = 'SpecDataError';
  constructor(text: LocalizedText, options: { cause?: unknown } = {}) {
    super('spec_data', text, options);
  }
}

/** The English text keeps the wording "spec data <where>: <what>" that logs and tests look for. */
function fail(where: string, what: LocalizedText): never {
  throw new SpecDataError({ ja: `仕様データ ${where} が正しくありません: ${what.ja}`, en: `spec data ${where}: ${what.en}` });
}

function parseSpec<T>(schema: z.ZodType<T>, raw: unknown, where: string): T {
  const parsed = parseAtBoundary(schema, raw);
  if (!parsed.ok) fail(where, parsed.problem);
  return parsed.data;
}

/** What the schema cannot say about a column: its number is its position, a code column lists its codes. */
function checkColumn(where: string, col: ColumnSpec, index: number): void {
  if (col.no !== index + 1) fail(where, { ja: `${index + 1} 番目の項目の no が ${col.no} です`, en: `column ${index + 1} has no=${col.no}` });
  if (col.type === 'code' && (!col.codes || Object.keys(col.codes).length === 0)) fail(where, { ja: `コード項目 ${col.no} にコードの一覧がありません`, en: `code column ${col.no} has no codes` });
  if (col.pattern !== undefined) {
    try {
      new RegExp(col.pattern);
    } catch {
      fail(where, { ja: `項目 ${col.no} の pattern が正規表現として正しくありません`, en: `column ${col.no} has an invalid pattern` });
    }
  }
}

export function checkLayout(raw: unknown, where: string): LayoutSpec {
  const l = parseSpec(layoutSchema, raw, where);
  if (l.columns.length !== l.columnCount) fail(where, { ja: `columnCount は ${l.columnCount} ですが項目は ${l.columns.length} 個です`, en: `columnCount ${l.columnCount} but ${l.columns.length} columns` });
  l.columns.forEach((c, i) => checkColumn(where, c, i));
  const maxNo = l.columns.length;
  const inRange = (n: number) => Number.isInteger(n) && n >= 1 && n <= maxNo;
  const outOfRange = (what: string): LocalizedText => ({ ja: `${what} が項目の範囲（1〜${maxNo}）の外です`, en: `${what} out of range` });
  if (l.monthColumn !== undefined && !inRange(l.monthColumn)) fail(where, outOfRange('monthColumn'));
  if (!l.userKey.every(inRange)) fail(where, outOfRange('userKey'));
  for (const r of l.rules) {
    // Every number a rule names under a *column*/*Columns key, or in anyOf/emptyOnTotals, is a column.
    const cols = Object.entries(r)
      .filter(([k]) => /column|Column|^anyOf$|^emptyOnTotals$/.test(k))
      .flatMap(([, v]) => (Array.isArray(v) ? v : [v]))
      .filter((v): v is number => typeof v === 'number');
    if (!cols.every(inRange)) fail(where, { ja: `規則 ${r.rule} の項目番号が範囲（1〜${maxNo}）の外です`, en: `rule ${r.rule} refers to a column out of range` });
  }
  return l;
}

export function checkManifest(raw: unknown, where: string): EditionManifest {
  return parseSpec(manifestSchema, raw, where);
}

/** Builds the catalog from the spec data files: one manifest plus its layouts per edition. */
export function buildCatalog(raw: { manifest: SpecFile; layouts: SpecFile[] }[]): SpecCatalog {
  if (raw.length === 0) throw new SpecDataError({ ja: '仕様データ: 版が一つもありません', en: 'spec data: no edition found' });
  const editions: Edition[] = raw.map((e) => {
    const manifest = checkManifest(e.manifest.json, e.manifest.name);
    const layouts = new Map<string, LayoutSpec>();
    for (const l of e.layouts) {
      const layout = checkLayout(l.json, l.name);
      if (layout.csvVersion !== manifest.csvVersion) {
        fail(l.name, { ja: `${layout.prefix} の csvVersion ${layout.csvVersion} がフォルダの版 ${manifest.csvVersion} と違います`, en: `${layout.prefix} has csvVersion ${layout.csvVersion}, not ${manifest.csvVersion}` });
      }
      layouts.set(layout.prefix, layout);
    }
    for (const u of manifest.sendUnits) {
      for (const m of u.members) {
        if (!layouts.has(m.prefix) && m.prefix !== manifest.image.prefix) fail(e.manifest.name, { ja: `送信単位 ${u.id} に知らないファイル種類 ${m.prefix} があります`, en: `send unit ${u.id} names unknown ${m.prefix}` });
      }
    }
    return { manifest, layouts };
  });
  editions.sort((a, b) => b.manifest.appliesFromServiceMonth.localeCompare(a.manifest.appliesFromServiceMonth) || b.manifest.csvVersion.localeCompare(a.manifest.csvVersion));
  const newest = editions[0]!;
  const prefixes = [...newest.layouts.keys(), newest.manifest.image.prefix].sort((a, b) => b.length - a.length);
  return { editions, prefixes };
}

export function editionFor(catalog: SpecCatalog, csvVersion: string): Edition | undefined {
  return catalog.editions.find((e) => e.manifest.csvVersion === csvVersion);
}

export function newestEdition(catalog: SpecCatalog): Edition {
  return catalog.editions[0]!;
}
