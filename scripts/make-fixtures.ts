// Writes fixtures/valid (generated sample units) and fixtures/invalid (hand-made broken files, each
// case with the findings a correct validator must report, written down by hand in expected.json).
// Run: npm run fixtures. The output is committed; the test suite checks every case.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateFixtures, toCsv, type GeneratedFile } from '../shared/fixtures/generate.js';
import { newestEdition } from '../shared/spec/model.js';
import { encodeMs932 } from '../client/check/ms932.js';
import { packageRoot } from '../client/paths.js';
import { loadCatalog } from '../client/check/specs.js';
import { writeFixtures } from '../client/fixturesWriter.js';

export interface ExpectedFinding {
  code: string;
  row?: number | null;
  line?: number | null;
  column?: number | null;
}
export interface ExpectedFile {
  valid: boolean;
  /** The exact set of errors (code, and where given, row/line/column)… */
  errors: ExpectedFinding[];
  /** …unless false: then these errors must be present and others may be too. */
  exhaustive?: boolean;
  /** Warnings that must be present (others may be). */
  warnings?: ExpectedFinding[];
}
export interface ExpectedCase {
  description: string;
  /** file: each file is checked alone; directory: the folder is checked, units included. */
  mode: 'file' | 'directory';
  files: Record<string, ExpectedFile>;
  units?: { valid: boolean; errors: ExpectedFinding[]; warnings?: ExpectedFinding[] }[];
}

const MONTH = '202504';
const catalog = loadCatalog();
const layouts = newestEdition(catalog).layouts;
const base1 = generateFixtures(catalog, { month: MONTH, users: 1 });
const base2 = generateFixtures(catalog, { month: MONTH, users: 2 });

function pick(kind: string, from: GeneratedFile[] = base1, month?: string): GeneratedFile {
  const f = from.find((g) => g.kind === kind && (month === undefined || g.name.includes(`_${month}_`)));
  if (!f) throw new Error(`no generated ${kind}`);
  return f;
}

function recordsOf(f: GeneratedFile): string[][] {
  return f.records!.map((r) => [...r]);
}

function csv(kind: string, records: string[][]): Buffer {
  return encodeMs932(toCsv(layouts.get(kind)!, records));
}

interface Case {
  id: string;
  expected: ExpectedCase;
  files: { name: string; bytes: Buffer }[];
}

const cases: Case[] = [];
function fileCase(id: string, description: string, name: string, bytes: Buffer, expected: ExpectedFile): void {
  cases.push({ id, files: [{ name, bytes }], expected: { description, mode: 'file', files: { [name]: expected } } });
}

// ── 利用者補足情報
{
  const f = pick('UPHOSOKU', base1, '000000');
  const r = recordsOf(f);
  r[0]![3] = '00000000';
  r[0]![6] = '3';
  fileCase('uphosoku-plan-date-and-sex', '計画用の補足情報（000000）で No.4 が 00000000、性別コード 3', f.name, csv('UPHOSOKU', r), {
    valid: false,
    errors: [
      { code: 'E_FIELD_CODE', row: 1, line: 1, column: 7 },
      { code: 'E_FIELD_HOSOKU_PLAN_DATE', row: 1, line: 1, column: 4 },
    ],
  });
}
// ── 第1表: a multi-line free-text field makes record 2 start on line 3
{
  const f = pick('UP1KYO', base2);
  const r = recordsOf(f);
  r[1]![15] = '13';
  r[1]![20] = '26';
  fileCase('up1kyo-codes-after-multiline-text', '2件目（3行目から）の計画書区分 13・要介護状態区分 26', f.name, csv('UP1KYO', r), {
    valid: false,
    errors: [
      { code: 'E_FIELD_CODE', row: 2, line: 3, column: 16 },
      { code: 'E_FIELD_CODE', row: 2, line: 3, column: 21 },
    ],
  });
}
// ── 第1表 削除: every item is required
{
  const f = pick('DLT1KYO');
  const r = recordsOf(f);
  r[0]![3] = '';
  fileCase('dlt1kyo-incomplete', '削除ファイルの計画作成日が空', f.name, csv('DLT1KYO', r), {
    valid: false,
    errors: [{ code: 'E_FIELD_REQUIRED', row: 1, line: 1, column: 4 }],
  });
}
// ── 第2表
{
  const f = pick('UP2KYO');
  const r = recordsOf(f);
  r[1]![5] = '0';
  r[2]![14] = 'X';
  fileCase('up2kyo-range-and-code', '課題NO 0（1〜99）と保険対象区分 X', f.name, csv('UP2KYO', r), {
    valid: false,
    errors: [
      { code: 'E_FIELD_OUT_OF_RANGE', row: 2, line: 2, column: 6 },
      { code: 'E_FIELD_CODE', row: 3, line: 3, column: 15 },
    ],
  });
}
// ── 第3表
{
  const f = pick('UP3KYO');
  const r = recordsOf(f);
  r[0]![6] = '8';
  r[0]![7] = '2460';
  fileCase('up3kyo-weekday-and-time', '曜日 8 と開始時間 2460', f.name, csv('UP3KYO', r), {
    valid: false,
    errors: [
      { code: 'E_FIELD_CODE', row: 1, line: 1, column: 7 },
      { code: 'E_FIELD_TIME', row: 1, line: 1, column: 8 },
    ],
  });
}
// ── 第6表 予定: field rules
{
  const f = pick('UPPLAN');
  const r = recordsOf(f);
  r[0]![9] = '20250501'; // サービス利用日 outside April
  r[1]![11] = '2400'; // no 24:00
  r[2]![14] = '331111'; // 特定施設 (33) is outside the linkage scope
  r[3]!.pop(); // 24 fields
  r[4]![2] = 'H12345678'; // H + 8 digits
  r[5]![10] = '1111100000000000000000000000000'.slice(0, 30) + '2';
  fileCase('upplan-field-rules', '利用日が対象年月外・時刻2400・対象外サービス・項目数不足・被保険者番号・日割対象日', f.name, rawUpplan(r), {
    valid: false,
    errors: [
      { code: 'E_FIELD_DATE_OUTSIDE_MONTH', row: 1, line: 1, column: 10 },
      { code: 'E_FIELD_TIME', row: 2, line: 2, column: 12 },
      { code: 'E_FIELD_SERVICE_TYPE_OUT_OF_SCOPE', row: 3, line: 3, column: 15 },
      { code: 'E_CSV_FIELD_COUNT', row: 4, line: 4, column: null },
      { code: 'E_FIELD_INSURED_NUMBER', row: 5, line: 5, column: 3 },
      { code: 'E_FIELD_DAY_FLAGS', row: 6, line: 6, column: 11 },
    ],
  });
}
/** toCsv refuses wrong field counts, so broken records are joined by hand here. */
function rawUpplan(records: string[][]): Buffer {
  const text = records.map((r) => r.map((v, i) => ([6, 20, 17].includes(i) && v !== '' ? `"${v}"` : v)).join(',')).join('\r\n') + '\r\n';
  return encodeMs932(text);
}
// ── 第6表 予定: a quote that never closes. Later records are swallowed into the open field, so
// their unquoted free text must NOT be reported: checks stop at the opening quote.
{
  const f = pick('UPPLAN');
  const text = toCsv(layouts.get('UPPLAN')!, recordsOf(f).slice(0, 4));
  const lines = text.split('\r\n');
  lines[1] = lines[1]!.replace(/"([^"]*ステーション)"/, '"$1');
  lines[2] = lines[2]!.replace(/"/g, '');
  lines[3] = lines[3]!.replace(/"/g, '');
  fileCase('upplan-unterminated-quote', '2件目のサービス事業所名の " が閉じていない（以降は検査しない）', f.name, encodeMs932(lines.join('\r\n')), {
    valid: false,
    errors: [{ code: 'E_CSV_UNTERMINATED_QUOTE', row: 2, line: 2, column: 21 }],
  });
}
// ── 第6表 予定: gaiji and bytes that are not MS932
{
  const f = pick('UPPLAN');
  const text = toCsv(layouts.get('UPPLAN')!, recordsOf(f).slice(0, 3));
  const bytes = encodeMs932(text);
  const name = encodeMs932('山田');
  const first = bytes.indexOf(name);
  const second = bytes.indexOf(name, first + 1);
  bytes[first] = 0xf0; // user-defined area (gaiji)
  bytes[first + 1] = 0x40;
  bytes[second] = 0x85; // lead byte of an unassigned row
  bytes[second + 1] = 0x40;
  fileCase('upplan-gaiji-and-invalid-bytes', '1件目に外字、2件目に MS932 にないバイト', f.name, bytes, {
    valid: false,
    errors: [
      { code: 'E_ENCODING_GAIJI', row: 1, line: 1, column: 7 },
      { code: 'E_ENCODING_INVALID_BYTES', row: 2, line: 2, column: 7 },
    ],
  });
}
// ── 第6表 予定 written as UTF-8 with a BOM
{
  const f = pick('UPPLAN');
  const text = toCsv(layouts.get('UPPLAN')!, recordsOf(f).slice(0, 2));
  fileCase('upplan-utf8-bom', 'UTF-8（BOM付き）で出力されたファイル', f.name, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]), {
    valid: false,
    // UTF-8 bytes read as MS932 may also produce invalid-byte findings; those are not the point here.
    exhaustive: false,
    errors: [
      { code: 'E_ENCODING_UTF8_BOM', row: null, line: 1, column: null },
      { code: 'E_ENCODING_LOOKS_UTF8', row: null, line: null, column: null },
    ],
  });
}
// ── 実績: one month per file
{
  const f = pick('UPJSK');
  const r = recordsOf(f).slice(0, 3);
  r[2]![4] = '202505';
  fileCase('upjsk-month-mismatch', '3件目の対象年月 202505（ファイル名は 202504）', f.name, csv('UPJSK', r), {
    valid: false,
    errors: [
      { code: 'E_FILE_MONTH_MISMATCH', row: 3, line: 3, column: 5 },
      { code: 'E_FIELD_DATE_OUTSIDE_MONTH', row: 3, line: 3, column: 10 },
    ],
  });
}
// ── 予定 削除
{
  const f = pick('DLTPLAN');
  const r = recordsOf(f);
  r[0]![3] = '202513';
  fileCase('dltplan-impossible-month', '削除対象年月 202513', f.name, csv('DLTPLAN', r), {
    valid: false,
    errors: [
      { code: 'E_FIELD_MONTH', row: 1, line: 1, column: 4 },
      { code: 'E_FILE_MONTH_MISMATCH', row: 1, line: 1, column: 4 },
    ],
  });
}
// ── 実績 削除
{
  const f = pick('DLTJSK');
  const r = recordsOf(f);
  r[0]![5] = '1';
  r[0]![0] = '202208';
  fileCase('dltjsk-type-and-old-version', 'サービス種類コード 1 桁、CSVバージョン 202208（第3.2版）', f.name, csv('DLTJSK', r), {
    valid: false,
    errors: [
      { code: 'E_FILE_CSV_VERSION_UNSUPPORTED', row: 1, line: 1, column: 1 },
      { code: 'E_FIELD_SERVICE_TYPE', row: 1, line: 1, column: 6 },
    ],
  });
}
// ── 第7表
{
  const f = pick('UPSIKYU');
  const r = recordsOf(f).filter((x) => x[8] !== '999999');
  const sub = r.findIndex((x) => x[8] === '11AAAA');
  r[sub]![12] = '5';
  fileCase('upsikyu-totals', '合計行（999999）がない、小計行の単位数が 0 でない', f.name, csv('UPSIKYU', r), {
    valid: false,
    errors: [
      { code: 'E_TABLE7_PSEUDO_UNITS', row: sub + 1, line: sub + 1, column: 13 },
      { code: 'E_TABLE7_TOTAL_MISSING', row: null, line: 1, column: null },
    ],
  });
}
// ── 介護予防 利用者基本情報
{
  const f = pick('UPKIHON');
  const r = recordsOf(f);
  r[0]![15] = '';
  r[0]![16] = '19450231';
  fileCase('upkihon-required-and-date', '性別が空、生年月日 19450231', f.name, csv('UPKIHON', r), {
    valid: false,
    errors: [
      { code: 'E_FIELD_REQUIRED', row: 1, line: 1, column: 16 },
      { code: 'E_FIELD_DATE', row: 1, line: 1, column: 17 },
    ],
  });
}
{
  const f = pick('DLTKIHON');
  const r = recordsOf(f);
  r[0]![2] = 'A123456789';
  fileCase('dltkihon-insured-number', '被保険者番号 A123456789', f.name, csv('DLTKIHON', r), {
    valid: false,
    errors: [{ code: 'E_FIELD_INSURED_NUMBER', row: 1, line: 1, column: 3 }],
  });
}
{
  const f = pick('UPKIHON_SUB1');
  const text = toCsv(layouts.get('UPKIHON_SUB1')!, recordsOf(f)).replace(',"起床・着替え"', '');
  fileCase('upkihon-sub1-field-count', '1件目の項目が1つ足りない', f.name, encodeMs932(text), {
    valid: false,
    errors: [{ code: 'E_CSV_FIELD_COUNT', row: 1, line: 1, column: null }],
  });
}
{
  const f = pick('UPKIHON_SUB2');
  const r = recordsOf(f);
  r[0]![9] = '04';
  fileCase('upkihon-sub2-code', '経過コード 04', f.name, csv('UPKIHON_SUB2', r), {
    valid: false,
    errors: [{ code: 'E_FIELD_CODE', row: 1, line: 1, column: 10 }],
  });
}
{
  const f = pick('UPYOBO');
  const r = recordsOf(f);
  r[0]![4] = '3';
  fileCase('upyobo-plan-kind', '計画種類 3', f.name, csv('UPYOBO', r), {
    valid: false,
    errors: [{ code: 'E_FIELD_CODE', row: 1, line: 1, column: 5 }],
  });
}
{
  const f = pick('DLTYOBO');
  const r = recordsOf(f);
  r[0]![3] = '20250431';
  fileCase('dltyobo-date', '計画作成日 20250431', f.name, csv('DLTYOBO', r), {
    valid: false,
    errors: [{ code: 'E_FIELD_DATE', row: 1, line: 1, column: 4 }],
  });
}
{
  const f = pick('UPYOBO_SUB');
  const text = toCsv(layouts.get('UPYOBO_SUB')!, recordsOf(f)).replace(/^((?:[^,]*,){4})1,/, (_m, head: string) => `${head}1",`);
  fileCase('upyobo-sub-stray-quote', '課題NO に " が混じっている（NO列の書式は不確かなので書式は警告）', f.name, encodeMs932(text), {
    valid: false,
    errors: [{ code: 'E_CSV_STRAY_QUOTE', row: 1, line: 1, column: 5 }],
    warnings: [{ code: 'W_FIELD_FORMAT_UNCERTAIN', row: 1, line: 1, column: 5 }],
  });
}
{
  const f = pick('UPKIHON_IMAGE');
  fileCase('upkihon-image-not-jpeg', 'jpg という名前のテキストファイル', f.name, Buffer.from('not a picture\r\n'), {
    valid: false,
    errors: [{ code: 'E_IMAGE_NOT_JPEG', row: null, line: null, column: null }],
  });
}
// ── file names
{
  const f = pick('UPPLAN');
  const text = toCsv(layouts.get('UPPLAN')!, recordsOf(f).slice(0, 1));
  fileCase('name-v32-format', '第3.2版のファイル名（サービス種類コードなし）', 'UPPLAN_202504_1310000011_1310000029_20250425120002.CSV', encodeMs932(text), {
    valid: false,
    errors: [{ code: 'E_NAME_V32_FORMAT', row: null, line: null, column: null }],
  });
  fileCase('name-office-and-sequence', '送信元事業所番号 9桁、連番が存在しない日付', 'UPPLAN_202504_131000001_43_1310000029_11_20250230120002.CSV', encodeMs932(text), {
    valid: false,
    errors: [
      { code: 'E_NAME_OFFICE_NUMBER', row: null, line: null, column: null },
      { code: 'E_NAME_SEQUENCE', row: null, line: null, column: null },
    ],
  });
  fileCase('name-unknown-prefix', '標準仕様にない接頭辞', 'PLAN_202504_1310000011_43_1310000029_11_20250425120002.CSV', encodeMs932(text), {
    valid: false,
    errors: [{ code: 'E_NAME_UNKNOWN_PREFIX', row: null, line: null, column: null }],
  });
}
// ── send units (the folder is checked as a whole)
{
  const plan = pick('UPPLAN');
  const hosoku = pick('UPHOSOKU', base1, MONTH);
  cases.push({
    id: 'unit-ticket-without-table7',
    files: [
      { name: plan.name, bytes: encodeMs932(plan.text!) },
      { name: hosoku.name, bytes: encodeMs932(hosoku.text!) },
    ],
    expected: {
      description: '第6表と補足情報だけで第7表（UPSIKYU）がない送信単位',
      mode: 'directory',
      files: { [plan.name]: { valid: true, errors: [] }, [hosoku.name]: { valid: true, errors: [] } },
      units: [{ valid: false, errors: [{ code: 'E_UNIT_MISSING_FILE' }] }],
    },
  });
}
{
  const plan = pick('UPPLAN', base2);
  const table7 = pick('UPSIKYU', base2);
  const hosoku = pick('UPHOSOKU', base2, MONTH);
  const oneUser = recordsOf(hosoku).slice(0, 1);
  cases.push({
    id: 'unit-ticket-user-missing',
    files: [
      { name: plan.name, bytes: encodeMs932(plan.text!) },
      { name: table7.name, bytes: encodeMs932(table7.text!) },
      { name: hosoku.name, bytes: csv('UPHOSOKU', oneUser) },
    ],
    expected: {
      description: '第6表・第7表には2人いるが、補足情報には1人しかいない',
      mode: 'directory',
      files: { [plan.name]: { valid: true, errors: [] }, [table7.name]: { valid: true, errors: [] }, [hosoku.name]: { valid: true, errors: [] } },
      units: [{ valid: false, errors: [{ code: 'E_UNIT_USER_MISSING' }] }],
    },
  });
}
{
  const files = ['UP1KYO', 'UP2KYO'].map((k) => pick(k));
  const hosoku = pick('UPHOSOKU', base1, '000000');
  const del = pick('DLTPLAN');
  const seq = files[0]!.name.slice(-18, -4);
  const delName = del.name.replace(/_\d{14}\.CSV$/, `_${seq}.CSV`);
  cases.push({
    id: 'unit-plan-mixed-kinds',
    files: [...files, hosoku].map((f) => ({ name: f.name, bytes: encodeMs932(f.text!) })).concat([{ name: delName, bytes: encodeMs932(del.text!) }]),
    expected: {
      description: '計画書の送信単位に第6表削除が同じ連番で混ざり、第3表もない',
      mode: 'directory',
      files: Object.fromEntries([...files.map((f) => f.name), hosoku.name, delName].map((n) => [n, { valid: true, errors: [] }])),
      units: [{ valid: false, errors: [{ code: 'E_UNIT_UNEXPECTED_FILE' }], warnings: [{ code: 'W_UNIT_MISSING_EXPECTED_FILE' }] }],
    },
  });
}

async function main(): Promise<void> {
  const root = join(packageRoot(), 'fixtures');
  rmSync(join(root, 'valid'), { recursive: true, force: true });
  rmSync(join(root, 'invalid'), { recursive: true, force: true });
  const written = await writeFixtures(join(root, 'valid'), { month: MONTH, users: 3 }, catalog);
  for (const c of cases) {
    const dir = join(root, 'invalid', c.id);
    mkdirSync(dir, { recursive: true });
    for (const f of c.files) writeFileSync(join(dir, f.name), f.bytes);
    writeFileSync(join(dir, 'expected.json'), JSON.stringify(c.expected, null, 2) + '\n');
  }
  process.stdout.write(`fixtures: ${written.length} valid files, ${cases.length} invalid cases\n`);
}

await main();
