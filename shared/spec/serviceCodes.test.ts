import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CSV_HEADER, masterFromCsv, masterFromJson, masterFromText, masterToCsv, ServiceCodeMasterError, serviceCodeMasterSchema } from './serviceCodes.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SAMPLES = join(ROOT, 'specs', 'samples');
const sampleJson = readFileSync(join(SAMPLES, 'service-codes.sample.json'), 'utf8');
const sampleCsv = readFileSync(join(SAMPLES, 'service-codes.sample.csv'), 'utf8');

/** The message of the error a load throws (Japanese / English), or '' when it loads. */
function problem(load: () => unknown): string {
  try {
    load();
    return '';
  } catch (e) {
    expect(e).toBeInstanceOf(ServiceCodeMasterError);
    return (e as Error).message;
  }
}

const csv = (...lines: string[]) => lines.join('\r\n') + '\r\n';

describe('the sample master (specs/samples)', () => {
  it('is marked as made up, in the file and in every name', () => {
    const json = JSON.parse(sampleJson) as { sample: boolean; $comment: string; codes: { name: string }[] };
    expect(json.sample).toBe(true);
    expect(json.$comment).toContain('架空');
    for (const c of json.codes) expect(c.name).toContain('（架空）');
  });

  it('says the same in its JSON and CSV forms', () => {
    const fromJson = masterFromText(sampleJson, 'sample.json');
    const fromCsv = masterFromText(sampleCsv, 'sample.csv');
    expect(fromCsv.entries).toEqual(fromJson.entries);
    expect(fromJson.entries.length).toBe(9);
    expect(fromJson.name).toBe('サンプル（架空）サービスコード表 / made-up sample master');
    expect(fromCsv.name).toBe('sample.csv');
  });

  it('is valid against the published JSON Schema it points to', () => {
    const json = JSON.parse(sampleJson) as { $schema: string };
    expect(join(SAMPLES, json.$schema)).toBe(join(ROOT, 'schemas', 'service-code-master.schema.json'));
    const published = z.fromJSONSchema(JSON.parse(readFileSync(join(ROOT, 'schemas', 'service-code-master.schema.json'), 'utf8')) as Parameters<typeof z.fromJSONSchema>[0]);
    expect(published.safeParse(json).success).toBe(true);
    expect(published.safeParse({ codes: [{ code: '111111', name: 'x', limt: true }] }).success).toBe(false);
  });

  it('writes back to the same CSV (header, flags, quoting, CRLF)', () => {
    const master = masterFromText(sampleJson, 'sample.json');
    expect(masterToCsv(master.entries)).toBe(sampleCsv);
    expect(sampleCsv.split('\r\n')[0]).toBe(CSV_HEADER.join(','));
  });
});

describe('lookups', () => {
  const master = masterFromText(sampleJson, 'sample.json');

  it('finds a code with its name, units and flags', () => {
    expect(master.find('311111')).toMatchObject({ units: 500, limit: false });
    expect(master.find('171001')).toMatchObject({ limit: true, welfareEquipment: true });
    expect(master.label('111111')).toBe('111111 サンプル訪問介護Ａ（架空）');
    expect(master.find('119999')).toBeUndefined();
    expect(master.coversType('11')).toBe(true);
    expect(master.coversType('16')).toBe(false);
  });

  it('applies an entry only in its months and for its insurer', () => {
    expect(master.find('A2X001', { month: '202404', insurer: '131010' })).toBeDefined();
    expect(master.find('A2X001', { month: '202403', insurer: '131010' })).toBeUndefined();
    expect(master.find('A2X001', { month: '202504', insurer: '131011' })).toBeUndefined();
    // Where the record does not say, the entry is not ruled out.
    expect(master.find('A2X001', {})).toBeDefined();
  });

  it("prefers an insurer's own entry to the general one", () => {
    const m = masterFromCsv(csv('サービスコード,サービス名称,保険者番号', 'A21111,一般,', 'A21111,独自,131010'), 'm.csv');
    expect(m.find('A21111', { insurer: '131010' })!.name).toBe('独自');
    expect(m.find('A21111', { insurer: '999999' })!.name).toBe('一般');
  });
});

describe('the CSV form', () => {
  it("reads the official table's two code columns (種類 + 項目), English headers, MS932-safe text and quotes", () => {
    const m = masterFromCsv(csv('種類,項目,サービス内容略称,合成単位数', '11,1111,"身体介護1, 朝",244'), 'm.csv');
    expect(m.entries).toEqual([{ code: '111111', name: '身体介護1, 朝', units: 244 }]);
    const en = masterFromCsv(csv('code,name,units,limit,welfareEquipment,from,to', '171001,x,-5,0,1,202404,202503'), 'm.csv');
    expect(en.entries[0]).toEqual({ code: '171001', name: 'x', units: -5, limit: false, welfareEquipment: true, from: '202404', to: '202503' });
  });

  it('skips empty rows and takes a UTF-8 BOM', () => {
    expect(masterFromText(`\uFEFF${csv('サービスコード,サービス名称', '111111,a', ',', '112111,b')}`, 'm.csv').entries.length).toBe(2);
  });

  it('refuses what it cannot read, naming the file, the line and the column', () => {
    expect(problem(() => masterFromCsv(csv('サービスコード,サービス名,単位数', '111111,a,1'), 'm.csv'))).toContain('見出し「サービス名」は知らない列です');
    expect(problem(() => masterFromCsv(csv('サービスコード,単位数', '111111,1'), 'm.csv'))).toContain('サービス名称');
    expect(problem(() => masterFromCsv(csv('サービスコード,サービス名称,区分支給限度', '111111,a,はい'), 'm.csv'))).toContain('m.csv 2 行目: 区分支給限度は 1・0・空のどれかです: はい');
    expect(problem(() => masterFromCsv(csv('サービスコード,サービス名称,単位数', '111111,a,12.5'), 'm.csv'))).toContain('単位数が整数ではありません: 12.5');
    expect(problem(() => masterFromCsv(csv('サービスコード,サービス名称', '11AAAA,a'), 'm.csv'))).toContain('m.csv 2 行目: サービスコードが正しくありません');
    expect(problem(() => masterFromCsv(csv('サービスコード,サービス名称', '11111,a'), 'm.csv'))).toContain('service-code master m.csv line 2: code: Invalid string');
    expect(problem(() => masterFromCsv(csv('サービスコード,サービス名称,福祉用具貸与', '111111,a,1'), 'm.csv'))).toContain('welfareEquipment is only for codes of type 17 or 67');
    expect(problem(() => masterFromCsv(csv('サービスコード,サービス名称,適用開始年月,適用終了年月', '111111,a,202504,202503'), 'm.csv'))).toContain('適用終了年月が正しくありません（from is after to）');
    expect(problem(() => masterFromCsv(csv('サービスコード,サービス名称'), 'm.csv'))).toContain('コードが1件もありません');
    expect(problem(() => masterFromCsv(csv('サービスコード,サービス名称', '111111,"a'), 'm.csv'))).toContain('CSV の 2 行目の " の使い方が正しくありません');
    expect(problem(() => masterFromCsv(csv('サービスコード,サービス名称,code', '111111,a,1'), 'm.csv'))).toContain('2つあります');
  });

  it('refuses a code listed twice for overlapping months of the same insurer, and takes it for separate ones', () => {
    expect(problem(() => masterFromCsv(csv('サービスコード,サービス名称,適用開始年月', '111111,a,202404', '111111,b,202406'), 'm.csv'))).toContain('111111 が同じ年月・保険者に2回あります');
    const m = masterFromCsv(csv('サービスコード,サービス名称,適用開始年月,適用終了年月', '111111,旧,202404,202405', '111111,新,202406,'), 'm.csv');
    expect(m.find('111111', { month: '202405' })!.name).toBe('旧');
    expect(m.find('111111', { month: '202406' })!.name).toBe('新');
  });
});

describe('the JSON form', () => {
  it('is strict: a misspelt key or a bad value is named by its path', () => {
    expect(problem(() => masterFromJson({ codes: [{ code: '111111', name: 'a', limt: true }] }, 'm.json'))).toContain('m.json: codes.0: Unrecognized key: "limt"');
    expect(problem(() => masterFromJson({ codes: [{ code: '111111', name: 'a', units: 1.5 }] }, 'm.json'))).toContain('codes.0.units');
    expect(problem(() => masterFromJson({ codes: [] }, 'm.json'))).toContain('codes');
    expect(problem(() => masterFromText('{ "codes": [', 'm.json'))).toContain('JSON として読めません');
    expect(serviceCodeMasterSchema.safeParse({ codes: [{ code: '111111', name: 'a', limit: null, units: null }] }).success).toBe(true);
  });
});
