// Table-driven tests of the field, file and encoding rules through validateBytes: start from a
// valid file made by the fixture generator, change ONE column of one record (or of every record,
// where the rule is about the whole file) and expect exactly the findings that change causes.
// The file-name rules are in fileNameRules.test.ts; the helpers in test/support/fieldRules.ts.
import { describe, expect, it } from 'vitest';
import { encodeMs932 } from '../../client/check/ms932.js';
import { at, change, check, checkText, concat, sample, serialize, shape, type Rec, type Shape } from '../../test/support/fieldRules.js';

describe('base samples', () => {
  it.each([
    ['UPPLAN', {}],
    ['UPPLAN', { month: '202506' }],
    ['UPPLAN', { month: '202602' }],
    ['UPPLAN', { month: '202802' }],
    ['UPHOSOKU', { nameMonth: '000000' }],
    ['UPHOSOKU', { nameMonth: '202504' }],
    ['UPSIKYU', {}],
    ['UP2KYO', {}],
    ['UP3KYO', {}],
  ] as const)('%s %o is valid with no findings', (kind, opts) => {
    const s = sample(kind, opts);
    const r = checkText(s.name, serialize(s.records));
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.stats.records).toBe(s.records.length);
    expect(r.stats.lines).toBe(s.records.length + 1);
  });
});

// ── one column changed ───────────────────────────────────────────────────────────────────
/** A finding of the case's own kind (see `at`). */
type AtKind = (code: string, row: number, column: number, value?: string) => Shape;

interface Case {
  title: string;
  kind: string;
  month?: string;
  nameMonth?: string;
  /** 1-based record to change, a predicate picking it, or every record. */
  row: number | 'all' | ((r: Rec) => boolean);
  column: number;
  value: string;
  quoted?: boolean;
  /** Expected findings, given the row that was changed and `at` for findings in this case's kind. */
  errors: (row: number, at: AtKind) => Shape[];
  warnings?: (row: number, at: AtKind) => Shape[];
}

const flags = (day: number, ch = '1') => '0'.repeat(day - 1) + ch + '0'.repeat(31 - day);

const CASES: Case[] = [
  // dates, months, times
  { title: 'UPPLAN サービス利用日 20250230 is not a date', kind: 'UPPLAN', row: 2, column: 10, value: '20250230', errors: (r, at) => [at('E_FIELD_DATE', r, 10, '20250230')] },
  { title: 'UPPLAN 作成年月日 20250230 is not a date', kind: 'UPPLAN', row: 3, column: 4, value: '20250230', errors: (r, at) => [at('E_FIELD_DATE', r, 4, '20250230')] },
  { title: 'UPPLAN 作成年月日 20240229 (leap day) is a date', kind: 'UPPLAN', row: 3, column: 4, value: '20240229', errors: () => [] },
  { title: 'UPPLAN サービス利用日 in another month', kind: 'UPPLAN', row: 2, column: 10, value: '20250501', errors: (r, at) => [at('E_FIELD_DATE_OUTSIDE_MONTH', r, 10, '20250501')] },
  { title: 'UPPLAN 対象年月 202513 is not a month (and not the file month)', kind: 'UPPLAN', row: 2, column: 5, value: '202513', errors: (r, at) => [at('E_FIELD_MONTH', r, 5, '202513'), at('E_FILE_MONTH_MISMATCH', r, 5, '202513')] },
  { title: 'UPPLAN サービス開始時刻 2400', kind: 'UPPLAN', row: 2, column: 12, value: '2400', errors: (r, at) => [at('E_FIELD_TIME', r, 12, '2400')] },
  { title: 'UPPLAN サービス終了時刻 1260', kind: 'UPPLAN', row: 2, column: 13, value: '1260', errors: (r, at) => [at('E_FIELD_TIME', r, 13, '1260')] },
  { title: 'UPPLAN サービス開始時刻 9999 (no time) is allowed', kind: 'UPPLAN', row: 2, column: 12, value: '9999', errors: () => [] },
  { title: 'UPPLAN サービス終了時刻 9999 (no time) is allowed', kind: 'UPPLAN', row: 2, column: 13, value: '9999', errors: () => [] },
  { title: 'UPPLAN サービス開始時刻 0000 is a time', kind: 'UPPLAN', row: 2, column: 12, value: '0000', errors: () => [] },
  { title: 'UP3KYO 開始時間 2400', kind: 'UP3KYO', row: 2, column: 8, value: '2400', errors: (r, at) => [at('E_FIELD_TIME', r, 8, '2400')] },
  { title: 'UP2KYO 居宅サービス計画作成（変更）日 20250230', kind: 'UP2KYO', row: 2, column: 5, value: '20250230', errors: (r, at) => [at('E_FIELD_DATE', r, 5, '20250230')] },
  { title: 'UPHOSOKU 利用者生年月日 20250230', kind: 'UPHOSOKU', nameMonth: '202504', row: 2, column: 8, value: '20250230', errors: (r, at) => [at('E_FIELD_DATE', r, 8, '20250230')] },

  // identifiers
  { title: 'UPPLAN 被保険者番号 H12345678 is too short', kind: 'UPPLAN', row: 2, column: 3, value: 'H12345678', errors: (r, at) => [at('E_FIELD_INSURED_NUMBER', r, 3, 'H12345678')] },
  { title: 'UPPLAN 被保険者番号 H123456789 (public assistance) is fine', kind: 'UPPLAN', row: 2, column: 3, value: 'H123456789', errors: () => [] },
  { title: 'UPPLAN 被保険者番号 123456789 (9 digits)', kind: 'UPPLAN', row: 2, column: 3, value: '123456789', errors: (r, at) => [at('E_FIELD_INSURED_NUMBER', r, 3, '123456789')] },
  { title: 'UP2KYO 被保険者番号 h123456789 (lower case)', kind: 'UP2KYO', row: 2, column: 3, value: 'h123456789', errors: (r, at) => [at('E_FIELD_INSURED_NUMBER', r, 3, 'h123456789')] },
  { title: 'UPHOSOKU 被保険者番号 H12345678', kind: 'UPHOSOKU', nameMonth: '000000', row: 2, column: 3, value: 'H12345678', errors: (r, at) => [at('E_FIELD_INSURED_NUMBER', r, 3, 'H12345678')] },
  { title: 'UPPLAN 保険者番号 13101 (5 digits)', kind: 'UPPLAN', row: 2, column: 2, value: '13101', errors: (r, at) => [at('E_FIELD_INSURER_NUMBER', r, 2, '13101')] },

  // service codes
  { title: 'UPPLAN サービスコード 331111 is out of scope', kind: 'UPPLAN', row: 2, column: 15, value: '331111', errors: (r, at) => [at('E_FIELD_SERVICE_TYPE_OUT_OF_SCOPE', r, 15, '33')] },
  { title: 'UPSIKYU サービスコード 331111 is out of scope', kind: 'UPSIKYU', row: 2, column: 9, value: '331111', errors: (r, at) => [at('E_FIELD_SERVICE_TYPE_OUT_OF_SCOPE', r, 9, '33')] },
  { title: 'UPPLAN サービスコード ZZ1111 has an unknown type', kind: 'UPPLAN', row: 2, column: 15, value: 'ZZ1111', errors: (r, at) => [at('E_FIELD_SERVICE_TYPE_UNKNOWN', r, 15, 'ZZ')] },
  { title: 'UPPLAN サービスコード 11111 is malformed', kind: 'UPPLAN', row: 2, column: 15, value: '11111', errors: (r, at) => [at('E_FIELD_SERVICE_CODE', r, 15, '11111')] },

  // day flags
  { title: 'UPPLAN 日割対象日 with day 31 set in June (202506)', kind: 'UPPLAN', month: '202506', row: 2, column: 11, value: flags(31), errors: (r, at) => [at('E_FIELD_DAY_FLAGS_BEYOND_MONTH', r, 11)] },
  { title: 'UPPLAN 日割対象日 with day 30 set in June (202506) is fine', kind: 'UPPLAN', month: '202506', row: 2, column: 11, value: flags(30), errors: () => [] },
  { title: 'UPPLAN 日割対象日 with day 29 set in February 2026', kind: 'UPPLAN', month: '202602', row: 2, column: 11, value: flags(29), errors: (r, at) => [at('E_FIELD_DAY_FLAGS_BEYOND_MONTH', r, 11)] },
  { title: 'UPPLAN 日割対象日 with day 29 set in February 2028 (leap) is fine', kind: 'UPPLAN', month: '202802', row: 2, column: 11, value: flags(29), errors: () => [] },
  { title: 'UPPLAN 日割対象日 containing 2', kind: 'UPPLAN', row: 2, column: 11, value: flags(5, '2'), errors: (r, at) => [at('E_FIELD_DAY_FLAGS', r, 11, flags(5, '2'))] },

  // required
  { title: 'UPPLAN No.6 プラン担当業者コード empty is only an uncertain-required warning', kind: 'UPPLAN', row: 2, column: 6, value: '', errors: () => [], warnings: (r, at) => [at('W_FIELD_REQUIRED_UNCERTAIN', r, 6)] },
  { title: 'UPPLAN No.10 サービス利用日 empty is an error', kind: 'UPPLAN', row: 2, column: 10, value: '', errors: (r, at) => [at('E_FIELD_REQUIRED', r, 10)] },

  // welfare equipment
  { title: 'UPPLAN welfare-equipment row (17…) without TAIS/届出コード', kind: 'UPPLAN', row: (r) => r.fields[14]!.startsWith('17'), column: 16, value: '', errors: (r, at) => [at('E_FIELD_WELFARE_ITEM_CODE_MISSING', r, 16, '171001')] },
  { title: 'UPSIKYU welfare-equipment row (17…) without TAIS/届出コード', kind: 'UPSIKYU', row: (r) => r.fields[8]!.startsWith('17'), column: 10, value: '', errors: (r, at) => [at('E_FIELD_WELFARE_ITEM_CODE_MISSING', r, 10, '171001')] },

  // free text
  { title: 'UPPLAN サービス事業所名 unquoted', kind: 'UPPLAN', row: 2, column: 21, value: 'ひまわり訪問介護ステーション', quoted: false, errors: (r, at) => [at('E_FIELD_FREE_TEXT_UNQUOTED', r, 21, 'ひまわり訪問介護ステーション')] },
  { title: 'UPSIKYU サービス事業所名 unquoted', kind: 'UPSIKYU', row: 2, column: 6, value: 'ひまわり訪問介護ステーション', quoted: false, errors: (r, at) => [at('E_FIELD_FREE_TEXT_UNQUOTED', r, 6, 'ひまわり訪問介護ステーション')] },
  { title: 'UP2KYO 課題 unquoted', kind: 'UP2KYO', row: 2, column: 7, value: '課題', quoted: false, errors: (r, at) => [at('E_FIELD_FREE_TEXT_UNQUOTED', r, 7, '課題')] },
  { title: 'UP3KYO 介護サービス内容 unquoted', kind: 'UP3KYO', row: 2, column: 6, value: '通所介護', quoted: false, errors: (r, at) => [at('E_FIELD_FREE_TEXT_UNQUOTED', r, 6, '通所介護')] },
  { title: 'UPHOSOKU 利用者住所１ unquoted', kind: 'UPHOSOKU', nameMonth: '000000', row: 2, column: 10, value: '東京都', quoted: false, errors: (r, at) => [at('E_FIELD_FREE_TEXT_UNQUOTED', r, 10, '東京都')] },
  { title: 'UP2KYO 課題 empty and unquoted is fine', kind: 'UP2KYO', row: 2, column: 7, value: '', quoted: false, errors: () => [] },

  // codes
  { title: 'UP2KYO 保険対象区分 X', kind: 'UP2KYO', row: 2, column: 15, value: 'X', errors: (r, at) => [at('E_FIELD_CODE', r, 15, 'X')] },
  { title: 'UP3KYO 曜日 8', kind: 'UP3KYO', row: 2, column: 7, value: '8', errors: (r, at) => [at('E_FIELD_CODE', r, 7, '8')] },

  // file month
  { title: 'UPSIKYU 対象年月 202505 in a 202504 file', kind: 'UPSIKYU', row: 2, column: 5, value: '202505', errors: (r, at) => [at('E_FILE_MONTH_MISMATCH', r, 5, '202505')] },
  // The service date (No.10) of the record now also falls outside its own 対象年月.
  { title: 'UPPLAN 対象年月 202505 in a 202504 file', kind: 'UPPLAN', row: 2, column: 5, value: '202505', errors: (r, at) => [at('E_FILE_MONTH_MISMATCH', r, 5, '202505'), at('E_FIELD_DATE_OUTSIDE_MONTH', r, 10, '20250404')] },
  { title: 'UPHOSOKU 対象年月 202504 in a 000000 file', kind: 'UPHOSOKU', nameMonth: '000000', row: 2, column: 63, value: '202504', errors: (r, at) => [at('E_FILE_MONTH_MISMATCH', r, 63, '202504')] },
  { title: 'UPHOSOKU 000000 file with No.4 00000000', kind: 'UPHOSOKU', nameMonth: '000000', row: 2, column: 4, value: '00000000', errors: (r, at) => [at('E_FIELD_HOSOKU_PLAN_DATE', r, 4, '00000000')] },

  // CSV version
  { title: 'UPPLAN mixed CSV versions', kind: 'UPPLAN', row: 2, column: 1, value: '202504', errors: (r, at) => [at('E_FILE_MIXED_CSV_VERSION', r, 1, '202504')] },
  { title: 'UPPLAN CSV version 202208 (3.x)', kind: 'UPPLAN', row: 'all', column: 1, value: '202208', errors: (_r, at) => [at('E_FILE_CSV_VERSION_UNSUPPORTED', 1, 1, '202208')] },
  { title: 'UP2KYO CSV version 202208 (3.x)', kind: 'UP2KYO', row: 'all', column: 1, value: '202208', errors: (_r, at) => [at('E_FILE_CSV_VERSION_UNSUPPORTED', 1, 1, '202208')] },
  { title: 'UPPLAN CSV version 202410 (not a spec value)', kind: 'UPPLAN', row: 'all', column: 1, value: '202410', errors: (_r, at) => [at('E_FILE_CSV_VERSION_UNKNOWN', 1, 1, '202410')] },
  { title: 'UPHOSOKU CSV version 202410 (not a spec value)', kind: 'UPHOSOKU', nameMonth: '202504', row: 'all', column: 1, value: '202410', errors: (_r, at) => [at('E_FILE_CSV_VERSION_UNKNOWN', 1, 1, '202410')] },
];

describe('one column changed', () => {
  it.each(CASES.map((c) => [c.title, c] as const))('%s', (_title, c) => {
    const s = sample(c.kind, { month: c.month, nameMonth: c.nameMonth });
    const row = typeof c.row === 'function' ? s.records.findIndex(c.row) + 1 : c.row;
    expect(row).not.toBe(0);
    const report = checkText(s.name, serialize(change(s.records, row, c.column, c.value, c.quoted)));
    const n = row === 'all' ? 1 : row;
    const atKind: AtKind = (code, r, column, value) => at(c.kind, code, r, column, value);
    expect(report.errors.map(shape)).toEqual(c.errors(n, atKind));
    expect(report.warnings.map(shape)).toEqual(c.warnings?.(n, atKind) ?? []);
    expect(report.valid).toBe(c.errors(n, atKind).length === 0);
  });
});

/** One column (of one row, or of every row) changed in a generated file, and its first error's texts. */
interface MessageCase {
  title: string;
  kind: string;
  month?: string;
  row: number | 'all';
  column: number;
  value: string;
  first: Partial<Record<'message' | 'messageEn' | 'hint', string>>;
}

describe('messages carry the details', () => {
  it.each<MessageCase>([
    { title: 'out-of-scope service type names the type', kind: 'UPPLAN', row: 2, column: 15, value: '331111', first: { message: 'サービス種類「33」（特定施設入居者生活介護）はデータ連携の対象外です' } },
    {
      title: 'day flags beyond the month name the day and the month',
      kind: 'UPPLAN',
      month: '202506',
      row: 2,
      column: 11,
      value: flags(31),
      first: { message: '日割対象日で、202506 に存在しない 31 日に 1 が立っています', messageEn: 'A day flag is set for day 31, which 202506 does not have' },
    },
    { title: 'the time hint of UPPLAN No.12 mentions 9999', kind: 'UPPLAN', row: 2, column: 12, value: '2400', first: { hint: '0000〜2359 の4桁で入力してください（時刻なしは 9999）。' } },
    { title: 'CSV version findings name the edition (202208)', kind: 'UPPLAN', row: 'all', column: 1, value: '202208', first: { message: 'CSVバージョン 202208（第3.0–3.2版）は本ツールで検査できません' } },
    { title: 'CSV version findings name the current value (202410)', kind: 'UPPLAN', row: 'all', column: 1, value: '202410', first: { message: 'CSVバージョン「202410」は標準仕様にない値です', hint: '第4.1版の値は 202407 です。' } },
    { title: 'month mismatch names the field, the value and the file month', kind: 'UPSIKYU', row: 2, column: 5, value: '202505', first: { message: '対象年月 202505 がファイル名の年月 202504 と違います' } },
  ])('$title', ({ kind, month, row, column, value, first }) => {
    const s = sample(kind, { month });
    const r = checkText(s.name, serialize(change(s.records, row, column, value)));
    for (const [field, text] of Object.entries(first)) expect(r.errors[0]![field as keyof typeof first], field).toBe(text);
  });
});

describe('welfare equipment: either code is enough', () => {
  it('UPPLAN row with only 福祉用具届出コード is fine', () => {
    const s = sample('UPPLAN');
    const row = s.records.findIndex((r) => r.fields[14]!.startsWith('17')) + 1;
    const records = change(change(s.records, row, 16, ''), row, 17, '00001-000010');
    const r = checkText(s.name, serialize(records));
    expect(r.errors).toEqual([]);
  });
});

// ── encoding ─────────────────────────────────────────────────────────────────────────────
describe('encoding', () => {
  const MARK = '@@INJECT@@';

  /** UP2KYO with raw bytes injected into 課題 (No.7, quoted free text) of record 3. */
  function up2kyoWith(bytes: number[]): { name: string; bytes: Uint8Array } {
    const s = sample('UP2KYO');
    const value = s.records[2]!.fields[6]!;
    expect(value).not.toBe('');
    const text = serialize(change(s.records, 3, 7, `${value.slice(0, 2)}${MARK}${value.slice(2)}`, true));
    const [before, after] = text.split(MARK) as [string, string];
    return { name: s.name, bytes: concat([encodeMs932(before), Uint8Array.from(bytes), encodeMs932(after)]) };
  }

  it('gaiji F0 40 inside a free-text field → E_ENCODING_GAIJI at its record and column', () => {
    const f = up2kyoWith([0xf0, 0x40]);
    const r = check(f.name, f.bytes);
    expect(r.errors.map(shape)).toEqual([at('UP2KYO', 'E_ENCODING_GAIJI', 3, 7, 'U+E000')]);
    expect(r.warnings).toEqual([]);
  });

  it('gaiji F9 FC (the last user-defined character, U+E757 in CP932) → E_ENCODING_GAIJI', () => {
    const f = up2kyoWith([0xf9, 0xfc]);
    const r = check(f.name, f.bytes);
    expect(r.errors.map(shape)).toEqual([at('UP2KYO', 'E_ENCODING_GAIJI', 3, 7, 'U+E757')]);
  });

  it('bytes 85 40 (unassigned in MS932) → E_ENCODING_INVALID_BYTES at its record and column', () => {
    const f = up2kyoWith([0x85, 0x40]);
    const r = check(f.name, f.bytes);
    expect(r.errors.map(shape)).toEqual([at('UP2KYO', 'E_ENCODING_INVALID_BYTES', 3, 7)]);
    expect(r.warnings).toEqual([]);
  });

  it('a NUL inside a free-text field → E_FIELD_CONTROL_CHARACTER 0x00', () => {
    const f = up2kyoWith([0x00]);
    const r = check(f.name, f.bytes);
    expect(r.errors.map(shape)).toEqual([at('UP2KYO', 'E_FIELD_CONTROL_CHARACTER', 3, 7, '0x00')]);
  });

  it('a TAB inside free text is ordinary text; a control character after it is still found', () => {
    const tab = up2kyoWith([0x09]);
    expect(check(tab.name, tab.bytes).errors).toEqual([]);
    const both = up2kyoWith([0x09, 0x01]);
    expect(check(both.name, both.bytes).errors.map(shape)).toEqual([at('UP2KYO', 'E_FIELD_CONTROL_CHARACTER', 3, 7, '0x01')]);
  });

  it('UTF-8 BOM → E_ENCODING_UTF8_BOM only, and the rest is read normally', () => {
    const s = sample('UP2KYO');
    const body = encodeMs932(serialize(s.records));
    const r = check(s.name, concat([Uint8Array.from([0xef, 0xbb, 0xbf]), body]));
    expect(r.errors.map(shape)).toEqual([{ code: 'E_ENCODING_UTF8_BOM', row: null, line: 1, column: null, field: null }]);
    expect(r.warnings).toEqual([]);
    expect(r.stats.bytes).toBe(body.length + 3);
    expect(r.stats.records).toBe(s.records.length);
  });

  it('a UTF-8 encoded file → E_ENCODING_LOOKS_UTF8', () => {
    const s = sample('UP2KYO');
    const r = check(s.name, new TextEncoder().encode(serialize(s.records)));
    const utf8 = r.errors.filter((e) => e.code === 'E_ENCODING_LOOKS_UTF8');
    expect(utf8.map(shape)).toEqual([{ code: 'E_ENCODING_LOOKS_UTF8', row: null, line: null, column: null, field: null }]);
    expect(r.valid).toBe(false);
  });

  it('an ASCII-only file is not taken for UTF-8', () => {
    const s = sample('UP3KYO');
    const records = s.records.map((r) => ({ fields: r.fields.map((v, i) => (r.quoted[i] ? 'x' : v)), quoted: r.quoted }));
    const r = check(s.name, new TextEncoder().encode(serialize(records)));
    expect(r.errors).toEqual([]);
  });
});

// ── redaction ────────────────────────────────────────────────────────────────────────────
describe('redact', () => {
  it('masks the value of an insured-number finding', () => {
    const s = sample('UPPLAN');
    const text = serialize(change(s.records, 2, 3, 'H12345678'));
    const plain = checkText(s.name, text);
    expect(plain.errors[0]!.value).toBe('H12345678');
    expect(plain.errors[0]!.message).toBe('被保険者番号の形式が違います: H12345678');

    const masked = checkText(s.name, text, true);
    expect(masked.errors.map(shape)).toEqual([at('UPPLAN', 'E_FIELD_INSURED_NUMBER', 2, 3, '＊＊＊')]);
    expect(masked.errors[0]!.message).toBe('被保険者番号の形式が違います: ＊＊＊');
    expect(masked.errors[0]!.messageEn).toBe('Malformed insured-person number: ＊＊＊');
    expect(JSON.stringify(masked)).not.toContain('H12345678');
  });

  it('masks personal columns (利用者生年月日) but not the others', () => {
    const s = sample('UPHOSOKU', { nameMonth: '202504' });
    const text = serialize(change(change(s.records, 2, 8, '20250230'), 2, 13, '20250230'));
    const masked = checkText(s.name, text, true);
    expect(masked.errors.map(shape)).toEqual([at('UPHOSOKU', 'E_FIELD_DATE', 2, 8, '＊＊＊'), at('UPHOSOKU', 'E_FIELD_DATE', 2, 13, '20250230')]);
  });
});
