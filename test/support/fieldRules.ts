// Helpers of the field-rule tests (shared/validator/fields.test.ts and fileNameRules.test.ts): generated
// valid files to change one column of, and the findings reduced to the shape the tables compare. Here
// under test/, not in shared/, because they load the catalog and the decoder from client/check.
import { decodeMs932, encodeMs932 } from '../../client/check/ms932.js';
import { loadCatalog } from '../../client/check/specs.js';
import type { Finding, FileReport } from '../../shared/report/types.js';
import { generateFixtures } from '../../shared/fixtures/generate.js';
import { newestEdition, type LayoutSpec } from '../../shared/spec/model.js';
import { CsvReader } from '../../shared/validator/csv.js';
import { validateBytes } from '../../shared/validator/index.js';

export const catalog = loadCatalog();
export const edition = newestEdition(catalog);
export const layout = (prefix: string): LayoutSpec => edition.layouts.get(prefix)!;

// ── building files ───────────────────────────────────────────────────────────────────────
export interface Rec {
  fields: string[];
  quoted: boolean[];
}

export interface Sample {
  kind: string;
  name: string;
  records: Rec[];
}

export function readRecords(text: string): Rec[] {
  const out: Rec[] = [];
  const reader = new CsvReader(
    (r) => out.push({ fields: r.fields, quoted: r.quoted }),
    (i) => {
      throw new Error(`generated text has a CSV issue: ${JSON.stringify(i)}`);
    },
  );
  reader.push(text);
  reader.end();
  return out;
}

export const generatedByMonth = new Map<string, ReturnType<typeof generateFixtures>>();

/**
 * A generated file of this kind. Record 1 gets a line break inside its first non-empty free-text
 * field, so from record 2 on the physical line is row + 1 and a mix-up of the two shows.
 */
export function sample(kind: string, opts: { month?: string; nameMonth?: string } = {}): Sample {
  const month = opts.month ?? '202504';
  let files = generatedByMonth.get(month);
  if (!files) {
    files = generateFixtures(catalog, { month, users: 2 });
    generatedByMonth.set(month, files);
  }
  const f = files.find((x) => x.kind === kind && (opts.nameMonth === undefined || x.name.startsWith(`${kind}_${opts.nameMonth}_`)))!;
  const records = readRecords(f.text!);
  const cols = layout(kind).columns;
  const first = records[0]!;
  const i = first.fields.findIndex((v, k) => cols[k]!.type === 'freeText' && v.length >= 2);
  if (i < 0) throw new Error(`${kind}: no free text in record 1`);
  const v = first.fields[i]!;
  first.fields[i] = `${v.slice(0, 1)}\r\n${v.slice(1)}`;
  return { kind, name: f.name, records };
}

export const lineOf = (row: number) => (row === 1 ? 1 : row + 1);

export function serialize(records: Rec[]): string {
  return records.map((r) => r.fields.map((v, i) => (r.quoted[i] ? `"${v.replace(/"/g, '""')}"` : v)).join(',')).join('\r\n') + '\r\n';
}

export function change(records: Rec[], row: number | 'all', column: number, value: string, quoted?: boolean): Rec[] {
  return records.map((r, i) => {
    if (row !== 'all' && i !== row - 1) return r;
    const fields = [...r.fields];
    const q = [...r.quoted];
    fields[column - 1] = value;
    if (quoted !== undefined) q[column - 1] = quoted;
    return { fields, quoted: q };
  });
}

export const concat = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => Array.from(p)));

export function check(name: string, bytes: Uint8Array, redact = false): FileReport {
  return validateBytes(name, bytes, { catalog, decoder: decodeMs932, redact }).report;
}

export const checkText = (name: string, text: string, redact = false) => check(name, encodeMs932(text), redact);

export interface Shape {
  code: string;
  row: number | null;
  line: number | null;
  column: number | null;
  field: string | null;
  value?: string;
}

export const shape = (f: Finding): Shape => {
  const s: Shape = { code: f.code, row: f.row, line: f.line, column: f.column, field: f.field };
  if (f.value !== undefined) s.value = f.value;
  return s;
};

export function at(kind: string, code: string, row: number, column: number, value?: string): Shape {
  const s: Shape = { code, row, line: lineOf(row), column, field: layout(kind).columns[column - 1]!.name };
  if (value !== undefined) s.value = value;
  return s;
}
