// What the validator works out once per layout, not per file: with thousands of small files, per-file
// work on the spec's layouts was visible, and layouts differ in shape (which optional properties they
// carry), so reading them in the per-file code made it polymorphic and deoptimised it at each new layout.
import { newestEdition, type EditionManifest, type LayoutSpec, type SpecCatalog } from '../spec/model.js';
import { compileColumns } from './fields.js';
import { prepareRules } from './rules.js';

/** What every file of a layout collects for the send-unit checks: it depends on the layout and its edition only. */
export interface FactPlan {
  /** Key column sets, by id ("2|3|5"): the unit links' keys, then the user key; `at` holds the field indexes. */
  keySets: { id: string; cols: number[]; at: number[] }[];
  /** The id of the user key's set. */
  userKeyId: string;
  serviceLines: boolean;
  /** Columns that name other files of the unit (UPKIHON No.62). */
  namedColumns: number[];
}

/** Worked out once per layout, not per file: with thousands of small files it was a visible part of each. */
const factPlans = new WeakMap<LayoutSpec, FactPlan>();

export function factPlan(layout: LayoutSpec, manifest: EditionManifest): FactPlan {
  const known = factPlans.get(layout);
  if (known) return known;
  const prefix = layout.prefix;
  const keySets: FactPlan['keySets'] = [];
  const addKeySet = (cols: number[]) => {
    const id = cols.join('|');
    if (!keySets.some((k) => k.id === id)) keySets.push({ id, cols, at: cols.map((c) => c - 1) });
  };
  for (const u of manifest.sendUnits) {
    for (const l of u.links ?? []) {
      if (l.from === prefix) addKeySet(l.fromKey);
      if (l.to === prefix) addKeySet(l.toKey);
    }
  }
  addKeySet(layout.userKey);
  const namedColumns: number[] = [];
  for (const u of manifest.sendUnits) for (const m of u.members) if (m.namedBy?.prefix === prefix) namedColumns.push(m.namedBy.column);
  const plan = { keySets, userKeyId: layout.userKey.join('|'), serviceLines: layout.serviceLine !== undefined, namedColumns };
  factPlans.set(layout, plan);
  return plan;
}

/** What compile() and chooseEdition() read of a layout, per layout: layouts differ in shape, so reading them per file was a polymorphic load (and a deoptimisation whenever a new shape came). */
export interface LayoutReads {
  /** Field indexes of a service line (user 2, 3, office, code), or none. Shared by the files: only read. */
  serviceAt: number[];
  columnCount: number;
  /** The month column's field index, or -1 when the layout has none. */
  monthIndex: number;
  prefix: string;
  /** The name of column 1 (CSVバージョン), where version findings point. */
  firstColumnName: string;
}

const layoutReads = new WeakMap<LayoutSpec, LayoutReads>();

export function readsOf(layout: LayoutSpec): LayoutReads {
  let reads = layoutReads.get(layout);
  if (!reads) {
    const line = layout.serviceLine;
    reads = {
      serviceAt: line ? [1, 2, line.officeColumn - 1, line.codeColumn - 1] : [],
      columnCount: layout.columnCount,
      monthIndex: layout.monthColumn ? layout.monthColumn - 1 : -1,
      prefix: layout.prefix,
      firstColumnName: layout.columns[0]?.name ?? '',
    };
    layoutReads.set(layout, reads);
  }
  return reads;
}

/** Per catalog, files begun so far, for plain [0] and redacted [1] reports. */
const filesBegun = new WeakMap<SpecCatalog, number[]>();

/**
 * Works out everything per layout (the records above, column checks, rules) for every layout of the
 * catalog, at a catalog's second file: done layout by layout as files came, each new layout made the
 * per-file code, optimised by then, meet new shapes and code paths, so it was thrown away and optimised
 * again, a dozen times in a folder of many small files. Not at the first file: checking one file (the
 * CLI's usual run) compiles only its own layout.
 */
export function prepareCatalog(catalog: SpecCatalog, redact: boolean): void {
  let begun = filesBegun.get(catalog);
  if (!begun) filesBegun.set(catalog, (begun = [0, 0]));
  const i = redact ? 1 : 0;
  if (++begun[i]! !== 2) return;
  const manifest = newestEdition(catalog).manifest;
  for (const edition of catalog.editions) {
    for (const layout of edition.layouts.values()) {
      readsOf(layout);
      factPlan(layout, manifest);
      compileColumns(layout, { manifest, redact });
      prepareRules(manifest, layout);
    }
  }
}

/** Whether a layout's plan is worked out yet (layoutPlans.test.ts: a catalog's first file works out its own layout only). */
export function isPlanned(layout: LayoutSpec): boolean {
  return factPlans.has(layout) && layoutReads.has(layout);
}
