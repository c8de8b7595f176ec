// Issue 13: an end time before the start time that is not a plausible midnight crossing warns
// (W_FIELD_TIME_END_BEFORE_START; docs/spec-audit.md G-28). A real crossing, start = end, 9999 and
// blank never do, and the warning never stops a file from being sent.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeMs932 } from '../../client/check/ms932.js';
import { loadCatalog } from '../../client/check/specs.js';
import { generateFixtures, toCsv } from '../fixtures/generate.js';
import { newestEdition } from '../spec/model.js';
import { buildReport, reportHasErrors, validateBytes } from './index.js';

const catalog = loadCatalog();
const layouts = newestEdition(catalog).layouts;
const gen = generateFixtures(catalog, { month: '202504', users: 1 });
const pick = (kind: string) => gen.find((g) => g.kind === kind)!;
const CODE = 'W_FIELD_TIME_END_BEFORE_START';

/** Checks `kind`'s generated file with record `index`'s fields `[startIdx, endIdx]` set to `times`. */
function checkTimes(kind: string, edits: [index: number, startIdx: number, start: string, end: string][], redact = false) {
  const f = pick(kind);
  const records = f.records!.map((r) => [...r]);
  for (const [i, s, start, end] of edits) {
    records[i]![s] = start;
    records[i]![s + 1] = end;
  }
  const bytes = iconv.encode(toCsv(layouts.get(kind)!, records), 'cp932');
  return validateBytes(f.name, bytes, { catalog, decoder: decodeMs932, redact });
}

const ours = (r: ReturnType<typeof checkTimes>) => r.report.warnings.filter((w) => w.code === CODE);

describe('end time before start time', () => {
  it('warns on 14:00〜09:45 in 第6表 予定, in plain Japanese, and the file stays sendable', () => {
    const result = checkTimes('UPPLAN', [[1, 11, '1400', '0945']]);
    expect(result.report.errors).toEqual([]);
    expect(result.report.valid).toBe(true);
    expect(reportHasErrors(buildReport([result], catalog, { units: false }))).toBe(false);
    expect(result.report.warnings.map((w) => [w.code, w.severity, w.row, w.column, w.value])).toEqual([[CODE, 'warning', 2, 13, '0945']]);
    expect(result.report.warnings[0]).toMatchObject({
      field: 'サービス終了時刻',
      message: 'サービス終了時刻がサービス開始時刻より前です（14:00〜09:45）。日付をまたぐとすると19時間45分になります',
      messageEn: 'サービス終了時刻 is earlier than サービス開始時刻 (14:00–09:45); across midnight that would be 19 h 45 min',
      hint: expect.stringContaining('介護ソフト'),
      hintEn: expect.stringContaining('care software'),
    });
  });

  it('warns in 第6表 実績 (UPJSK No.12/13) as well', () => {
    const r = checkTimes('UPJSK', [[0, 11, '1400', '0945']]);
    expect(r.report.errors).toEqual([]);
    expect(ours(r).map((w) => [w.row, w.column])).toEqual([[1, 13]]);
  });

  it('does not warn on a real midnight crossing (22:00〜06:00, 8 hours) or a late visit (23:30〜00:15)', () => {
    const r = checkTimes('UPPLAN', [[0, 11, '2200', '0600'], [1, 11, '2330', '0015']]);
    expect([...r.report.errors, ...r.report.warnings]).toEqual([]);
  });

  it('does not warn when start = end (第3表 example 起床 6:00〜6:00) or when end is after start', () => {
    const r = checkTimes('UPPLAN', [[0, 11, '0930', '0930'], [1, 11, '0000', '2359']]);
    expect([...r.report.errors, ...r.report.warnings]).toEqual([]);
  });

  it('never warns about 9999 (no time) or a 9999 beside a time', () => {
    const r = checkTimes('UPJSK', [[0, 11, '9999', '9999'], [1, 11, '1400', '9999'], [2, 11, '9999', '0945']]);
    expect([...r.report.errors, ...r.report.warnings]).toEqual([]);
  });

  it('takes 12 hours as the limit: 20:00〜08:00 passes, 19:59〜08:00 warns', () => {
    const r = checkTimes('UPPLAN', [[0, 11, '2000', '0800'], [1, 11, '1959', '0800']]);
    expect(r.report.errors).toEqual([]);
    expect(r.report.warnings.map((w) => [w.code, w.row])).toEqual([[CODE, 2]]);
    expect(r.report.warnings[0]!.message).toContain('12時間1分');
  });

  it('leaves malformed times to E_FIELD_TIME, and an end of 2400 to its own warning', () => {
    const r = checkTimes('UPPLAN', [[0, 11, '2400', '0945'], [1, 11, '1400', '0960'], [2, 11, '1400', '2400']]);
    expect(r.report.errors.map((e) => [e.code, e.row, e.column])).toEqual([
      ['E_FIELD_TIME', 1, 12],
      ['E_FIELD_TIME', 2, 13],
    ]);
    expect(r.report.warnings.map((w) => [w.code, w.row, w.column])).toEqual([['W_FIELD_VALUE_UNCERTAIN', 3, 13]]);
  });

  it('warns in 第3表 for a weekly service (No.8/9) and a daily activity (No.11/12), not for blanks or a night’s sleep', () => {
    const f = pick('UP3KYO');
    // Generated rows: 0 訪問介護 09:00〜09:30, 1 通所介護 09:30〜16:30, 2 起床 06:30〜06:30, 3 福祉用具 (no times).
    expect(f.records!.map((x) => [x[7], x[8], x[10], x[11]])).toEqual([
      ['0900', '0930', '', ''],
      ['0930', '1630', '', ''],
      ['', '', '0630', '0630'],
      ['', '', '', ''],
    ]);
    const r = checkTimes('UP3KYO', [[0, 7, '2200', '0600'], [2, 10, '2100', '0600']]);
    expect([...r.report.errors, ...r.report.warnings]).toEqual([]);
    const bad = checkTimes('UP3KYO', [[1, 7, '1630', '0930'], [2, 10, '0700', '0630']]);
    expect(bad.report.errors).toEqual([]);
    expect(bad.report.warnings.map((w) => [w.code, w.row, w.column, w.field])).toEqual([
      [CODE, 2, 9, '終了時間'],
      [CODE, 3, 12, '終了時間'],
    ]);
    expect(bad.report.warnings[0]!.message).toBe('終了時間が開始時間より前です（16:30〜09:30）。日付をまたぐとすると17時間になります');
  });

  it('says the same under --redact (times are not personal)', () => {
    const r = checkTimes('UPPLAN', [[1, 11, '1400', '0945']], true);
    expect(ours(r).map((w) => [w.value, w.message])).toEqual([['0945', expect.stringContaining('14:00〜09:45')]]);
  });

  it('the generated sample month has no such times', () => {
    for (const g of generateFixtures(catalog, { month: '202504', users: 3 })) {
      if (g.text === null) continue;
      const r = validateBytes(g.name, iconv.encode(g.text, 'cp932'), { catalog, decoder: decodeMs932 });
      expect(ours(r), g.name).toEqual([]);
    }
  });
});
