// Dates, months and times as people in a care office write them.
import type { Lang } from '../../../shared/api/types.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** ISO timestamp → local "2025/04/25 12:00" (both languages: the office's own convention). */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}/${pad(d.getMonth() + 1)}/${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatDate(iso: string | null | undefined): string {
  return formatDateTime(iso).slice(0, 10);
}

/** YYYYMM → 2025年4月 / 2025-04. '000000' (plan-linked 補足情報) and null have no month. */
export function formatMonth(month: string | null | undefined, lang: Lang): string {
  if (!month || !/^\d{6}$/.test(month) || month === '000000') return '—';
  const y = month.slice(0, 4);
  const m = Number(month.slice(4, 6));
  return lang === 'ja' ? `${y}年${m}月` : `${y}-${month.slice(4, 6)}`;
}

/** HHMM → HH:MM; the standard spec writes 9999 for "no time". */
export function formatTime(t: string, noTime: string): string {
  if (t === '9999' || t === '') return noTime;
  if (!/^\d{4}$/.test(t)) return t;
  return `${t.slice(0, 2)}:${t.slice(2)}`;
}

/** Day of week (0 = Sunday) of a day in a YYYYMM month, computed here so the grid can shade weekends. */
export function weekday(month: string, day: number): number | null {
  if (!/^\d{6}$/.test(month)) return null;
  return new Date(Number(month.slice(0, 4)), Number(month.slice(4, 6)) - 1, day).getDay();
}

const weekdayNames: Record<Lang, string[]> = {
  ja: ['日', '月', '火', '水', '木', '金', '土'],
  en: ['Su', 'Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa'],
};

export function weekdayName(wd: number, lang: Lang): string {
  return weekdayNames[lang][wd] ?? '';
}
