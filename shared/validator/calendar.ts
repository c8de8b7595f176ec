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

/** YYYYMM with a month from 01 to 12 and a plausible year. */
export function isValidMonth(s: string): boolean {
  if (s.length !== 6) return false;
  const y = digitsAt(s, 0, 4);
  const m = digitsAt(s, 4, 2);
  return y >= 1900 && y <= 2999 && m >= 1 && m <= 12;
}

/** YYYYMMDD naming a day that exists. */
export function isValidDate(s: string): boolean {
  if (s.length !== 8) return false;
  const y = digitsAt(s, 0, 4);
  const m = digitsAt(s, 4, 2);
  const d = digitsAt(s, 6, 2);
  return y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** HHMM from 0000 to 2359. */
export function isValidTime(s: string): boolean {
  if (s.length !== 4) return false;
  const h = digitsAt(s, 0, 2);
  const m = digitsAt(s, 2, 2);
  return h >= 0 && h <= 23 && m >= 0 && m <= 59;
}

/** YYYYMMDDHHMMSS naming a real moment. */
export function isValidTimestamp(s: string): boolean {
  if (s.length !== 14 || !isValidDate(s.slice(0, 8))) return false;
  const h = digitsAt(s, 8, 2);
  const mi = digitsAt(s, 10, 2);
  const se = digitsAt(s, 12, 2);
  return h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && se >= 0 && se <= 59;
}

export function daysInYearMonth(yyyymm: string): number {
  return daysInMonth(Number(yyyymm.slice(0, 4)), Number(yyyymm.slice(4, 6)));
}
