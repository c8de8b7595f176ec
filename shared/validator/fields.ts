// Per-column checks, compiled once per layout so the per-record loop stays cheap.
import type { ColumnSpec, EditionManifest } from '../spec/model.js';
import { isValidDate, isValidMonth, isValidTime } from './calendar.js';
import type { FindingCode } from './codes.js';
import { MASK, shorten, type FindingSink } from './findings.js';

export type ColumnCheck = (value: string, quoted: boolean, row: number, line: number) => void;

export interface FieldContext {
  sink: FindingSink;
  manifest: EditionManifest;
  redact: boolean;
}

function allDigits(v: string, from = 0): boolean {
  if (v.length <= from) return false;
  for (let i = from; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

const INSURED = /^(?:\d{10}|H\d{9})$/;
const SERVICE_TYPE = /^[0-9A-Z]{2}$/;
const SERVICE_CODE = /^[0-9A-Z]{6}$/;
const ITEM_CODE = /^\d{5}-\d{6}$/;
const POSTAL = /^\d{3}-\d{4}$/;
const DAY_FLAGS = /^[01]*$/;
/** 第7表's subtotal and total rows (xxAAAA, xxEEEE, xxZZZZ, 999999): not real services. */
const PSEUDO_CODE = /^(?:[0-9A-Z]{2}(?:AAAA|EEEE|ZZZZ)|999999)$/;

/** Under --redact, personal columns and every free-text column (names of doctors, staff…) are masked. */
export function displayValue(col: ColumnSpec, value: string, redact: boolean): string {
  return redact && (col.personal || col.type === 'freeText') ? MASK : shorten(value);
}

export function compileColumn(col: ColumnSpec, ctx: FieldContext): ColumnCheck {
  const { sink } = ctx;
  const field = col.name;
  const column = col.no;
  // Null when the column has none, so most values skip the lookups: hashing every value of a
  // 50 MB file for an empty set cost about 5 % of the validator's time.
  const allow = col.allow?.length ? new Set(col.allow) : null;
  const uncertainValues = Object.entries(col.allowUncertain ?? {});
  const allowUncertain = uncertainValues.length ? new Map(uncertainValues) : null;
  const uncertainFormat = col.uncertain?.format;
  const emit = (code: FindingCode, row: number, line: number, value: string, extra: Record<string, string | number> = {}) =>
    sink.emit(code, { row, line, column, field }, { value: displayValue(col, value, ctx.redact), ...extra });

  /** A format problem: an error, or a warning where the spec's format for this column is UNCERTAIN. */
  const formatProblem = (code: FindingCode, row: number, line: number, value: string, extra: Record<string, string | number> = {}) => {
    if (uncertainFormat && col.type !== 'officeNo') emit('W_FIELD_FORMAT_UNCERTAIN', row, line, value, { why: uncertainFormat });
    else emit(code, row, line, value, extra);
  };

  const lengthCheck = (value: string, row: number, line: number): boolean => {
    if (col.length === undefined) return true;
    const len = value.length;
    if (col.lengthKind === 'fixed' ? len === col.length : len <= col.length) return true;
    if (col.uncertain?.length) {
      emit('W_FIELD_TOO_LONG_UNCERTAIN', row, line, value, { actual: len, expected: col.length, why: col.uncertain.length });
      return true;
    }
    if (col.lengthKind === 'fixed') emit('E_FIELD_LENGTH', row, line, value, { actual: len, expected: col.length });
    else emit('E_FIELD_TOO_LONG', row, line, value, { actual: len, expected: col.length });
    return false;
  };

  const typeCheck = typeChecker(col, ctx, emit, formatProblem, lengthCheck);

  return (value, quoted, row, line) => {
    if (value === '') {
      if (!col.required) return;
      if (col.uncertain?.required) sink.emit('W_FIELD_REQUIRED_UNCERTAIN', { row, line, column, field }, { why: col.uncertain.required });
      else sink.emit('E_FIELD_REQUIRED', { row, line, column, field });
      return;
    }
    if (allow?.has(value)) return;
    if (allowUncertain) {
      const why = allowUncertain.get(value);
      if (why !== undefined) {
        emit('W_FIELD_VALUE_UNCERTAIN', row, line, value, { why });
        return;
      }
    }
    typeCheck(value, quoted, row, line);
  };
}

type Emit = (code: FindingCode, row: number, line: number, value: string, extra?: Record<string, string | number>) => void;

function typeChecker(
  col: ColumnSpec,
  ctx: FieldContext,
  emit: Emit,
  formatProblem: Emit,
  lengthCheck: (value: string, row: number, line: number) => boolean,
): (value: string, quoted: boolean, row: number, line: number) => void {
  const types = ctx.manifest.serviceTypes;
  /** The check of a type with one rule: `code` for a value that `ok` refuses. */
  const only =
    (ok: (v: string) => boolean, code: FindingCode) =>
    (v: string, _q: boolean, row: number, line: number): void => {
      if (!ok(v)) emit(code, row, line, v);
    };
  switch (col.type) {
    case 'csvVersion':
      return (v, _q, row, line) => {
        if (!allDigits(v)) emit('E_FIELD_NOT_DIGITS', row, line, v);
        else lengthCheck(v, row, line);
      };
    case 'insurerNo':
      return only((v) => v.length === 6 && allDigits(v), 'E_FIELD_INSURER_NUMBER');
    case 'insuredNo':
      return only((v) => INSURED.test(v), 'E_FIELD_INSURED_NUMBER');
    case 'officeNo':
      return only((v) => v.length === 10 && allDigits(v), 'E_FIELD_OFFICE_NUMBER');
    case 'serviceType':
      return (v, _q, row, line) => {
        if (!SERVICE_TYPE.test(v)) emit('E_FIELD_SERVICE_TYPE', row, line, v);
        else if (!(v in types.inScope || v in types.outOfScope || v in types.planning)) emit('W_FIELD_SERVICE_TYPE_UNKNOWN', row, line, v);
      };
    case 'serviceCode':
      return (v, _q, row, line) => {
        if (!SERVICE_CODE.test(v)) emit('E_FIELD_SERVICE_CODE', row, line, v);
        else if (!col.allowPseudo && PSEUDO_CODE.test(v)) emit('E_FIELD_PSEUDO_SERVICE_CODE', row, line, v);
      };
    case 'itemCode':
      return (v, _q, row, line) => {
        if (!lengthCheck(v, row, line)) return;
        if (!ITEM_CODE.test(v)) {
          if (col.uncertain?.format) emit('W_FIELD_ITEM_CODE_FORMAT', row, line, v, { why: col.uncertain.format });
          else emit('E_FIELD_PATTERN', row, line, v, { format: '00000-000000' });
        }
      };
    case 'digits':
    case 'integer': {
      const signed = col.type === 'integer' && col.signed === true;
      return (v, _q, row, line) => {
        const from = signed && v.charCodeAt(0) === 45 ? 1 : 0;
        if (!allDigits(v, from)) {
          formatProblem(col.type === 'integer' ? 'E_FIELD_NOT_INTEGER' : 'E_FIELD_NOT_DIGITS', row, line, v);
          return;
        }
        if (!lengthCheck(v, row, line)) return;
        if (col.range) {
          const n = Number(v);
          if (n < col.range[0] || n > col.range[1]) emit('E_FIELD_OUT_OF_RANGE', row, line, v, { min: col.range[0], max: col.range[1] });
        }
      };
    }
    case 'decimal': {
      const re = new RegExp(col.pattern ?? '^\\d+(?:\\.\\d+)?$');
      return (v, _q, row, line) => {
        if (!re.test(v)) emit('E_FIELD_DECIMAL', row, line, v, { format: col.patternLabel ?? col.pattern ?? '99.99' });
        else lengthCheck(v, row, line);
      };
    }
    case 'code': {
      const codes = col.codes ?? {};
      const list = Object.entries(codes)
        .map(([k, label]) => `${k}=${label}`)
        .join('、');
      return (v, _q, row, line) => {
        if (!(v in codes)) emit('E_FIELD_CODE', row, line, v, { allowed: list });
      };
    }
    case 'date':
      return only(isValidDate, 'E_FIELD_DATE');
    case 'month':
      return only(isValidMonth, 'E_FIELD_MONTH');
    case 'time': {
      const allowed = col.allow ?? [];
      const extra = allowed.length ? { allowed: `（時刻なしは ${allowed.join('・')}）`, allowedEn: ` (${allowed.join(', ')} for no time)` } : { allowed: '', allowedEn: '' };
      return (v, _q, row, line) => {
        if (!isValidTime(v)) emit('E_FIELD_TIME', row, line, v, extra);
      };
    }
    case 'postal':
      return only((v) => POSTAL.test(v), 'E_FIELD_POSTAL');
    case 'dayFlags':
      return (v, _q, row, line) => {
        if (!DAY_FLAGS.test(v)) {
          emit('E_FIELD_DAY_FLAGS', row, line, v);
          return;
        }
        if (v.length !== 31) {
          if (col.uncertain?.length) emit('W_FIELD_DAY_FLAGS_LENGTH', row, line, v, { actual: v.length, why: col.uncertain.length });
          else emit('E_FIELD_LENGTH', row, line, v, { actual: v.length, expected: 31 });
        }
      };
    case 'text': {
      const re = col.pattern ? new RegExp(col.pattern) : null;
      return (v, _q, row, line) => {
        if (!lengthCheck(v, row, line)) return;
        if (re && !re.test(v)) formatProblem('E_FIELD_PATTERN', row, line, v, { format: col.patternLabel ?? col.pattern ?? '' });
      };
    }
    case 'freeText': {
      // Most free text has no length (―); the few that have one (UPYOBO_SUB's NO columns) or a
      // naming rule (UPKIHON No.62) are checked after the quoting.
      const re = col.pattern ? new RegExp(col.pattern) : null;
      return (v, quoted, row, line) => {
        if (!quoted) emit('E_FIELD_FREE_TEXT_UNQUOTED', row, line, v);
        if (!lengthCheck(v, row, line)) return;
        if (re && !re.test(v)) formatProblem('E_FIELD_PATTERN', row, line, v, { format: col.patternLabel ?? col.pattern ?? '' });
      };
    }
  }
}
