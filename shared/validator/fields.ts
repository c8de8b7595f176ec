// Per-column checks, compiled once per layout so the per-record loop stays cheap.
import type { ColumnSpec, EditionManifest, LayoutSpec } from '../spec/model.js';
import { isValidDate, isValidMonth, isValidTime } from './calendar.js';
import { isDayFlags, isInsuredNo, isItemCode, isPseudoShape, upperAlnum } from './charShapes.js';
import type { FindingCode } from './codes.js';
import { MASK, shorten, type FindingSink } from './findings.js';

/**
 * One column's check. The findings go to the `sink` it is given, so a layout's checks are compiled
 * once and shared by every file of that layout (compileColumns) instead of once per file.
 */
export type ColumnCheck = (sink: FindingSink, value: string, quoted: boolean, row: number, line: number) => void;

export interface FieldContext {
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

const POSTAL = /^\d{3}-\d{4}$/;

/** Under --redact, personal columns and every free-text column (names of doctors, staff…) are masked. */
export function displayValue(col: ColumnSpec, value: string, redact: boolean): string {
  return redact && (col.personal || col.type === 'freeText') ? MASK : shorten(value);
}

/** Compiled checks per layout (one file type of one spec edition), [plain, redacted]. */
const compiled = new WeakMap<LayoutSpec, [ColumnCheck[]?, ColumnCheck[]?]>();

/**
 * A layout's column checks, compiled on first use and shared by every file of that layout after it:
 * compiling cost about 75 µs a file, more than validating a small file's records. `ctx.manifest` is
 * the edition's of the catalog the layout belongs to, so the layout alone names what was compiled.
 */
export function compileColumns(layout: LayoutSpec, ctx: FieldContext): ColumnCheck[] {
  let cached = compiled.get(layout);
  if (!cached) compiled.set(layout, (cached = []));
  const i = ctx.redact ? 1 : 0;
  return (cached[i] ??= layout.columns.map((c) => compileColumn(c, ctx)));
}

export function compileColumn(col: ColumnSpec, ctx: FieldContext): ColumnCheck {
  const field = col.name;
  const column = col.no;
  // Null when the column has none, so most values skip the lookups: hashing every value of a
  // 50 MB file for an empty set cost about 5 % of the validator's time.
  const allow = col.allow?.length ? new Set(col.allow) : null;
  const uncertainValues = Object.entries(col.allowUncertain ?? {});
  const allowUncertain = uncertainValues.length ? new Map(uncertainValues) : null;
  const uncertainFormat = col.uncertain?.format;
  const emit = (sink: FindingSink, code: FindingCode, row: number, line: number, value: string, extra: Record<string, string | number> = {}) =>
    sink.emit(code, { row, line, column, field }, { value: displayValue(col, value, ctx.redact), ...extra });

  /** A format problem: an error, or a warning where the spec's format for this column is UNCERTAIN. */
  const formatProblem = (sink: FindingSink, code: FindingCode, row: number, line: number, value: string, extra: Record<string, string | number> = {}) => {
    if (uncertainFormat && col.type !== 'officeNo') emit(sink, 'W_FIELD_FORMAT_UNCERTAIN', row, line, value, { why: uncertainFormat });
    else emit(sink, code, row, line, value, extra);
  };

  // Read once here, not per value: columns differ in shape, so reading them per value was a slow polymorphic load.
  const { length, required } = col;
  const fixed = col.lengthKind === 'fixed';
  const lengthCheck = (sink: FindingSink, value: string, row: number, line: number): boolean => {
    if (length === undefined) return true;
    const len = value.length;
    if (fixed ? len === length : len <= length) return true;
    if (col.uncertain?.length) {
      emit(sink, 'W_FIELD_TOO_LONG_UNCERTAIN', row, line, value, { actual: len, expected: length, why: col.uncertain.length });
      return true;
    }
    if (fixed) emit(sink, 'E_FIELD_LENGTH', row, line, value, { actual: len, expected: length });
    else emit(sink, 'E_FIELD_TOO_LONG', row, line, value, { actual: len, expected: length });
    return false;
  };

  const typeCheck = typeChecker(col, ctx, emit, formatProblem, lengthCheck);

  return (sink, value, quoted, row, line) => {
    if (value === '') {
      if (!required) return;
      if (col.uncertain?.required) sink.emit('W_FIELD_REQUIRED_UNCERTAIN', { row, line, column, field }, { why: col.uncertain.required });
      else sink.emit('E_FIELD_REQUIRED', { row, line, column, field });
      return;
    }
    if (allow?.has(value)) return;
    if (allowUncertain) {
      const why = allowUncertain.get(value);
      if (why !== undefined) {
        emit(sink, 'W_FIELD_VALUE_UNCERTAIN', row, line, value, { why });
        return;
      }
    }
    typeCheck(sink, value, quoted, row, line);
  };
}

type Emit = (sink: FindingSink, code: FindingCode, row: number, line: number, value: string, extra?: Record<string, string | number>) => void;

function typeChecker(
  col: ColumnSpec,
  ctx: FieldContext,
  emit: Emit,
  formatProblem: Emit,
  lengthCheck: (sink: FindingSink, value: string, row: number, line: number) => boolean,
): ColumnCheck {
  const types = ctx.manifest.serviceTypes;
  /** The check of a type with one rule: `code` for a value that `ok` refuses. */
  const only =
    (ok: (v: string) => boolean, code: FindingCode) =>
    (s: FindingSink, v: string, _q: boolean, row: number, line: number): void => {
      if (!ok(v)) emit(s, code, row, line, v);
    };
  switch (col.type) {
    case 'csvVersion':
      return (s, v, _q, row, line) => {
        if (!allDigits(v)) emit(s, 'E_FIELD_NOT_DIGITS', row, line, v);
        else lengthCheck(s, v, row, line);
      };
    case 'insurerNo':
      return only((v) => v.length === 6 && allDigits(v), 'E_FIELD_INSURER_NUMBER');
    case 'insuredNo':
      return only(isInsuredNo, 'E_FIELD_INSURED_NUMBER');
    case 'officeNo':
      return only((v) => v.length === 10 && allDigits(v), 'E_FIELD_OFFICE_NUMBER');
    case 'serviceType':
      return (s, v, _q, row, line) => {
        if (!upperAlnum(v, 2)) emit(s, 'E_FIELD_SERVICE_TYPE', row, line, v);
        else if (!(v in types.inScope || v in types.outOfScope || v in types.planning)) emit(s, 'W_FIELD_SERVICE_TYPE_UNKNOWN', row, line, v);
      };
    case 'serviceCode': {
      const allowPseudo = col.allowPseudo === true;
      return (s, v, _q, row, line) => {
        if (!upperAlnum(v, 6)) emit(s, 'E_FIELD_SERVICE_CODE', row, line, v);
        else if (!allowPseudo && isPseudoShape(v)) emit(s, 'E_FIELD_PSEUDO_SERVICE_CODE', row, line, v);
      };
    }
    case 'itemCode':
      return (s, v, _q, row, line) => {
        if (!lengthCheck(s, v, row, line)) return;
        if (!isItemCode(v)) {
          if (col.uncertain?.format) emit(s, 'W_FIELD_ITEM_CODE_FORMAT', row, line, v, { why: col.uncertain.format });
          else emit(s, 'E_FIELD_PATTERN', row, line, v, { format: '00000-000000' });
        }
      };
    case 'digits':
    case 'integer': {
      const signed = col.type === 'integer' && col.signed === true;
      const range = col.range;
      return (s, v, _q, row, line) => {
        const from = signed && v.charCodeAt(0) === 45 ? 1 : 0;
        if (!allDigits(v, from)) {
          formatProblem(s, col.type === 'integer' ? 'E_FIELD_NOT_INTEGER' : 'E_FIELD_NOT_DIGITS', row, line, v);
          return;
        }
        if (!lengthCheck(s, v, row, line)) return;
        if (range) {
          const n = Number(v);
          if (n < range[0] || n > range[1]) emit(s, 'E_FIELD_OUT_OF_RANGE', row, line, v, { min: range[0], max: range[1] });
        }
      };
    }
    case 'decimal': {
      const re = new RegExp(col.pattern ?? '^\\d+(?:\\.\\d+)?$');
      return (s, v, _q, row, line) => {
        if (!re.test(v)) emit(s, 'E_FIELD_DECIMAL', row, line, v, { format: col.patternLabel ?? col.pattern ?? '99.99' });
        else lengthCheck(s, v, row, line);
      };
    }
    case 'code': {
      const codes = col.codes ?? {};
      const list = Object.entries(codes)
        .map(([k, label]) => `${k}=${label}`)
        .join('、');
      return (s, v, _q, row, line) => {
        if (!(v in codes)) emit(s, 'E_FIELD_CODE', row, line, v, { allowed: list });
      };
    }
    case 'date':
      return only(isValidDate, 'E_FIELD_DATE');
    case 'month':
      return only(isValidMonth, 'E_FIELD_MONTH');
    case 'time': {
      const allowed = col.allow ?? [];
      const extra = allowed.length ? { allowed: `（時刻なしは ${allowed.join('・')}）`, allowedEn: ` (${allowed.join(', ')} for no time)` } : { allowed: '', allowedEn: '' };
      return (s, v, _q, row, line) => {
        if (!isValidTime(v)) emit(s, 'E_FIELD_TIME', row, line, v, extra);
      };
    }
    case 'postal':
      return only((v) => POSTAL.test(v), 'E_FIELD_POSTAL');
    case 'dayFlags':
      return (s, v, _q, row, line) => {
        if (!isDayFlags(v)) {
          emit(s, 'E_FIELD_DAY_FLAGS', row, line, v);
          return;
        }
        if (v.length !== 31) {
          if (col.uncertain?.length) emit(s, 'W_FIELD_DAY_FLAGS_LENGTH', row, line, v, { actual: v.length, why: col.uncertain.length });
          else emit(s, 'E_FIELD_LENGTH', row, line, v, { actual: v.length, expected: 31 });
        }
      };
    case 'text': {
      const re = col.pattern ? new RegExp(col.pattern) : null;
      return (s, v, _q, row, line) => {
        if (!lengthCheck(s, v, row, line)) return;
        if (re && !re.test(v)) formatProblem(s, 'E_FIELD_PATTERN', row, line, v, { format: col.patternLabel ?? col.pattern ?? '' });
      };
    }
    case 'freeText': {
      // Most free text has no length (―); the few that have one (UPYOBO_SUB's NO columns) or a
      // naming rule (UPKIHON No.62) are checked after the quoting.
      const re = col.pattern ? new RegExp(col.pattern) : null;
      return (s, v, quoted, row, line) => {
        if (!quoted) emit(s, 'E_FIELD_FREE_TEXT_UNQUOTED', row, line, v);
        if (!lengthCheck(s, v, row, line)) return;
        if (re && !re.test(v)) formatProblem(s, 'E_FIELD_PATTERN', row, line, v, { format: col.patternLabel ?? col.pattern ?? '' });
      };
    }
  }
}
