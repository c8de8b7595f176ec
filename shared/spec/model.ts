// The standard spec as the validator sees it. The data lives in specs/<csvVersion>/*.json; its shapes
// are zod schemas in modelSchemas.ts (published as JSON Schemas in schemas/), and modelCheck.ts reads
// spec data strictly with them, so a broken data file fails loudly at start-up instead of silently
// weakening a rule. This module is what the validator needs at run time — the types, the catalog and
// its look-ups — and loads no zod: the spec data the app ships is trusted as it is (trustedCatalog),
// because specFiles.test.ts checks every shipped file strictly and that both readings agree.
import type { LocalizedText } from '../errors.js';
import { LocalizedError } from '../errors.js';
import type { EditionManifest, LayoutSpec } from './modelSchemas.js';

export type { ColumnSpec, EditionManifest, FileRule, LayoutSpec, MonthPart, SendUnitSpec, Uncertainty, UnitLink, UnitMember } from './modelSchemas.js';

/** The column types a layout may name (modelSchemas.ts's column schema takes its enum from here). */
export const COLUMN_TYPE_NAMES = [
  'csvVersion', 'insurerNo', 'insuredNo', 'officeNo', 'serviceType', 'serviceCode', 'itemCode',
  'digits', 'integer', 'decimal', 'code', 'date', 'month', 'time', 'postal', 'dayFlags', 'text', 'freeText',
] as const;

export type ColumnType = (typeof COLUMN_TYPE_NAMES)[number];

export const COLUMN_TYPES: readonly ColumnType[] = COLUMN_TYPE_NAMES;

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

/** One edition folder as read: its manifest (spec.json) and its layouts. */
export interface SpecFolder {
  manifest: SpecFile;
  layouts: SpecFile[];
}

export class SpecDataError extends LocalizedError {
  override name = 'SpecDataError';
  constructor(text: LocalizedText, options: { cause?: unknown } = {}) {
    super('spec_data', text, options);
  }
}

/** The English text keeps the wording "spec data <where>: <what>" that logs and tests look for. */
export function specDataFail(where: string, what: LocalizedText): never {
  throw new SpecDataError({ ja: `仕様データ ${where} が正しくありません: ${what.ja}`, en: `spec data ${where}: ${what.en}` });
}

/** The catalog from editions already read: newest first, and the newest edition's prefixes longest first. */
export function catalogOf(editions: Edition[]): SpecCatalog {
  if (editions.length === 0) throw new SpecDataError({ ja: '仕様データ: 版が一つもありません', en: 'spec data: no edition found' });
  editions.sort((a, b) => b.manifest.appliesFromServiceMonth.localeCompare(a.manifest.appliesFromServiceMonth) || b.manifest.csvVersion.localeCompare(a.manifest.csvVersion));
  const newest = editions[0]!;
  const prefixes = [...newest.layouts.keys(), newest.manifest.image.prefix].sort((a, b) => b.length - a.length);
  return { editions, prefixes };
}

/**
 * The catalog from the spec data the app ships, taken as it is. Only for that data: specFiles.test.ts
 * reads every shipped file with modelCheck's buildCatalog (strict schemas and cross-checks) and checks
 * that it gives this same catalog. Anything else (a folder named by CAREPLAN_LINK_SPECS) goes through
 * buildCatalog.
 */
export function trustedCatalog(raw: SpecFolder[]): SpecCatalog {
  return catalogOf(
    raw.map((e) => ({
      manifest: e.manifest.json as EditionManifest,
      layouts: new Map(e.layouts.map((l) => [(l.json as LayoutSpec).prefix, l.json as LayoutSpec])),
    })),
  );
}

export function editionFor(catalog: SpecCatalog, csvVersion: string): Edition | undefined {
  return catalog.editions.find((e) => e.manifest.csvVersion === csvVersion);
}

export function newestEdition(catalog: SpecCatalog): Edition {
  return catalog.editions[0]!;
}
