// The standard spec as the validator sees it. The data lives in specs/<csvVersion>/*.json;
// this module only describes its shape and checks it on load, so a broken data file fails
// loudly at start-up instead of silently weakening a rule.

export type ColumnType =
  | 'csvVersion'
  | 'insurerNo'
  | 'insuredNo'
  | 'officeNo'
  | 'serviceType'
  | 'serviceCode'
  | 'itemCode'
  | 'digits'
  | 'integer'
  | 'decimal'
  | 'code'
  | 'date'
  | 'month'
  | 'time'
  | 'postal'
  | 'dayFlags'
  | 'text'
  | 'freeText';

export const COLUMN_TYPES: readonly ColumnType[] = [
  'csvVersion', 'insurerNo', 'insuredNo', 'officeNo', 'serviceType', 'serviceCode', 'itemCode',
  'digits', 'integer', 'decimal', 'code', 'date', 'month', 'time', 'postal', 'dayFlags', 'text', 'freeText',
];

/** Which aspects of a column rest on an UNCERTAIN reading of the spec: those rules warn instead of failing. */
export interface Uncertainty {
  required?: string;
  length?: string;
  format?: string;
  note?: string;
}

export interface ColumnSpec {
  no: number;
  name: string;
  type: ColumnType;
  length?: number;
  lengthKind?: 'fixed' | 'max';
  required: boolean;
  codes?: Record<string, string>;
  /** Special values accepted besides the type's own format (e.g. 9999 for "no time"). */
  allow?: string[];
  /** Integer columns that may be negative (reductions). */
  signed?: boolean;
  range?: [number, number];
  pattern?: string;
  patternLabel?: string;
  /** 第7表 pseudo service codes (xxAAAA, xxEEEE, xxZZZZ, 999999) are allowed. */
  allowPseudo?: boolean;
  quoted?: 'always';
  personal?: boolean;
  uncertain?: Uncertainty;
  formatNote?: string;
  notes?: string;
  source: string[];
}

export type FileRule =
  | { rule: 'dateInMonth'; column: number; monthColumn: number; source: string }
  | { rule: 'dayFlagsInMonth'; column: number; monthColumn: number; source: string }
  | { rule: 'serviceTypeInScope'; column: number; source: string }
  | { rule: 'welfareEquipmentItem'; serviceCodeColumn: number; serviceTypes: string[]; anyOf: number[]; source: string }
  | {
      rule: 'table7Totals';
      serviceCodeColumn: number;
      officeColumn: number;
      unitsColumn: number;
      emptyOnTotals: number[];
      /** Why a missing subtotal row is only a warning. */
      subtotalMissingWhy: string;
      source: string;
    }
  | { rule: 'hosokuLink'; planDateColumn: number; monthColumn: number; source: string };

export type MonthPart = 'month' | 'monthOrZero' | 'none';

export interface LayoutSpec {
  specEdition: string;
  csvVersion: string;
  prefix: string;
  title: string;
  jaName: string;
  group: string;
  direction?: string;
  fileName: { monthPart: MonthPart; example: string; exampleForPlan?: string; note?: string };
  monthColumn?: number;
  userKey: number[];
  /** Where a record names its provider and service code, for the 第6表 ↔ 第7表 cross-check. */
  serviceLine?: { officeColumn: number; codeColumn: number };
  deleteFile?: boolean;
  columnCount: number;
  columns: ColumnSpec[];
  rules: FileRule[];
  sources: string[];
}

export interface UnitMember {
  prefix: string;
  /** required: error when missing; expected: warning when missing; anchor: at least one anchor must be present; optional. */
  need: 'required' | 'expected' | 'anchor' | 'optional';
  month?: 'zero' | 'service';
  requires?: string;
  many?: boolean;
  note?: string;
}

export interface UnitLink {
  from: string;
  to: string;
  fromKey: number[];
  toKey: number[];
}

export interface SendUnitSpec {
  id: string;
  title: string;
  members: UnitMember[];
  sameMonth?: boolean;
  links?: UnitLink[];
  source: string[];
}

export interface EditionManifest {
  specEdition: string;
  title: string;
  csvVersion: string;
  appliesFromServiceMonth: string;
  csvVersionHistory: { value: string; appliesFromServiceMonth: string; edition: string }[];
  lineEnding: { expected: 'CRLF'; uncertain?: string };
  fileNameExtension: { expected: string; uncertain?: string };
  serviceTypes: {
    inScope: Record<string, string>;
    outOfScope: Record<string, string>;
    planning: Record<string, string>;
  };
  directions: { fromPlanningOffice: string[]; fromServiceOffice: string[] };
  image: { prefix: string; title: string; extensions: string[]; branchDigits: number; companionOf: string };
  sendUnits: SendUnitSpec[];
  sources: Record<string, { what: string; url: string }>;
}

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

export class SpecDataError extends Error {
  override name = 'SpecDataError';
}

function fail(where: string, what: string): never {
  throw new SpecDataError(`spec data ${where}: ${what}`);
}

function checkColumn(where: string, c: unknown, index: number): ColumnSpec {
  if (typeof c !== 'object' || c === null) fail(where, `column ${index + 1} is not an object`);
  const col = c as ColumnSpec;
  if (col.no !== index + 1) fail(where, `column ${index + 1} has no=${String(col.no)}`);
  if (typeof col.name !== 'string' || col.name === '') fail(where, `column ${col.no} has no name`);
  if (!COLUMN_TYPES.includes(col.type)) fail(where, `column ${col.no} has unknown type ${String(col.type)}`);
  if (typeof col.required !== 'boolean') fail(where, `column ${col.no} has no required flag`);
  if (col.type === 'code' && (!col.codes || Object.keys(col.codes).length === 0)) fail(where, `code column ${col.no} has no codes`);
  if (col.length !== undefined && (!Number.isInteger(col.length) || col.length <= 0)) fail(where, `column ${col.no} has a bad length`);
  if (!Array.isArray(col.source) || col.source.length === 0) fail(where, `column ${col.no} has no source`);
  if (col.pattern !== undefined) {
    try {
      new RegExp(col.pattern);
    } catch {
      fail(where, `column ${col.no} has an invalid pattern`);
    }
  }
  return col;
}

export function checkLayout(raw: unknown, where: string): LayoutSpec {
  if (typeof raw !== 'object' || raw === null) fail(where, 'not an object');
  const l = raw as LayoutSpec;
  if (typeof l.prefix !== 'string' || !/^[A-Z0-9_]+$/.test(l.prefix)) fail(where, 'bad prefix');
  if (!/^\d{6}$/.test(l.csvVersion)) fail(where, 'bad csvVersion');
  if (!Array.isArray(l.columns)) fail(where, 'no columns');
  if (l.columns.length !== l.columnCount) fail(where, `columnCount ${l.columnCount} but ${l.columns.length} columns`);
  l.columns.forEach((c, i) => checkColumn(`${where} ${l.prefix}`, c, i));
  const maxNo = l.columns.length;
  const inRange = (n: number) => Number.isInteger(n) && n >= 1 && n <= maxNo;
  if (l.monthColumn !== undefined && !inRange(l.monthColumn)) fail(where, 'monthColumn out of range');
  if (!l.userKey.every(inRange)) fail(where, 'userKey out of range');
  if (!['month', 'monthOrZero', 'none'].includes(l.fileName?.monthPart)) fail(where, 'bad fileName.monthPart');
  for (const r of l.rules) {
    const cols = Object.entries(r)
      .filter(([k]) => /column$|Column$/.test(k))
      .map(([, v]) => v as number);
    if (!cols.every(inRange)) fail(where, `rule ${r.rule} refers to a column out of range`);
  }
  return l;
}

export function checkManifest(raw: unknown, where: string): EditionManifest {
  if (typeof raw !== 'object' || raw === null) fail(where, 'not an object');
  const m = raw as EditionManifest;
  if (!/^\d{6}$/.test(m.csvVersion)) fail(where, 'bad csvVersion');
  if (!m.serviceTypes?.inScope || !Array.isArray(m.sendUnits)) fail(where, 'missing serviceTypes or sendUnits');
  return m;
}

/** Builds the catalog from raw JSON: one manifest plus its layouts per edition. */
export function buildCatalog(raw: { manifest: unknown; layouts: unknown[] }[]): SpecCatalog {
  if (raw.length === 0) throw new SpecDataError('spec data: no edition found');
  const editions: Edition[] = raw.map((e, i) => {
    const manifest = checkManifest(e.manifest, `edition ${i}`);
    const layouts = new Map<string, LayoutSpec>();
    for (const l of e.layouts) {
      const layout = checkLayout(l, `edition ${manifest.csvVersion}`);
      if (layout.csvVersion !== manifest.csvVersion) fail(manifest.csvVersion, `${layout.prefix} has csvVersion ${layout.csvVersion}`);
      layouts.set(layout.prefix, layout);
    }
    for (const u of manifest.sendUnits) {
      for (const m of u.members) {
        if (!layouts.has(m.prefix) && m.prefix !== manifest.image.prefix) fail(manifest.csvVersion, `send unit ${u.id} names unknown ${m.prefix}`);
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
