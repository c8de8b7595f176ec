// Calendar checks on fixed-width digit strings, without Date objects (fast, no time-zone traps).

function digitsAt(s: string, start: number, len: number): number {
  let n = 0;
  for (let i = start; i < start + len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** A fixed-width digit field: where it starts, how long it is, and the range its number must fall in. */
type DigitField = readonly [start: number, len: number, min: number, max: number];

const YEAR: DigitField = [0, 4, 1900, 2999];
const MONTH: DigitField = [4, 2, 1, 12];
const DAY: DigitField = [6, 2, 1, 31];
const HOUR: DigitField = [0, 2, 0, 23];
const MINUTE: DigitField = [2, 2, 0, 59];
const SECOND: DigitField = [4, 2, 0, 59];

/** `s` is `length` characters whose fields are all digits in their ranges (digitsAt is -1 for a non-digit). */
function fieldsInRange(s: string, length: number, fields: readonly DigitField[]): boolean {
  if (s.length !== length) return false;
  for (const [start, len, min, max] of fields) {
    const n = digitsAt(s, start, len);
    if (n < min || n > max) return false;
  }
  return true;
}

/** YYYYMM with a month from 01 to 12 and a plausible year. */
export function isValidMonth(s: string): boolean {
  return fieldsInRange(s, 6, [YEAR, MONTH]);
}

/** YYYYMMDD naming a day that exists. */
export function isValidDate(s: string): boolean {
  return fieldsInRange(s, 8, [YEAR, MONTH, DAY]) && digitsAt(s, 6, 2) <= daysInMonth(digitsAt(s, 0, 4), digitsAt(s, 4, 2));
}

/** HHMM from 0000 to 2359. */
export function isValidTime(s: string): boolean {
  return fieldsInRange(s, 4, [HOUR, MINUTE]);
}

/** YYYYMMDDHHMMSS naming a real moment. */
export function isValidTimestamp(s: string): boolean {
  return s.length === 14 && isValidDate(s.slice(0, 8)) && fieldsInRange(s.slice(8), 6, [HOUR, MINUTE, SECOND]);
}

export function daysInYearMonth(yyyymm: string): number {
  return daysInMonth(Number(yyyymm.slice(0, 4)), Number(yyyymm.slice(4, 6)));
}
