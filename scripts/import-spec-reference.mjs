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

// Overlays: facts the digest states in prose, or policy for UNCERTAIN facts.
const OVERLAY = {
  'UPPLAN|UPJSK': {
    6: { uncertain: { required: 'PDF本文では No.1〜7 に必須印が7つあるが、公開実装は No.6〜7 を任意扱い。確認まで警告。/ The PDF text shows 7 required marks (No.1-7); a public implementation treats No.6-7 as optional. Warning until confirmed.' } },
    7: { uncertain: { required: 'No.6 と同じ理由。/ Same as No.6.' } },
    8: { signed: true, notes: '割引後の単位数。共生型減算は月初日のみ、他の日は0。/ Units after discount.' },
    11: { uncertain: { length: '30日・28日の月でも31桁固定かは明記なし（31桁固定と解釈）。/ Whether the string is 31 characters in shorter months is not stated (31 assumed).' } },
    12: { allow: ['9999'] },
    13: { allow: ['9999'] },
    16: { uncertain: { format: '書式は例示「00001-000010」のみ。/ Format known only from the example 00001-000010.' } },
    17: { uncertain: { format: '書式は例示「00001-000010」のみ。/ Format known only from the example 00001-000010.' } },
    19: { length: 2, lengthKind: 'max', uncertain: { length: 'PDF本文で項目長が読めない（公開実装は2）。/ Length unreadable in the PDF text (an implementation uses 2).' } },
  },
  UPSIKYU: {
    9: { allowPseudo: true },
    13: { signed: true },
    14: { uncertain: { length: '項目長は崩れたPDF本文からの読み取り。/ Length read from garbled PDF text.' } },
    15: { signed: true, uncertain: { length: '項目長は崩れたPDF本文からの読み取り。/ Length read from garbled PDF text.' } },
    17: { uncertain: { length: '項目長5は位置からの推定。/ Length 5 is a positional reading.' } },
    23: { pattern: '^\\d{1,3}\\.\\d{2}$', patternLabel: '99.99' },
    25: { uncertain: { length: '項目長6は読み取りどおり（実値は2〜3桁）。/ Length 6 as read; real values have 2-3 digits.' } },
    30: { length: 5, uncertain: { length: '第4.1版本文は2だが第3.2版で5に拡張済み。5まで許容。/ 4.1 text shows 2, 3.2 raised it to 5; up to 5 accepted.' } },
    34: { uncertain: { format: '「9999999999固定」の注記が No.34 か No.35 のものか不明。/ The 9999999999-fixed note may belong to No.35.' } },
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
    15: { uncertain: { required: '必須印の位置合わせからの推定。/ Required mark read from OCR column alignment.' } },
  },
  UP2KYO: {
    6: { range: [1, 99] }, 8: { range: [1, 99] }, 13: { range: [1, 99] },
  },
  'UPKIHON': { 35: { uncertain: { format: '書式の記載なし。/ No format shown.' } } },
  'UPYOBO_SUB': {
    5: { uncertain: { format: 'NO列の書式は「フリーテキスト」とも読める。/ The NO columns may be free text.' } },
    10: { uncertain: { format: 'No.5 と同じ。/ Same as No.5.' } },
    14: { uncertain: { format: 'No.5 と同じ。/ Same as No.5.' } },
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
  ],
  UPSIKYU: [
    { rule: 'serviceTypeInScope', column: 9, source: 'S2 §1.3/1.4' },
    { rule: 'welfareEquipmentItem', serviceCodeColumn: 9, serviceTypes: ['17', '67'], anyOf: [10, 11], source: 'S1 第7表 No.10 note' },
    {
      rule: 'table7Totals', serviceCodeColumn: 9, officeColumn: 7, unitsColumn: 13, emptyOnTotals: [14, 15],
      subtotalMissingWhy: '小計行は区分支給限度の対象となる種類で複数コードがあるときに必要とされるが、対象かどうかはサービスコード表なしには判定できない（区分支給対象外の加算もある）ため警告。/ The subtotal is required for limit-managed types with several codes; without the service code table the validator cannot tell which codes count, so this is a warning.',
      source: 'S1 第7表 (subtotal rows xxAAAA/EEEE/ZZZZ, total 999999/9999999999)',
    },
  ],
  UPHOSOKU: [
    { rule: 'hosokuLink', planDateColumn: 4, monthColumn: 63, source: 'S1 利用者補足情報 No.4/No.63' },
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
    col[k] = v;
  }
  const notes = [c.notes, o.notes].filter(Boolean).join(' ');
  if (notes) col.notes = notes;
  if (c.uncertain && !col.uncertain) col.uncertain = { note: c.uncertain };
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
