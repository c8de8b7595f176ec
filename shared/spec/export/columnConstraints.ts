// 項目の制約を、検査器（shared/validator/fields.ts）がエラーにするものだけに絞って取り出す。
// What the validator treats as an error for one column, as plain constraints (required, lengths, a
// pattern, a list of codes) that other schema languages can state. The exports (tableSchema.ts,
// jsonSchema.ts) are generated from specs/ through this, never written by hand. A rule that only
// warns (an `uncertain` aspect) is left out of the constraints and named in the notes, so a file the
// validator passes never fails an exported schema; what no such language can say (the day exists in
// the month, quoting, rules across columns and records) is in the notes too.
import type { ColumnSpec } from '../model.js';

export interface ColumnConstraints {
  /** Empty is an error (not only a warning). */
  required: boolean;
  minLength?: number;
  maxLength?: number;
  /** A JavaScript/Python regular expression anchored with ^ and $, for a value that is not empty. */
  pattern?: string;
  /** The only values allowed (code lists, with any special values), when the column is a code. */
  enum?: string[];
  /** Integer columns: the bounds their length and range give. */
  minimum?: number;
  maximum?: number;
  /** What the constraints leave to the validator, in Japanese / English. */
  notes: string[];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const YEAR = '(?:19|2\\d)\\d{2}';
const MONTH = '(?:0[1-9]|1[0-2])';
const DAY = '(?:0[1-9]|[12]\\d|3[01])';

/** The regular expression (without anchors) of a non-empty value of the column's type, when it has one. */
function typeBody(col: ColumnSpec, loose: boolean): string | undefined {
  switch (col.type) {
    case 'csvVersion':
      return '\\d+';
    case 'insurerNo':
      return '\\d{6}';
    case 'insuredNo':
      return '\\d{10}|H\\d{9}';
    case 'officeNo':
      return '\\d{10}';
    case 'serviceType':
      return '[0-9A-Z]{2}';
    case 'serviceCode':
      return '[0-9A-Z]{6}';
    case 'itemCode':
      return loose ? undefined : '\\d{5}-\\d{6}';
    case 'digits':
      return loose ? undefined : '\\d+';
    case 'integer':
      return loose ? undefined : col.signed ? '-?\\d+' : '\\d+';
    case 'decimal':
      return (col.pattern ?? '^\\d+(?:\\.\\d+)?$').replace(/^\^/, '').replace(/\$$/, '');
    case 'date':
      return `${YEAR}${MONTH}${DAY}`;
    case 'month':
      return `${YEAR}${MONTH}`;
    case 'time':
      return '(?:[01]\\d|2[0-3])[0-5]\\d';
    case 'postal':
      return '\\d{3}-\\d{4}';
    case 'dayFlags':
      return '[01]*';
    case 'text':
    case 'freeText':
      return col.pattern && !loose ? col.pattern.replace(/^\^/, '').replace(/\$$/, '') : undefined;
    case 'code':
      return undefined;
  }
}

export function columnConstraints(col: ColumnSpec): ColumnConstraints {
  const notes: string[] = [];
  const u = col.uncertain ?? {};
  // officeNo and code columns fail on their format whatever the reading (fields.ts); the others warn when it is uncertain.
  const loose = u.format !== undefined && col.type !== 'officeNo' && col.type !== 'code';
  const special = [...(col.allow ?? []), ...Object.keys(col.allowUncertain ?? {})];
  const out: ColumnConstraints = { required: col.required && u.required === undefined, notes };
  if (col.required && u.required !== undefined) notes.push('空欄は警告のみ（必須かどうか不確か） / empty is only a warning');
  if (loose) notes.push('書式違いは警告のみ（書式が不確か） / a format problem is only a warning');

  // Length: dayFlags are always 31 characters; others by length and lengthKind, unless only a warning.
  let min: number | undefined;
  let max: number | undefined;
  if (col.type === 'dayFlags') {
    if (u.length === undefined) min = max = 31;
  } else if (col.length !== undefined && u.length === undefined && col.type !== 'code') {
    max = col.length;
    if (col.lengthKind === 'fixed') min = col.length;
  }
  if (u.length !== undefined) notes.push('長さの違いは警告のみ（長さが不確か） / a length problem is only a warning');
  // Special values (9999, 00000000, 2400) pass whatever the type says: keep a length only if they fit it too.
  const fits = special.every((v) => (min === undefined || v.length >= min) && (max === undefined || v.length <= max));
  if (fits) {
    if (min !== undefined) out.minLength = min;
    if (max !== undefined) out.maxLength = max;
  }

  if (col.type === 'code') {
    out.enum = [...Object.keys(col.codes ?? {}), ...special];
  } else {
    const body = typeBody(col, loose);
    if (body !== undefined) {
      // A length the special values do not fit is folded into the pattern instead.
      const sized = !fits && (min !== undefined || max !== undefined) ? `(?=.{${min ?? 0},${max ?? ''}}$)(?:${body})` : body;
      out.pattern = `^(?:${[sized, ...special.map(escapeRe)].join('|')})$`;
    }
  }
  if (col.type === 'integer' && !loose && special.length === 0) {
    const digits = out.maxLength;
    if (digits !== undefined) {
      out.maximum = 10 ** digits - 1;
      out.minimum = col.signed ? -(10 ** (digits - 1) - 1) : 0;
    } else if (!col.signed) out.minimum = 0;
  }
  if (col.range) {
    notes.push(`範囲 ${col.range[0]}〜${col.range[1]} / range ${col.range[0]}-${col.range[1]}`);
    if (col.type === 'integer' && !loose) {
      out.minimum = Math.max(out.minimum ?? col.range[0], col.range[0]);
      out.maximum = Math.min(out.maximum ?? col.range[1], col.range[1]);
    }
  }
  if (col.type === 'date') notes.push('その月にある日付であること（2月30日などは不可） / the day must exist in its month');
  if (col.type === 'serviceType') notes.push('既知のサービス種類でなければ警告 / an unknown service type is a warning');
  if (col.type === 'serviceCode') {
    notes.push(col.allowPseudo ? '小計・合計のコード（xxAAAA, xxEEEE, xxZZZZ, 999999）も可 / subtotal and total codes allowed' : '小計・合計のコード（xxAAAA 等, 999999）は不可 / subtotal and total codes are refused');
  }
  if (col.quoted === 'always') notes.push('値は必ず "…" で囲む / always quoted');
  for (const [value, why] of Object.entries(col.allowUncertain ?? {})) notes.push(`${value} は警告つきで可: ${why}`);
  return out;
}
