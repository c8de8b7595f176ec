// Findings from the review of the validator, each pinned by a test.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeMs932 } from '../../client/check/ms932.js';
import { loadCatalog } from '../../client/check/specs.js';
import { generateFixtures, toCsv } from '../fixtures/generate.js';
import { sarifUri } from '../report/formatSarif.js';
import { newestEdition } from '../spec/model.js';
import { buildReport, validateBytes } from './index.js';

const catalog = loadCatalog();
const layouts = newestEdition(catalog).layouts;
const gen = generateFixtures(catalog, { month: '202504', users: 2 });
const pick = (kind: string, month?: string) => gen.find((g) => g.kind === kind && (month === undefined || g.name.includes(`_${month}_`)))!;
const opts = { catalog, decoder: decodeMs932 };
const encode = (kind: string, records: string[][]) => iconv.encode(toCsv(layouts.get(kind)!, records), 'cp932');
const codes = (r: ReturnType<typeof validateBytes>) => r.report.errors.map((e) => [e.code, e.row, e.column]);

describe('validator regressions', () => {
  it('byte 0x80 is not an MS932 character', () => {
    const f = pick('UPHOSOKU', '202504');
    const bytes = Buffer.from(encode('UPHOSOKU', f.records!));
    const at = bytes.indexOf(Buffer.from(',"', 'latin1'), bytes.indexOf(0x0a) + 1) + 2;
    const broken = Buffer.concat([bytes.subarray(0, at), Buffer.from([0x80]), bytes.subarray(at)]);
    expect(codes(validateBytes(f.name, broken, opts))).toEqual([['E_ENCODING_INVALID_BYTES', 2, 5]]);
  });

  it('第7表 subtotal and total codes are refused in 第6表', () => {
    const f = pick('UPPLAN');
    const r = f.records!.map((x) => [...x]);
    r[0]![14] = '999999';
    r[1]![14] = '11AAAA';
    expect(codes(validateBytes(f.name, encode('UPPLAN', r), opts))).toEqual([
      ['E_FIELD_PSEUDO_SERVICE_CODE', 1, 15],
      ['E_FIELD_PSEUDO_SERVICE_CODE', 2, 15],
    ]);
  });

  it('第7表: 9999999999 only on the total row, subtotals only for known types', () => {
    const f = pick('UPSIKYU');
    const r = f.records!.map((x) => [...x]);
    r[0]![6] = '9999999999';
    const sub = r.findIndex((x) => x[8] === '11AAAA');
    r[sub]![8] = '99AAAA';
    const result = validateBytes(f.name, encode('UPSIKYU', r), opts);
    // 11 now has two detail rows and no subtotal. Since audit F12 that is an error (「サービスコードが
    // 複数行の場合は必須」), and the hint quotes the reading it rests on.
    expect(codes(result)).toEqual([
      ['E_TABLE7_SUBTOTAL_MISSING', null, null],
      ['E_TABLE7_DETAIL_OFFICE', 1, 7],
      ['E_FIELD_SERVICE_TYPE_UNKNOWN', sub + 1, 9],
    ]);
    const e = result.report.errors.find((x) => x.code === 'E_TABLE7_SUBTOTAL_MISSING')!;
    expect(e.hint).toContain('複数行の場合は必須');
  });

  it('a TAIS code of the wrong shape is a warning, never a length error (its format is uncertain)', () => {
    const f = pick('UPPLAN');
    const r = f.records!.map((x) => [...x]);
    const row = r.findIndex((x) => x[14]!.startsWith('17'));
    r[row]![15] = '00001-00001';
    const result = validateBytes(f.name, encode('UPPLAN', r), opts);
    expect(result.report.errors).toEqual([]);
    expect(result.report.warnings.map((w) => [w.code, w.row, w.column])).toEqual([['W_FIELD_ITEM_CODE_FORMAT', row + 1, 16]]);
  });

  it('--redact masks free text of every kind and insured numbers even when the insurer has a hyphen', () => {
    const f = pick('UPKIHON_SUB2');
    const text = toCsv(layouts.get('UPKIHON_SUB2')!, f.records!).replace('"神田整形外科\u3000田中医師"', '神田整形外科\u3000田中医師');
    const r = validateBytes(f.name, iconv.encode(text, 'cp932'), { ...opts, redact: true });
    expect(r.report.errors.map((e) => e.code)).toEqual(['E_FIELD_FREE_TEXT_UNQUOTED']);
    expect(JSON.stringify(r.report)).not.toContain('田中医師');

    const files = ['UPPLAN', 'UPSIKYU'].map((k) => pick(k)).concat([pick('UPHOSOKU', '202504')]);
    const results = files.map((g) => {
      const recs = g.records!.map((x) => [...x]);
      if (g.kind === 'UPPLAN') recs[0]![1] = '13-101';
      return validateBytes(g.name, encode(g.kind, recs), { ...opts, redact: true });
    });
    const report = buildReport(results, catalog, { units: true, redact: true });
    const json = JSON.stringify(report);
    for (const g of gen.filter((x) => x.kind === 'UPHOSOKU')) for (const rec of g.records!) expect(json).not.toContain(rec[2]!);
    expect(report.units[0]!.errors.some((e) => e.message.includes('13-101-********'))).toBe(true);
  });

  it('the summary counts findings that were left out of the listing', () => {
    const f = pick('DLTPLAN');
    const rows = Array.from({ length: 300 }, (_, i) => ['202407', '131010', String(1000000000 + i), '202599']);
    const r = validateBytes(f.name, encode('DLTPLAN', rows), opts);
    expect(r.report.omitted).toBeGreaterThan(0);
    const report = buildReport([r], catalog, { units: false });
    expect(report.summary.errors).toBe(600);
    expect(report.summary.byCode).toMatchObject({ E_FIELD_MONTH: 300, E_FILE_MONTH_MISMATCH: 300 });
  });

  it('SARIF locations are URI references', () => {
    expect(sarifUri('C:\\介護\\出力 1\\UPPLAN.CSV')).toBe('file:///C:/%E4%BB%8B%E8%AD%B7/%E5%87%BA%E5%8A%9B%201/UPPLAN.CSV');
    expect(sarifUri('/data/a#b/UPPLAN.CSV')).toBe('file:///data/a%23b/UPPLAN.CSV');
    expect(sarifUri('rel dir/x.CSV')).toBe('rel%20dir/x.CSV');
  });
});
