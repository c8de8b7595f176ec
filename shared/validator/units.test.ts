import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeMs932 } from '../../client/check/ms932.js';
import { loadCatalog } from '../../client/check/specs.js';
import { generateFixtures, toCsv, type GeneratedFile } from '../fixtures/generate.js';
import { newestEdition } from '../spec/model.js';
import { buildReport, validateBytes } from './index.js';

const catalog = loadCatalog();
const layouts = newestEdition(catalog).layouts;
const opts = { catalog, decoder: decodeMs932 };
const gen = generateFixtures(catalog, { month: '202504', users: 2 });
const pick = (kind: string, month?: string) => gen.find((g) => g.kind === kind && (month === undefined || g.name.includes(`_${month}_`)))!;
const bytes = (f: GeneratedFile, records = f.records!) => iconv.encode(toCsv(layouts.get(f.kind)!, records), 'cp932');
const run = (files: { name: string; data: Uint8Array }[]) =>
  buildReport(files.map((f) => validateBytes(f.name, f.data, opts)), catalog, { units: true });
const unitCodes = (files: { name: string; data: Uint8Array }[]) => {
  const r = run(files);
  expect(r.units.length).toBe(1);
  return { errors: r.units[0]!.errors.map((e) => e.code), warnings: r.units[0]!.warnings.map((w) => w.code), unit: r.units[0]! };
};

describe('send units', () => {
  const plan = pick('UPPLAN');
  const table7 = pick('UPSIKYU');
  const hosoku = pick('UPHOSOKU', '202504');

  it('accepts a complete service-ticket unit and names its kind and month', () => {
    const { errors, unit } = unitCodes([plan, table7, hosoku].map((f) => ({ name: f.name, data: bytes(f) })));
    expect(errors).toEqual([]);
    expect(unit).toMatchObject({ kind: 'ticket', serviceMonth: '202504', sequence: '20250425120002', valid: true });
  });

  it('reports two files of one kind and months that differ', () => {
    const other = { name: plan.name.replace('_202504_', '_202505_'), data: bytes(plan, plan.records!.map((r) => [...r.slice(0, 4), '202505', ...r.slice(5, 9), r[9]!.replace('202504', '202505'), ...r.slice(10)])) };
    const { errors } = unitCodes([plan, table7, hosoku].map((f) => ({ name: f.name, data: bytes(f) })).concat([other]));
    expect(errors).toContain('E_UNIT_DUPLICATE_FILE');
    expect(errors).toContain('E_UNIT_MONTH_MISMATCH');
  });

  it('marks the unit invalid when one of its files has errors', () => {
    const broken = plan.records!.map((r) => [...r]);
    broken[0]![11] = '2500';
    const { errors } = unitCodes([{ name: plan.name, data: bytes(plan, broken) }, ...[table7, hosoku].map((f) => ({ name: f.name, data: bytes(f) }))]);
    expect(errors).toEqual(['E_UNIT_INVALID_MEMBER']);
  });

  it('warns when 第6表 has a service code that 第7表 lacks', () => {
    const lacking = table7.records!.filter((r) => r[8] !== '151111');
    const { errors, warnings } = unitCodes([plan, hosoku].map((f) => ({ name: f.name, data: bytes(f) })).concat([{ name: table7.name, data: bytes(table7, lacking) }]));
    expect(errors).toEqual([]);
    expect(warnings.filter((w) => w === 'W_UNIT_PLAN_CODE_NOT_IN_TABLE7').length).toBe(2);
  });

  it('checks that a plan unit describes the same users in 第1表 and 第2表', () => {
    const up1 = pick('UP1KYO');
    const up2 = pick('UP2KYO');
    const up3 = pick('UP3KYO');
    const h0 = pick('UPHOSOKU', '000000');
    const stranger = up2.records!.map((r) => [...r]);
    stranger[0]![2] = '9999999999';
    const r = unitCodes([up1, up3, h0].map((f) => ({ name: f.name, data: bytes(f) })).concat([{ name: up2.name, data: bytes(up2, stranger) }]));
    expect(r.errors).toEqual(['E_UNIT_USER_MISSING']);
    expect(r.unit.errors[0]!.message).toContain('9999999999');
  });

  it('needs the parent of a 介護予防 annex file', () => {
    const sub = pick('UPYOBO_SUB');
    const { errors } = unitCodes([{ name: sub.name, data: bytes(sub) }]);
    expect(errors.sort()).toEqual(['E_UNIT_MISSING_FILE', 'E_UNIT_REQUIRES']);
  });

  it('treats UPHOSOKU 000000 as a plan-unit file, not a ticket-unit file', () => {
    const h0 = pick('UPHOSOKU', '000000');
    const renamed = { name: h0.name.replace(/_\d{14}\.CSV$/, `_${plan.name.slice(-18, -4)}.CSV`), data: bytes(h0) };
    const { errors } = unitCodes([plan, table7].map((f) => ({ name: f.name, data: bytes(f) })).concat([renamed]));
    expect(errors).toContain('E_UNIT_UNEXPECTED_FILE');
    expect(errors).toContain('E_UNIT_MISSING_FILE');
  });

  it('judges a single file alone when units are not asked for', () => {
    const r = buildReport([validateBytes(plan.name, bytes(plan), opts)], catalog, { units: false });
    expect(r.units).toEqual([]);
    expect(r.summary.invalidUnits).toBe(0);
  });
});
