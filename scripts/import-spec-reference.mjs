#!/usr/bin/env node
// Builds specs/202407/*.json from the team's spec digest (../shared/spec-reference).
// Run once per digest change; the output is committed and is what the validator reads.
// The digest is our own reading of the MHLW text; this script only normalises it and adds
// the validator's per-column types, the UNCERTAIN markers (rule fires as a warning) and
// the cross-field rules. Every overlay below says where its fact comes from.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const refDir = process.argv[2] ?? resolve(root, '../shared/spec-reference');
const outDir = join(root, 'specs', '202407');
const tickets = JSON.parse(readFileSync(join(refDir, 'tickets.json'), 'utf8'));
const careplan = JSON.parse(readFileSync(join(refDir, 'careplan.json'), 'utf8'));

const SOURCES = {
  S1: careplan.sources.S1,
  S2: careplan.sources.S2,
  S3p7: careplan.sources.S3p7,
  S3p9: { what: 'vol.1156 p.9 (send units, 3.2)', url: 'https://wic-net.com/material/document/9715/9' },
  S3p10: careplan.sources.S3p10,
  S3p12: { what: 'vol.1156 p.12 (withdrawing a 利用票, 3.2)', url: 'https://wic-net.com/material/document/9715/12' },
  S3p19: careplan.sources.S3p19,
  S3p22: careplan.sources.S3p22,
  S3p23: careplan.sources.S3p23,
  S4: careplan.sources.S4,
  S5: careplan.sources.S5,
};
const urlToId = (u) => Object.entries(SOURCES).find(([, s]) => s.url === u)?.[0] ?? u;

const PERSONAL = /氏名|フリガナ|利用者名|住所|電話|Fax|郵便番号|生年月日|被保険者番号/;

function baseType(prefix, c) {
  const t = c.type;
  if (c.role === 'csvVersion' || (c.no === 1 && c.name === 'CSVバージョン')) return { type: 'csvVersion', length: 6, lengthKind: 'fixed' };
  if (c.name === '保険者番号') return { type: 'insurerNo', length: 6, lengthKind: 'fixed' };
  if (c.name === '被保険者番号' || t === 'insuredNo') return { type: 'insuredNo', length: 10, lengthKind: 'fixed' };
  if (t === 'freetext' || t === 'freeText') return { type: 'freeText' };
  if (t === 'YYYYMMDD' || t === 'date') return { type: 'date', length: 8, lengthKind: 'fixed' };
  if (t === 'YYYYMM' || t === 'yearMonth') return { type: 'month', length: 6, lengthKind: 'fixed' };
  if (t === 'HHMM' || t === 'time') return { type: 'time', length: 4, lengthKind: 'fixed' };
  if (t === 'postal' || c.format === 'XXX-XXXX') return { type: 'postal', length: 8, lengthKind: 'fixed' };
  if (t === 'flags31') return { type: 'dayFlags', length: 31, lengthKind: 'fixed' };
  if (t === 'decimal') return { type: 'decimal', length: c.length, lengthKind: 'max' };
  if (t === 'officeNo' || /事業者コード|事業所コード|業者コード|同意書受付業者|入力者コード|事業者番号/.test(c.name)) return { type: 'officeNo', length: 10, lengthKind: 'fixed' };
  if (c.role === 'serviceCode' || c.name === 'サービスコード') return { type: 'serviceCode', length: 6, lengthKind: 'fixed' };
  if (c.role === 'serviceType' || /サービス種類コード$/.test(c.name)) return { type: 'serviceType', length: 2, lengthKind: 'fixed' };
  if (/TAISコード|福祉用具届出コード/.test(c.name)) return { type: 'itemCode', length: 12, lengthKind: 'max' };
  if (t === 'code') return { type: 'code', length: c.length, lengthKind: 'fixed' };
  if (t === 'integer') return { type: 'integer', length: c.length ?? undefined, lengthKind: 'max' };
  if (t === 'digits') return { type: 'digits', length: c.length, lengthKind: 'max' };
  if (t === 'text' || t === 'alnum') return { type: 'text', length: c.length, lengthKind: 'max' };
  throw new Error(`unmapped type ${prefix} No.${c.no} ${c.name} ${t}`);
}

// Overlays: facts the digest states in prose, or policy for UNCERTAIN facts. Where docs/spec-audit.md
// (read against the source text) corrects the digest, the overlay follows the audit and says which
// row; `uncertain: null` drops the digest's UNCERTAIN note because the source settles the point.
const ITEM_CODE_EXAMPLE = '例: 00001－000010（原文の例は全角の「－」）/ e.g. 00001-000010 (the source writes a full-width minus)';
const ITEM_CODE_WHY = '書式は例示「00001－000010」（全角の「－」）のみで、定義はない。/ Only an example is given, 00001－000010 with a full-width minus; no format is defined.';
const END_OF_DAY = '2400（24時）は本文で認められても禁じられてもいない（第3表の様式の時間軸は24:00まで）。終了時刻に限り警告で受け付ける。/ 2400 is neither allowed nor forbidden by the spec (the 第3表 form\'s time axis runs to 24:00): accepted with a warning, end times only.';
const ENTRUSTED_WHY = '「どちらの場合も記入」とあり印は一つ（必要の列）。必要の列の意味が説明されていないため空欄は警告。/ The note says to fill it in either case and one mark is printed (in the 必要 column, whose meaning is not explained): empty is a warning.';
const SHORT_STAY_22 = 'S1 利用者補足情報 No.20 (「短期入所療養介護の場合は22:短期入所療養介護（介護老人保健施設）を設定する」)';
const HOSOKU_SLOTS = [20, 24, 28, 32, 36, 40, 44, 48, 52];
const MED_31 = '居宅療養管理指導は区分支給限度の対象外とされ（公式文書での確認なし）、区分支給対象の小計行を持たないことがあるため警告。/ 居宅療養管理指導 lies outside the 区分支給限度 (not confirmed from an official page), so it may have no subtotal row: a warning.';

const OVERLAY = {
  'UPPLAN|UPJSK': {
    6: { uncertain: { required: 'PDF本文では No.1〜7 に必須印が7つあるが、公開実装は No.6〜7 を任意扱い。確認まで警告。/ The PDF text shows 7 required marks (No.1-7); a public implementation treats No.6-7 as optional. Warning until confirmed.' } },
    7: { uncertain: { required: 'No.6 と同じ理由。/ Same as No.6.' } },
    8: { signed: true, notes: '割引後の単位数。共生型減算は月初日のみ、他の日は0。/ Units after discount.' },
    // Audit F13: the source says 「日割対象日は31桁で…」 with no exception for short months.
    11: { uncertain: null, notes: 'Always 31 characters when filled (audit F13).' },
    12: { allow: ['9999'] },
    13: { allow: ['9999'], allowUncertain: { 2400: END_OF_DAY } },
    16: { formatNote: ITEM_CODE_EXAMPLE, uncertain: { format: ITEM_CODE_WHY } },
    17: { formatNote: ITEM_CODE_EXAMPLE, uncertain: { format: ITEM_CODE_WHY } },
    19: { length: 2, lengthKind: 'max', uncertain: { length: 'PDF本文で項目長が読めない（公開実装は2）。/ Length unreadable in the PDF text (an implementation uses 2).' } },
  },
  UPSIKYU: {
    9: { allowPseudo: true },
    // Audit F3/F4: only an example is given, written with a full-width minus, as in 第6表 No.16/17.
    10: { formatNote: ITEM_CODE_EXAMPLE, uncertain: { format: ITEM_CODE_WHY } },
    11: { formatNote: ITEM_CODE_EXAMPLE, uncertain: { format: ITEM_CODE_WHY } },
    13: { signed: true },
    // Audit F7-F10 (Appendix D-3/D-4): the lengths map onto rows 14-18 and 19-37 in exactly one order.
    14: { uncertain: null },
    15: { signed: true, uncertain: null },
    17: { uncertain: null },
    23: { pattern: '^\\d{1,3}\\.\\d{2}$', patternLabel: '99.99' },
    25: { uncertain: null },
    // Audit F11: the 4.1 cell says 2, the 3.2 revision says 5; more than 5 is wrong under both readings.
    30: { length: 5, uncertain: null, notes: '4.1 layout cell: 2; 3.2 revision: 2 -> 5. Up to 5 accepted, more is an error (audit F11).' },
    // Audit F5 (Appendix D-4): the note 「9999999999を固定でセット」 is No.34's own format entry.
    34: {
      type: 'text', length: 10, lengthKind: 'fixed', required: true, pattern: '^9999999999$', patternLabel: '9999999999（固定）',
      uncertain: { required: '「9999999999を固定でセット」とあるが必須印はない。空欄は警告。/ The spec says to set 9999999999 as a fixed value but prints no required mark; empty is a warning.' },
    },
    // Audit F6: no format is printed for No.35 (its format slot is empty): only the length is known.
    35: { type: 'text', length: 10, lengthKind: 'max', uncertain: { note: '書式の記載なし（項目長10のみ）。/ No format printed (length 10 only).' } },
  },
  UPHOSOKU: {
    4: { allow: ['00000000'] },
    5: { uncertain: { required: 'PDF本文の必須印8つを No.1〜8 と読んだ推定。/ Inferred from 8 required marks read as No.1-8.' } },
    6: { uncertain: { required: 'No.5 と同じ。/ Same as No.5.' } },
    7: { uncertain: { required: 'No.5 と同じ。/ Same as No.5.' } },
    8: { uncertain: { required: 'No.5 と同じ。/ Same as No.5.' } },
    12: { uncertain: { format: '電話番号の書式は定義なし（項目長15のみ）。/ No phone format defined (length 15 only).' } },
    63: { allow: ['000000'] },
  },
  UP1KYO: {
    // Audit F2 (Appendix D-1): the ○ is printed on No.15's own line.
    15: { uncertain: null },
  },
  UP3KYO: {
    9: { allowUncertain: { 2400: END_OF_DAY } },
    12: { allowUncertain: { 2400: END_OF_DAY } },
  },
  UP2KYO: {
    6: { range: [1, 99] }, 8: { range: [1, 99] }, 13: { range: [1, 99] },
  },
  'UPKIHON': {
    6: { required: true, uncertain: { required: ENTRUSTED_WHY } },
    35: { uncertain: { format: '書式の記載なし。/ No format shown.' } },
    // Audit F22: the naming rule printed under No.62.
    62: {
      pattern: '^UPKIHON_IMAGE_\\d{10}_[0-9A-Z]{2}_\\d{10}_[0-9A-Z]{2}_\\d{14}_\\d{4}\\.(?:jpg|JPG)$',
      patternLabel: 'UPKIHON_IMAGE_送信元事業所番号10桁_種類2桁_送信先事業所番号10桁_種類2桁_連番14桁_枝番4桁.jpg',
    },
  },
  'UPYOBO': { 6: { required: true, uncertain: { required: ENTRUSTED_WHY } } },
  // Audit F26 (Appendix D-8): the format column holds 13 「フリーテキスト」 entries for rows 5-17.
  'UPYOBO_SUB': {
    5: { type: 'freeText', quoted: 'always', length: 2, lengthKind: 'max', uncertain: null },
    10: { type: 'freeText', quoted: 'always', length: 2, lengthKind: 'max', uncertain: null },
    14: { type: 'freeText', quoted: 'always', length: 2, lengthKind: 'max', uncertain: null },
  },
};
function overlayFor(prefix) {
  const out = {};
  for (const [k, v] of Object.entries(OVERLAY)) if (k.split('|').includes(prefix)) Object.assign(out, v);
  return out;
}

// File-level metadata the validator acts on.
const FILE_META = {
  UP1KYO: { group: 'plan', monthPart: 'none', userKey: [2, 3, 14], title: '居宅サービス計画書（第1表）' },
  DLT1KYO: { group: 'plan', monthPart: 'none', userKey: [2, 3, 4], title: '居宅サービス計画書（第1表）削除', deleteFile: true },
  UP2KYO: { group: 'plan', monthPart: 'none', userKey: [2, 3, 5], title: '居宅サービス計画書（第2表）' },
  UP3KYO: { group: 'plan', monthPart: 'none', userKey: [2, 3, 5], title: '週間サービス計画表（第3表）' },
  UPHOSOKU: { group: 'shared', monthPart: 'monthOrZero', monthColumn: 63, userKey: [2, 3, 4, 63], title: '利用者補足情報' },
  UPPLAN: { group: 'ticket', monthPart: 'month', monthColumn: 5, userKey: [2, 3, 5], serviceLine: { officeColumn: 20, codeColumn: 15 }, title: '第6表 サービス利用票（予定）' },
  UPJSK: { group: 'ticket', monthPart: 'month', monthColumn: 5, userKey: [2, 3, 5], title: '第6表 サービス提供票（実績）' },
  DLTPLAN: { group: 'ticket', monthPart: 'month', monthColumn: 4, userKey: [2, 3, 4], title: '第6表（予定）削除', deleteFile: true },
  DLTJSK: { group: 'ticket', monthPart: 'month', monthColumn: 4, userKey: [2, 3, 4], title: '第6表（実績）削除', deleteFile: true },
  UPSIKYU: { group: 'ticket', monthPart: 'month', monthColumn: 5, userKey: [2, 3, 5], serviceLine: { officeColumn: 7, codeColumn: 9 }, title: '第7表 サービス利用票別表' },
  UPKIHON: { group: 'yobo', monthPart: 'none', userKey: [2, 3, 4], title: '利用者基本情報（介護予防）' },
  DLTKIHON: { group: 'yobo', monthPart: 'none', userKey: [2, 3, 4], title: '利用者基本情報 削除', deleteFile: true },
  UPKIHON_SUB1: { group: 'yobo', monthPart: 'none', userKey: [2, 3, 4], title: '利用者基本情報（別表1）1日の生活・すごし方' },
  UPKIHON_SUB2: { group: 'yobo', monthPart: 'none', userKey: [2, 3, 4], title: '利用者基本情報（別表2）現病歴・既往歴' },
  UPYOBO: { group: 'yobo', monthPart: 'none', userKey: [2, 3, 4], title: '介護予防サービス・支援計画書' },
  DLTYOBO: { group: 'yobo', monthPart: 'none', userKey: [2, 3, 4], title: '介護予防サービス・支援計画書 削除', deleteFile: true },
  UPYOBO_SUB: { group: 'yobo', monthPart: 'none', userKey: [2, 3, 4], title: '介護予防サービス・支援計画書（別表）' },
};

const RULES = {
  UPPLAN: [
    { rule: 'dateInMonth', column: 10, monthColumn: 5, source: 'derived from S1 (サービス利用日 within 対象年月)' },
    { rule: 'dayFlagsInMonth', column: 11, monthColumn: 5, source: 'derived from S1 (日割対象日: position n = day n)' },
    { rule: 'serviceTypeInScope', column: 15, source: 'S2 §1.3/1.4' },
    { rule: 'welfareEquipmentItem', serviceCodeColumn: 15, serviceTypes: ['17', '67'], anyOf: [16, 17], source: 'S1 第6表 No.16 note' },
    {
      rule: 'onlyForServiceTypes', column: 19, serviceCodeColumn: 15, serviceTypes: ['17'],
      uncertainTypes: { 67: '本文は「17:福祉用具貸与」以外は空とするとだけ書き、予防の 67 には触れていない。/ The text names only 17; its 予防 counterpart 67 is not mentioned.' },
      source: 'S1 第6表 No.19 (「「17:福祉用具貸与」以外の場合は「Null（空）」とする」; audit F15)',
    },
  ],
  UPSIKYU: [
    { rule: 'serviceTypeInScope', column: 9, source: 'S2 §1.3/1.4' },
    { rule: 'welfareEquipmentItem', serviceCodeColumn: 9, serviceTypes: ['17', '67'], anyOf: [10, 11], source: 'S1 第7表 No.10 note' },
    {
      rule: 'table7Totals', serviceCodeColumn: 9, officeColumn: 7, unitsColumn: 13, emptyOnTotals: [14, 15],
      subtotalRequiredWhy: '本文: 区分支給対象種類別小計（CD+AAAA）は「サービスコードが複数行の場合は必須」。区分支給限度外の加算を含む場合も、この字義どおりの読み方では必要。/ The spec: the xxAAAA subtotal is "required when there are several service-code rows"; read literally, this holds even when some rows are outside the limit.',
      subtotalWarnOnly: { 31: MED_31, 34: MED_31 },
      source: 'S1 第7表 No.9 (subtotal rows xxAAAA/EEEE/ZZZZ, total 999999/9999999999; audit F12)',
    },
  ],
  UPKIHON: [
    { rule: 'requiredWhen', column: 9, whenColumn: 8, values: ['03'], source: 'S1 利用者基本情報 No.8 (「「03:その他」の場合は、「相談方法(その他の内容)」に内容を記載する。」; audit F20)' },
    { rule: 'requiredWhen', column: 13, whenColumn: 12, values: ['02'], source: 'S1 利用者基本情報 No.12 (「「02:入院又は入所中」の場合は、「本人の現況(状況補足)」に内容を記載する。」; audit F21)' },
    { rule: 'companionFileName', column: 62, prefix: 'UPKIHON_IMAGE', source: 'S1 利用者基本情報 No.62 (「…は紐づく利用者基本情報のファイルと同様とする」; audit F22)' },
  ],
  UPYOBO_SUB: [
    { rule: 'blankOnRepeat', keyColumns: [2, 3, 4, 5], columns: [6, 7, 8, 9], source: 'S1 支援計画 (補足) 「課題の入力について、NO以外の項目は最初の行のみに内容を記載して2回目以降は空欄とする」; audit F27' },
    { rule: 'blankOnRepeat', keyColumns: [2, 3, 4, 5, 10], columns: [11, 12, 13], source: 'S1 支援計画 (補足), the same for 支援計画 (numbered within its 課題, per the row encoding); audit F27' },
  ],
  UPHOSOKU: [
    { rule: 'hosokuLink', planDateColumn: 4, monthColumn: 63, source: 'S1 利用者補足情報 No.4/No.63' },
    { rule: 'slotsInOrder', slotColumns: HOSOKU_SLOTS, width: 4, source: 'S1 利用者補足情報 No.20-55 (「サービス種類別限度額管理が必要な場合は１枠から順番に設定する」; audit F17)' },
    { rule: 'codeInstead', columns: HOSOKU_SLOTS, codes: { 23: '22', '2A': '22' }, source: `${SHORT_STAY_22}; audit F17` },
  ],
};
RULES.UPJSK = RULES.UPPLAN;

function convertColumn(prefix, c, overlay) {
  const bt = baseType(prefix, c);
  const col = { no: c.no, name: c.name, ...bt };
  if (col.length === undefined || col.length === null) { delete col.length; delete col.lengthKind; }
  col.required = !!c.required;
  if (c.codes && !c.codes.allowed && !c.codes['<svcType>AAAA']) col.codes = c.codes;
  if (c.format && !['フリーテキスト', 'YYYYMMDD', 'YYYYMM'].includes(c.format)) col.formatNote = c.format;
  if (bt.type === 'freeText') col.quoted = 'always';
  if (PERSONAL.test(c.name)) col.personal = true;
  const o = overlay[c.no] ?? {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'notes') continue;
    if (v === null) delete col[k];
    else col[k] = v;
  }
  if (col.type !== 'freeText') delete col.quoted;
  const notes = [c.notes, o.notes].filter(Boolean).join(' ');
  if (notes) col.notes = notes;
  if (c.uncertain && !('uncertain' in o)) col.uncertain = { note: c.uncertain };
  col.source = c.src ?? ['S1'];
  return col;
}

mkdirSync(outDir, { recursive: true });
const files = [
  ...tickets.files.filter((f) => f.prefix !== 'UPHOSOKU').map((f) => ({ f, from: 'tickets' })),
  ...careplan.files.map((f) => ({ f, from: 'careplan' })),
];
for (const { f } of files) {
  const prefix = f.prefix;
  const meta = FILE_META[prefix];
  if (!meta) throw new Error(`no meta for ${prefix}`);
  let columns = f.columns;
  if (!columns && f.columnsSameAs) columns = tickets.files.find((x) => x.id === f.columnsSameAs).columns;
  const overlay = overlayFor(prefix);
  const spec = {
    $schema: '../../schemas/spec-layout.schema.json',
    $comment: 'Generated by scripts/import-spec-reference.mjs from the team digest; edit the script, not this file.',
    specEdition: '4.1',
    csvVersion: '202407',
    prefix,
    title: meta.title,
    jaName: f.jaName,
    group: meta.group,
    direction: f.direction,
    fileName: {
      monthPart: meta.monthPart,
      example: f.fileNameExample,
      ...(f.fileNameExampleForPlan ? { exampleForPlan: f.fileNameExampleForPlan } : {}),
      ...(f.fileNameExampleNote ? { note: f.fileNameExampleNote } : {}),
    },
    ...(meta.monthColumn ? { monthColumn: meta.monthColumn } : {}),
    userKey: meta.userKey,
    ...(meta.serviceLine ? { serviceLine: meta.serviceLine } : {}),
    ...(meta.deleteFile ? { deleteFile: true } : {}),
    recordUnit: f.recordUnit ?? f.rowUnit ?? null,
    ...(f.rowEncoding ? { rowEncoding: f.rowEncoding } : {}),
    ...(f.requiredColumnsNote ? { requiredColumnsNote: f.requiredColumnsNote } : {}),
    ...(f.uncertain ? { uncertain: f.uncertain } : {}),
    columnCount: f.columnCount,
    columns: columns.map((c) => convertColumn(prefix, c, overlay)),
    rules: RULES[prefix] ?? [],
    sources: (f.src ?? (f.sources ?? []).map(urlToId)),
  };
  if (meta.deleteFile) spec.columns.forEach((c) => { c.required = true; });
  if (spec.columns.length !== spec.columnCount) throw new Error(`${prefix}: ${spec.columns.length} != ${spec.columnCount}`);
  writeFileSync(join(outDir, `${prefix}.json`), JSON.stringify(spec, null, 2) + '\n');
}
console.log(`wrote ${files.length} layouts to ${outDir}`);
