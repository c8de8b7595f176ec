// Reading what crosses a boundary (a file on disk, the spec data, a spool record) with a zod schema.
// When it does not fit, the first problem becomes text a person can act on, in both languages and
// naming the field as it is written in the file (`folders.export`, `columns[3].type`). Callers wrap
// the text in their own LocalizedError subclass, which names the file.
import type { z } from 'zod';
import type { LocalizedText } from './errors.js';

/** What did not fit: the field (empty for the whole value) and a sentence about it in each language. */
export interface BoundaryProblem extends LocalizedText {
  field: string;
}

export type BoundaryResult<T> = { ok: true; data: T } | { ok: false; problem: BoundaryProblem };

/**
 * What a field should hold, in words (e.g. 10桁の事業所番号 / 10-digit office number), keyed by the
 * field without array indexes (`trust`, `folders.export`). A field without its own hint takes its
 * parent's.
 */
export type FieldHints = Readonly<Record<string, LocalizedText>>;

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

/** The field as a person finds it in the file: keys joined by dots, array positions in brackets. */
export function fieldPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? String(key) : `.${String(key)}`;
  return out;
}

const TYPE_NAMES: Record<string, LocalizedText> = {
  string: { ja: '文字列', en: 'a string' },
  number: { ja: '数値', en: 'a number' },
  int: { ja: '整数', en: 'an integer' },
  boolean: { ja: 'true か false', en: 'true or false' },
  array: { ja: '一覧（[ … ]）', en: 'a list ([ … ])' },
  object: { ja: 'オブジェクト（{ … }）', en: 'an object ({ … })' },
  null: { ja: 'null', en: 'null' },
};

function typeName(expected: string): LocalizedText {
  return TYPE_NAMES[expected] ?? { ja: expected, en: expected };
}

/** A short, safe rendering of a value for a message (long strings and objects are cut). */
function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function listed(values: readonly unknown[]): string {
  const all = values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return all.length > 12 ? `${all.slice(0, 12).join(', ')}, ...` : all.join(', ');
}

/** The word for a value of a field: `type` for `columns[1].type`, else "value". */
function noun(path: readonly PathKey[]): string {
  const last = path[path.length - 1];
  return typeof last === 'string' ? last : 'value';
}

function sizeText(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>): LocalizedText {
  const small = issue.code === 'too_small';
  const limit = Number(small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum);
  const inclusive = issue.inclusive !== false;
  if (issue.origin === 'string' && small && limit === 1) return { ja: 'が空です', en: 'is empty' };
  if (issue.origin === 'array' || issue.origin === 'set') {
    const entries = limit === 1 ? 'entry' : 'entries';
    return small ? { ja: `には ${limit} 件以上が必要です`, en: `needs at least ${limit} ${entries}` } : { ja: `は ${limit} 件までです`, en: `takes at most ${limit} ${entries}` };
  }
  if (issue.origin === 'string') {
    return small ? { ja: `には ${limit} 文字以上が必要です`, en: `needs at least ${limit} characters` } : { ja: `は ${limit} 文字までです`, en: `takes at most ${limit} characters` };
  }
  if (small) return inclusive ? { ja: `は ${limit} 以上でなければなりません`, en: `must be at least ${limit}` } : { ja: `は ${limit} より大きくなければなりません`, en: `must be greater than ${limit}` };
  return inclusive ? { ja: `は ${limit} 以下でなければなりません`, en: `must be at most ${limit}` } : { ja: `は ${limit} より小さくなければなりません`, en: `must be less than ${limit}` };
}

/**
 * What is wrong, without the field: 「がありません」 / "is missing". Needs the issue's input (parse with
 * reportInput). With a hint at hand, a pattern is left out: the hint says the same in words.
 */
function whatIsWrong(issue: Issue, hinted: boolean): LocalizedText {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return { ja: 'がありません', en: 'is missing' };
      const t = typeName(issue.expected);
      return { ja: `は${t.ja}でなければなりません（${shown(issue.input)} は使えません）`, en: `must be ${t.en}, not ${shown(issue.input)}` };
    }
    case 'too_small':
    case 'too_big':
      return sizeText(issue);
    case 'invalid_format': {
      const pattern = hinted ? undefined : (issue as { pattern?: string }).pattern;
      const got = issue.input === undefined ? '' : `: ${shown(issue.input)}`;
      return pattern ? { ja: `の形が正しくありません（${pattern}）${got}`, en: `does not have the expected form (${pattern})${got}` } : { ja: `の形が正しくありません${got}`, en: `does not have the expected form${got}` };
    }
    case 'invalid_value':
      if (issue.values.length === 1) return { ja: `は ${shown(issue.values[0])} でなければなりません（${shown(issue.input)}）`, en: `must be ${shown(issue.values[0])}, not ${shown(issue.input)}` };
      return { ja: `に使えない値です: ${shown(issue.input)}（使える値: ${listed(issue.values)}）`, en: `: unknown ${noun(issue.path)} ${shown(issue.input)} (expected one of ${listed(issue.values)})` };
    case 'unrecognized_keys':
      return { ja: `に知らない項目があります: ${issue.keys.join(', ')}`, en: `has unknown keys: ${issue.keys.join(', ')}` };
    case 'invalid_union': {
      const u = issue as { discriminator?: string; options?: unknown[] };
      if (u.discriminator && u.options) {
        const value = (issue.input as Record<string, unknown> | undefined)?.[u.discriminator];
        return { ja: `に使えない値です: ${shown(value)}（使える値: ${listed(u.options)}）`, en: `: unknown ${u.discriminator} ${shown(value)} (expected one of ${listed(u.options)})` };
      }
      return { ja: 'が許される形のどれにも合いません', en: 'fits none of the allowed forms' };
    }
    default:
      return { ja: `が正しくありません（${issue.message}）`, en: `is invalid (${issue.message})` };
  }
}

function hintFor(field: string, hints: FieldHints): LocalizedText | undefined {
  const parts = field.replace(/\[\d+\]/g, '').split('.');
  for (let n = parts.length; n > 0; n--) {
    const hint = hints[parts.slice(0, n).join('.')];
    if (hint) return hint;
  }
  return undefined;
}

/** One issue as a sentence naming its field, with the field's hint when there is one. */
export function describeIssue(issue: Issue, hints: FieldHints = {}): BoundaryProblem {
  // A discriminator names the field that holds it (`rules[0].rule`), an unknown key the key itself.
  const union = issue.code === 'invalid_union' ? (issue as { discriminator?: string }).discriminator : undefined;
  const path = union && issue.path[issue.path.length - 1] !== union ? [...issue.path, union] : issue.path;
  const field = fieldPath(issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? [...path, issue.keys[0]!] : path);
  const hint = hintFor(field, hints);
  const wrong = whatIsWrong(issue, hint !== undefined);
  const subject = field === '' ? { ja: '中身', en: 'the content' } : { ja: `"${field}" `, en: `"${field}"` };
  return {
    field,
    ja: `${subject.ja}${wrong.ja}${hint ? `（${hint.ja}）` : ''}`,
    // "unknown type money" reads as a statement of its own: it follows the field after a colon.
    en: `${subject.en}${wrong.en.startsWith(':') ? '' : ' '}${wrong.en}${hint ? ` (${hint.en})` : ''}`,
  };
}

/** A failed parse as one problem: the first issue, and how many more there are. */
export function describeZodError(error: z.ZodError, hints: FieldHints = {}): BoundaryProblem {
  const [first, ...rest] = error.issues;
  const problem = first ? describeIssue(first, hints) : { field: '', ja: '中身が正しくありません', en: 'the content is invalid' };
  if (rest.length === 0) return problem;
  return { ...problem, ja: `${problem.ja}（ほか ${rest.length} 件）`, en: `${problem.en} (and ${rest.length} more)` };
}

/** Parses with the input kept in the issues, so the text can tell "missing" from "wrong". */
export function parseAtBoundary<T>(schema: z.ZodType<T>, value: unknown, hints: FieldHints = {}): BoundaryResult<T> {
  const parsed = schema.safeParse(value, { reportInput: true });
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, problem: describeZodError(parsed.error, hints) };
}
