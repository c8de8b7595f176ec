// Reads spec data strictly: every file through its zod schema (modelSchemas.ts), then what a schema
// cannot say (column numbers, columns a rule names, each layout's edition, the send units' members).
// Used for spec data the app does not ship, and by the tests for the data it does (model.ts trusts
// that at run time, so starting `careplan-link check` loads no zod).
import { parseAtBoundary } from '../boundary.js';
import type { LocalizedText } from '../errors.js';
import { catalogOf, specDataFail as fail, type ColumnSpec, type Edition, type EditionManifest, type LayoutSpec, type SpecCatalog, type SpecFolder } from './model.js';
import { layoutSchema, manifestSchema } from './modelSchemas.js';
import type { z } from 'zod';

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
export function buildCatalog(raw: SpecFolder[]): SpecCatalog {
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
  return catalogOf(editions);
}
