// The exports of all 17 layouts: Table Schemas valid against the vendored Frictionless profile
// (test/profiles/table-schema.json), JSON Schemas valid draft-07, and both agreeing with the validator:
// every record of the valid fixtures passes them, and values the validator refuses fail them.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { decodeMs932 } from '../../../client/check/ms932.js';
import { loadCatalog } from '../../../client/check/specs.js';
import { CsvReader } from '../../validator/csv.js';
import { isValidDate } from '../../validator/calendar.js';
import { newestEdition, type LayoutSpec } from '../model.js';
import { layoutToJsonSchema } from './jsonSchema.js';
import { layoutToTableSchema, type TableSchema, type TableSchemaField } from './tableSchema.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const require = createRequire(import.meta.url);
const layouts = [...newestEdition(loadCatalog()).layouts.values()];
const PROFILE = JSON.parse(readFileSync(join(ROOT, 'test', 'profiles', 'table-schema.json'), 'utf8')) as {
  $schema: string;
  properties: { fields: { items: { anyOf: { properties: { type: { enum: string[] }; constraints?: { properties: Record<string, unknown> } } }[] } } };
};

const ajv = new Ajv({ schemaId: 'auto', allErrors: true });
ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json') as object);
const profile = ajv.compile(PROFILE);

/** Records of a fixture file as the validator reads them: MS932, the spec's CSV framing. */
function records(path: string): string[][] {
  const out: string[][] = [];
  const reader = new CsvReader((r) => out.push(r.fields), () => {});
  const d = decodeMs932();
  reader.push(d.write(readFileSync(path)) + d.end());
  reader.end();
  return out;
}
const VALID = join(ROOT, 'fixtures', 'valid');
const validRecords = (prefix: string) =>
  readdirSync(VALID)
    .filter((f) => f.startsWith(`${prefix}_`) && f.endsWith('.CSV') && !(prefix === 'UPKIHON' && f.startsWith('UPKIHON_SUB')) && !(prefix === 'UPYOBO' && f.startsWith('UPYOBO_SUB')))
    .flatMap((f) => records(join(VALID, f)));

/** Table Schema's meaning of one field for one value (missing values are ""), as a consumer applies it. */
function tableSchemaAccepts(field: TableSchemaField, value: string): boolean {
  const c = field.constraints as { required?: boolean; minLength?: number; maxLength?: number; pattern?: string; enum?: string[]; minimum?: number; maximum?: number };
  if (value === '') return c.required !== true;
  if (field.type === 'integer') {
    if (!/^[+-]?\d+$/.test(value)) return false;
    const n = Number(value);
    return (c.minimum === undefined || n >= c.minimum) && (c.maximum === undefined || n <= c.maximum);
  }
  if (field.type === 'date') return field.format === '%Y%m%d' && isValidDate(value);
  return (
    (c.minLength === undefined || value.length >= c.minLength) &&
    (c.maxLength === undefined || value.length <= c.maxLength) &&
    (c.pattern === undefined || new RegExp(c.pattern).test(value)) &&
    (c.enum === undefined || c.enum.includes(value))
  );
}
const tableAccepts = (schema: TableSchema, record: string[]) => record.length === schema.fields.length && schema.fields.every((f, i) => tableSchemaAccepts(f, record[i]!));

const tables = new Map(layouts.map((l) => [l.prefix, layoutToTableSchema(l, 'careplan-link test')]));
const jsonSchemas = new Map(layouts.map((l) => [l.prefix, layoutToJsonSchema(l, 'careplan-link test')]));
const column = (l: LayoutSpec, name: string) => l.columns.find((c) => c.name === name)!.no - 1;
const layout = (prefix: string) => layouts.find((l) => l.prefix === prefix)!;

describe('specs export --format table-schema', () => {
  it('covers all 17 file types', () => {
    expect(layouts.map((l) => l.prefix).sort()).toHaveLength(17);
  });

  it.each(layouts.map((l) => [l.prefix, l] as const))('%s validates against the Frictionless Table Schema profile', (_prefix, l) => {
    const schema = tables.get(l.prefix)!;
    const ok = profile(schema);
    expect(ok ? [] : profile.errors).toEqual([]);
    expect(schema.fields.map((f) => f.title)).toEqual(l.columns.map((c) => c.name));
    expect(new Set(schema.fields.map((f) => f.name)).size).toBe(l.columnCount);
  });

  it('uses on each field only the constraints the profile lists for its type (the profile itself does not forbid others)', () => {
    const allowed = new Map(PROFILE.properties.fields.items.anyOf.map((a) => [a.properties.type.enum[0]!, Object.keys(a.properties.constraints?.properties ?? {})]));
    for (const schema of tables.values()) for (const f of schema.fields) for (const key of Object.keys(f.constraints)) expect(allowed.get(f.type), `${schema.title} ${f.name} ${key}`).toContain(key);
  });

  it('accepts every record of the valid fixtures', () => {
    for (const l of layouts) {
      const rows = validRecords(l.prefix);
      expect(rows.length, l.prefix).toBeGreaterThan(0);
      for (const r of rows) expect(tableAccepts(tables.get(l.prefix)!, r), `${l.prefix} ${r.join(',')}`).toBe(true);
    }
  });

  it('refuses what the validator calls an error, and takes what it only warns about', () => {
    const plan = layout('UPPLAN');
    const schema = tables.get('UPPLAN')!;
    const good = validRecords('UPPLAN')[0]!;
    const bad = (name: string, value: string) => tableAccepts(schema, Object.assign([...good], { [column(plan, name)]: value }));
    expect(bad('被保険者番号', 'A123456789')).toBe(false);
    expect(bad('サービスコード', '11111')).toBe(false);
    expect(bad('サービス利用日', '20250230')).toBe(false);
    expect(bad('サービス開始時刻', '2400')).toBe(false);
    expect(bad('サービス回数', 'x')).toBe(false);
    expect(bad('３０日超区分', '2')).toBe(false);
    expect(bad('単位数', '-100')).toBe(true);
    expect(bad('サービス終了時刻', '2400')).toBe(true);
    expect(bad('サービス開始時刻', '9999')).toBe(true);
    expect(bad('TAISコード', '00001－000010')).toBe(true);
    const field = schema.fields[column(plan, '単位数')]!;
    expect(field).toMatchObject({ name: '08_単位数', title: '単位数', type: 'integer', constraints: { minimum: -99999, maximum: 999999 } });
  });
});

describe('specs export --format json-schema', () => {
  it.each(layouts.map((l) => [l.prefix, l] as const))('%s is a valid draft-07 schema of one record as an array', (_prefix, l) => {
    const schema = jsonSchemas.get(l.prefix)!;
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
    expect(schema).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'array', minItems: l.columnCount, maxItems: l.columnCount, additionalItems: false });
    expect((schema.items as { title: string }[]).map((i) => i.title)).toEqual(l.columns.map((c) => c.name));
  });

  it('accepts every record of the valid fixtures', () => {
    for (const l of layouts) {
      const validate = ajv.compile(jsonSchemas.get(l.prefix)!);
      for (const r of validRecords(l.prefix)) expect(validate(r) ? [] : validate.errors, `${l.prefix} ${r.join(',')}`).toEqual([]);
    }
  });

  it('refuses a wrong field count, an empty required field and a value the validator refuses', () => {
    const sikyu = layout('UPSIKYU');
    const validate = ajv.compile(jsonSchemas.get('UPSIKYU')!);
    const good = validRecords('UPSIKYU')[0]!;
    const withValue = (name: string, value: string) => Object.assign([...good], { [column(sikyu, name)]: value });
    expect(validate(good)).toBe(true);
    expect(validate(good.slice(1))).toBe(false);
    expect(validate([...good, ''])).toBe(false);
    expect(validate(withValue('サービスコード', ''))).toBe(false);
    expect(validate(withValue('事業所コード', '1234567890'))).toBe(false);
    expect(validate(withValue('単位数単価', '10'))).toBe(false);
    expect(validate(withValue('割引後率', '123456'))).toBe(false);
    expect(validate(withValue('割引後率', ''))).toBe(true);
    expect(validate(withValue('TAISコード', 'not-a-code'))).toBe(true);
  });
});
