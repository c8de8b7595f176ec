// How the paper forms write dates, times and numbers. The CSV carries YYYYMMDD, HHMM, YYYYMM and bare
// digits; a clerk reads 2025年4月1日, 9:00, 2025年4月分 and 16,765. Pure functions, shared by the
// screens (renderer/src/forms) and the PDF drawer, so both print the same words.
//
// Era: the standard forms (老企第29号 別紙 第1〜3表) print only 「年 月 日」 and leave the era to the
// writer; care software prints either. The issue asks for 2026年12月1日, so the western year is the
// default everywhere. A birth date is also given in its Japanese era (昭和24年), the way people in
// care offices say a birth year; dates of the plan itself stay western.
import { daysInMonth } from '../validator/calendar.js';

/** A value the spec uses for "no date" (UPHOSOKU No.4 is 00000000 beside 第6表/第7表). */
const EMPTY_DATE = /^0*$/;

export type DateStyle = 'western' | 'wareki';

interface Era {
  name: string;
  /** First day of the era as YYYYMMDD. */
  from: number;
  year: number;
}

/** The eras a living person's birth date or a plan date can fall in, newest first. */
const ERAS: Era[] = [
  { name: '令和', from: 20190501, year: 2019 },
  { name: '平成', from: 19890108, year: 1989 },
  { name: '昭和', from: 19261225, year: 1926 },
  { name: '大正', from: 19120730, year: 1912 },
  { name: '明治', from: 18681023, year: 1868 },
];

interface Ymd {
  y: number;
  m: number;
  d: number;
}

/** Reads YYYYMMDD when it is a real calendar date; anything else is null. */
export function parseDate(value: string): Ymd | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  // Calendar arithmetic only: no Date, so no time zone can shift the day.
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return { y, m: mo, d };
}

/** 令和7年 for 2025-04-01; the first year of an era is 元年 as printed. Null before 明治. */
export function warekiYear(value: string): string | null {
  const p = parseDate(value);
  if (!p) return null;
  const n = p.y * 10000 + p.m * 100 + p.d;
  const era = ERAS.find((e) => n >= e.from);
  if (!era) return null;
  const year = p.y - era.year + 1;
  return `${era.name}${year === 1 ? '元' : year}年`;
}

/**
 * 20261201 → 2026年12月1日 (or 令和8年12月1日). Empty and 00000000 give ''. A value that is not a date
 * is shown as it is: a form must never hide what the sender wrote, even when it is wrong.
 */
export function formatDate(value: string, style: DateStyle = 'western'): string {
  const raw = value.trim();
  if (EMPTY_DATE.test(raw)) return '';
  const p = parseDate(raw);
  if (!p) return raw;
  if (style === 'wareki') return `${warekiYear(raw) ?? `${p.y}年`}${p.m}月${p.d}日`;
  return `${p.y}年${p.m}月${p.d}日`;
}

/** A birth date as care offices write it: 1949年5月28日（昭和24年）. */
export function formatBirthDate(value: string): string {
  const western = formatDate(value);
  const era = warekiYear(value);
  return era ? `${western}（${era}）` : western;
}

/** Age in full years on a given day (both YYYYMMDD); null when either is not a date. */
export function ageOn(birth: string, on: string): number | null {
  const b = parseDate(birth);
  const o = parseDate(on);
  if (!b || !o) return null;
  const age = o.y - b.y - (o.m * 100 + o.d < b.m * 100 + b.d ? 1 : 0);
  return age >= 0 ? age : null;
}

/** 2024年4月1日～2026年3月31日; one side may be blank (～2026年3月31日). Both blank give ''. */
export function formatPeriod(from: string, to: string): string {
  const a = formatDate(from);
  const b = formatDate(to);
  return a || b ? `${a}～${b}` : '';
}

/** 202504 → 2025年4月; 000000 and blank give ''. Not a month: shown as it is. */
export function formatMonth(value: string): string {
  const raw = value.trim();
  if (EMPTY_DATE.test(raw)) return '';
  const m = /^(\d{4})(\d{2})$/.exec(raw);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return raw;
  return `${m[1]}年${Number(m[2])}月`;
}

/** HHMM → 9:00 (minutes kept two-digit). 9999 (the spec's "no time") and blank give ''. */
export function formatTime(value: string): string {
  const raw = value.trim();
  if (raw === '' || raw === '9999') return '';
  const m = /^(\d{2})(\d{2})$/.exec(raw);
  if (!m) return raw;
  return `${Number(m[1])}:${m[2]}`;
}

/** HHMM → minutes after midnight (0900 → 540); 2400 is the end of the day. Null when not a time. */
export function timeMinutes(value: string): number | null {
  const m = /^(\d{2})(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min > 0)) return null;
  return h * 60 + min;
}

/** 9:00～9:30; either side may be missing. */
export function formatTimeRange(start: string, end: string): string {
  const a = formatTime(start);
  const b = formatTime(end);
  if (!a && !b) return '';
  return a === b ? a : `${a}～${b}`;
}

/** 16765 → 16,765. Blank stays blank; a value that is not an integer is shown as it is. */
export function formatNumber(value: string): string {
  const raw = value.trim();
  if (!/^-?\d+$/.test(raw)) return raw;
  // Grouped by hand, not toLocaleString: the result must not depend on the ICU data of the runtime.
  const sign = raw.startsWith('-') ? '-' : '';
  const digits = String(Number(raw.replace('-', '')));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Free text that holds dates as the care software wrote them (第2表 期間 「20250401～20250930」):
 * each 8-digit run that is a real date becomes 2025年4月1日; the rest of the text is kept.
 */
export function formatDatesInText(text: string): string {
  return text.replace(/(?<!\d)(\d{8})(?!\d)/g, (run) => (parseDate(run) ? formatDate(run) : run));
}
