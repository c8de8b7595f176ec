// The rules that need a service-code master, run with the made-up sample master (specs/samples).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeMs932 } from '../../client/check/ms932.js';
import { loadCatalog } from '../../client/check/specs.js';
import { generateFixtures, toCsv } from '../fixtures/generate.js';
import { newestEdition } from '../spec/model.js';
import { masterFromCsv, masterFromText } from '../spec/serviceCodes.js';
import { validateBytes } from './index.js';
import { nameUnitServices } from './serviceCodeRules.js';
import type { UnitReport } from '../report/types.js';
import { makeFinding } from './findings.js';

const catalog = loadCatalog();
const layouts = newestEdition(catalog).layouts;
const gen = generateFixtures(catalog, { month: '202504', users: 2 });
const pick = (kind: string) => gen.find((g) => g.kind === kind && g.records)!;
const sample = masterFromText(readFileSync(join(import.meta.dirname, '..', '..', 'specs', 'samples', 'service-codes.sample.json'), 'utf8'), 'sample.json');
const encode = (kind: string, records: string[][]) => iconv.encode(toCsv(layouts.get(kind)!, records), 'cp932');
const copy = (kind: string) => pick(kind).records!.map((r) => [...r]);
type Master = typeof sample;
const check = (kind: string, records: string[][], master?: Master, redact = false) =>
  validateBytes(pick(kind).name, encode(kind, records), { catalog, decoder: decodeMs932, redact, ...(master ? { serviceCodes: master } : {}) }).report;
const found = (r: ReturnType<typeof check>) => [...r.errors, ...r.warnings].map((f) => [f.code, f.row, f.column]);

// UPSIKYU columns (0-based): 8 = No.9 サービスコード, 17 = No.18 給付管理単位数.
const CODE = 8;
const LIMIT_UNITS = 17;

describe('without a master nothing changes', () => {
  it('the generated files pass as before, and with the sample master too', () => {
    for (const kind of ['UPPLAN', 'UPJSK', 'UPSIKYU']) {
      expect(found(check(kind, copy(kind))), kind).toEqual([]);
      expect(found(check(kind, copy(kind), sample)), kind).toEqual([]);
    }
  });

  it('an unknown code or a filled No.18 outside the limit raises nothing without a master', () => {
    const plan = copy('UPPLAN');
    plan[0]![14] = '119999';
    expect(found(check('UPPLAN', plan))).toEqual([]);
    const t7 = withMedicalRows(copy('UPSIKYU'), '500');
    expect(found(check('UPSIKYU', t7)).map(([code]) => code)).toEqual(['W_TABLE7_SUBTOTAL_MISSING']);
  });
});

/** The first user's 第7表 gets two 居宅療養管理指導 rows (311111, 312111), No.18 as given. */
function withMedicalRows(records: string[][], limitUnits: string): string[][] {
  const detail = records.findIndex((r) => r[CODE] === '151111');
  const rows = ['311111', '312111'].map((code) => Object.assign([...records[detail]!], { [CODE]: code, [LIMIT_UNITS]: limitUnits }));
  records.splice(detail + 1, 0, ...rows);
  return records;
}

describe('unknown service codes (W_FIELD_SERVICE_CODE_UNKNOWN)', () => {
  it('warns for a well-formed code of a type the master lists, in 第6表 and 第7表', () => {
    const plan = copy('UPPLAN');
    plan[0]![14] = '119999';
    const report = check('UPPLAN', plan, sample);
    expect(found(report)).toEqual([['W_FIELD_SERVICE_CODE_UNKNOWN', 1, 15]]);
    expect(report.valid).toBe(true);
    const w = report.warnings[0]!;
    expect(w.message).toBe('サービスコード 119999 はサービスコード表（サンプル（架空）サービスコード表 / made-up sample master）にありません');
    expect(w.hint).toContain('11 訪問介護のコードがあります');
    expect(w.hintEn).toContain('11 Home help');
    const t7 = copy('UPSIKYU');
    t7[0]![CODE] = '119999';
    expect(found(check('UPSIKYU', t7, sample))).toContainEqual(['W_FIELD_SERVICE_CODE_UNKNOWN', 1, 9]);
  });

  it('leaves alone codes of types the master does not list, malformed codes and subtotal rows', () => {
    const plan = copy('UPPLAN');
    plan[0]![14] = '161111';
    expect(found(check('UPPLAN', plan, sample))).toEqual([]);
    const t7 = copy('UPSIKYU');
    expect(t7.some((r) => r[CODE] === '11AAAA' || r[CODE] === '999999')).toBe(true);
    expect(found(check('UPSIKYU', t7, sample))).toEqual([]);
  });

  it("judges a code by the record's month: an entry that starts later does not count", () => {
    const m = masterFromCsv('サービスコード,サービス名称,適用開始年月\r\n111111,新しい表の名前,202506\r\n112111,b,\r\n151111,c,\r\n171001,d,\r\n', 'm.csv');
    expect(found(check('UPPLAN', copy('UPPLAN'), m)).every(([code]) => code === 'W_FIELD_SERVICE_CODE_UNKNOWN')).toBe(true);
    expect(found(check('UPPLAN', copy('UPPLAN'), m)).length).toBeGreaterThan(0);
  });
});

describe('第7表 No.18 給付管理単位数 outside the 区分支給限度 (E_TABLE7_LIMIT_UNITS_NOT_EMPTY)', () => {
  it('is an error when the master puts the code outside the limit, naming code and name', () => {
    const report = check('UPSIKYU', withMedicalRows(copy('UPSIKYU'), '500'), sample);
    const errors = report.errors.filter((e) => e.code === 'E_TABLE7_LIMIT_UNITS_NOT_EMPTY');
    expect(errors.map((e) => [e.row, e.column, e.field])).toEqual([
      [5, 18, '給付管理単位数'],
      [6, 18, '給付管理単位数'],
    ]);
    expect(errors[0]!.message).toBe('サービスコード 311111（サンプル居宅療養管理指導Ａ（架空））は区分支給限度の対象外なので、給付管理単位数は空にします: 500');
    expect(errors[0]!.hint).toContain('区分支給限度外のサービスの場合はNull（空） 固定');
  });

  it('stays quiet when No.18 is empty, or the code counts toward the limit, or the master does not know', () => {
    expect(check('UPSIKYU', withMedicalRows(copy('UPSIKYU'), ''), sample).errors).toEqual([]);
    const t7 = copy('UPSIKYU');
    t7[0]![LIMIT_UNITS] = '244';
    expect(found(check('UPSIKYU', t7, sample))).toEqual([]);
    const unknown = masterFromCsv('サービスコード,サービス名称,区分支給限度\r\n311111,a,\r\n312111,b,\r\n', 'm.csv');
    expect(check('UPSIKYU', withMedicalRows(copy('UPSIKYU'), '500'), unknown).errors).toEqual([]);
  });
});

describe('the 区分支給対象 subtotal by the master (E_TABLE7_LIMIT_SUBTOTAL_MISSING)', () => {
  const within = masterFromCsv('サービスコード,サービス名称,区分支給限度\r\n311111,a,1\r\n312111,b,1\r\n', 'within.csv');

  it("turns the 31/34 warning into an error when the master puts 2+ of the type's rows within the limit", () => {
    const report = check('UPSIKYU', withMedicalRows(copy('UPSIKYU'), ''), within);
    expect(report.warnings.map((w) => w.code)).toEqual(['W_TABLE7_SUBTOTAL_MISSING']);
    expect(report.errors.map((e) => [e.code, e.line])).toEqual([['E_TABLE7_LIMIT_SUBTOTAL_MISSING', 1]]);
    expect(report.errors[0]!.message).toMatch(/^利用者 \d{6}-\d{10} のサービス種類 31 には区分支給限度の対象となる明細が2行ありますが、小計行（31AAAA）がありません$/);
    expect(report.errors[0]!.hint).toContain('within.csv');
  });

  it('masks the insured number under --redact', () => {
    const e = check('UPSIKYU', withMedicalRows(copy('UPSIKYU'), ''), within, true).errors[0]!;
    expect(e.message).toMatch(/利用者 \d{6}-\*{8}\d{2} /);
  });

  it('is not raised when the rows lie outside the limit, or a 31AAAA row is there', () => {
    expect(check('UPSIKYU', withMedicalRows(copy('UPSIKYU'), ''), sample).errors).toEqual([]);
    const t7 = withMedicalRows(copy('UPSIKYU'), '');
    const at = t7.findIndex((r) => r[CODE] === '312111');
    t7.splice(at + 1, 0, Object.assign([...t7.find((r) => r[CODE] === '11AAAA')!], { [CODE]: '31AAAA' }));
    expect(found(check('UPSIKYU', t7, within))).toEqual([]);
  });

  it('adds nothing where rules.ts already calls the missing subtotal an error (11 without 11AAAA)', () => {
    const t7 = copy('UPSIKYU').filter((r) => r[CODE] !== '11AAAA');
    expect(check('UPSIKYU', t7, sample).errors.map((e) => e.code)).toEqual(['E_TABLE7_SUBTOTAL_MISSING', 'E_TABLE7_SUBTOTAL_MISSING']);
  });
});

describe('service names beside codes (Finding.service)', () => {
  it('every finding on a record with a known code carries the code and its name', () => {
    const plan = copy('UPPLAN');
    plan[0]![13] = 'x';
    plan[0]![7] = 'y';
    const report = check('UPPLAN', plan, sample);
    expect(report.errors.map((e) => [e.column, e.service])).toEqual([
      [8, `${plan[0]![14]} ${sample.find(plan[0]![14]!)!.name}`],
      [14, `${plan[0]![14]} ${sample.find(plan[0]![14]!)!.name}`],
    ]);
    expect(check('UPPLAN', plan).errors.every((e) => e.service === undefined)).toBe(true);
  });
});

describe('nameUnitServices', () => {
  it('names the service code a unit finding is about, and leaves other values alone', () => {
    const about = makeFinding('W_UNIT_PLAN_CODE_NOT_IN_TABLE7', {}, { user: 'x', office: '1310000029', value: '151111' });
    const other = makeFinding('E_UNIT_MISSING_FILE', {}, { value: 'UPSIKY' });
    const unit = { errors: [other], warnings: [about], serviceMonth: '202504' } as unknown as UnitReport;
    nameUnitServices([unit], sample);
    expect(about.service).toBe('151111 サンプル通所介護（架空）');
    expect(other.service).toBeUndefined();
  });
});
