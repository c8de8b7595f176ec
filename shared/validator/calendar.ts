// Calendar checks on fixed-width digit strings, without Date objects (fast, no time-zone traps).
// Spelled out digit by digit, without tables of fields: the date check runs on several columns of
// every record, and the table-driven version (a loop destructuring tuples) was ~5 % of validating a
// large file and one of the costliest functions for the optimising compiler to build.

/** The digit at i (0–9), or -1 for anything else (also past the end). */
function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/** The two digits at i as a number, or -1 when either is not a digit. */
function two(s: string, i: number): number {
  const a = digit(s, i);
  const b = digit(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/** The year of a YYYY… string when it is four digits from 1900 to 2999, else -1. */
function yearOf(s: string): number {
  const hi = two(s, 0);
  const lo = two(s, 2);
  if (hi < 0 || lo < 0) return -1;
  const y = hi * 100 + lo;
  return y >= 1900 && y <= 2999 ? y : -1;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** YYYYMM with a month from 01 to 12 and a plausible year. */
export function isValidMonth(s: string): boolean {
  if (s.length !== 6 || yearOf(s) < 0) return false;
  const m = two(s, 4);
  return m >= 1 && m <= 12;
}

/** YYYYMMDD naming a day that exists. */
export function isValidDate(s: string): boolean {
  if (s.length !== 8) return false;
  const y = yearOf(s);
  if (y < 0) return false;
  const m = two(s, 4);
  if (m < 1 || m > 12) return false;
  const d = two(s, 6);
  return d >= 1 && d <= daysInMonth(y, m);
}

/** HHMM from 0000 to 2359. */
export function isValidTime(s: string): boolean {
  if (s.length !== 4) return false;
  const h = two(s, 0);
  const m = two(s, 2);
  return h >= 0 && h <= 23 && m >= 0 && m <= 59;
}

/** YYYYMMDDHHMMSS naming a real moment. */
export function isValidTimestamp(s: string): boolean {
  if (s.length !== 14 || !isValidDate(s.slice(0, 8))) return false;
  const h = two(s, 8);
  const m = two(s, 10);
  const sec = two(s, 12);
  return h >= 0 && h <= 23 && m >= 0 && m <= 59 && sec >= 0 && sec <= 59;
}

export function daysInYearMonth(yyyymm: string): number {
  return daysInMonth(Number(yyyymm.slice(0, 4)), Number(yyyymm.slice(4, 6)));
}

/** daysInYearMonth of a month isValidMonth accepts, read from its digits without building strings (it runs per record). */
export function daysInValidMonth(yyyymm: string): number {
  return daysInMonth(two(yyyymm, 0) * 100 + two(yyyymm, 2), two(yyyymm, 4));
}
