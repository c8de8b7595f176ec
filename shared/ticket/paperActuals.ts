// 実績 that came back on paper, entered once: the provider's rows of the 予定 (第6表) the office sent
// are the starting grid, the clerk changes only what differs, and the result is written as the
// standard 実績 file (UPJSK, the same 25-column layout as the 予定) so the care software imports it
// instead of someone re-typing it. Pure: records in, records out; the caller encodes and files them.
import { ticketGrids, ticketLines, type UserGrid } from './ticket.js';

/** One row of the grid as the clerk left it: which planned row it is, its times, and the times per day. */
export interface ActualRow {
  /** GridRow.key of the planned row: provider|serviceCode|start|end. */
  key: string;
  start: string;
  end: string;
  /** Index 0 = day 1; times on that day. */
  days: number[];
}

export interface PaperActualTarget {
  insurer: string;
  insured: string;
  month: string;
  /** The provider whose 実績 these are (the plan's receiver). */
  provider: string;
}

/** The 4.1 column numbers (0-based) the actuals change; the rest is the planned record's. */
const COL = { made: 3, units: 7, date: 9, start: 11, end: 12, count: 13, code: 14, provider: 19, updater: 23 } as const;

const rowKey = (r: string[]): string => `${r[COL.provider]}|${r[COL.code]}|${r[COL.start]}|${r[COL.end]}`;

const forTarget = (t: PaperActualTarget) => (r: string[]): boolean => r.length === 25 && r[1] === t.insurer && r[2] === t.insured && r[4] === t.month && r[COL.provider] === t.provider;

/** The grid the clerk starts from: the provider's planned rows for the user and month (null when the plan has none). */
export function plannedGrid(planRecords: string[][], t: PaperActualTarget): UserGrid | null {
  return ticketGrids(ticketLines(planRecords.filter(forTarget(t))))[0] ?? null;
}

export class PaperActualsError extends Error {
  constructor(
    readonly ja: string,
    readonly en: string,
  ) {
    super(en);
  }
}

const TIME = /^(?:[01]\d|2[0-3])[0-5]\d$/;
const validTimes = (start: string, end: string): boolean => (start === '9999' && end === '9999') || (TIME.test(start) && TIME.test(end));

/**
 * The 実績 records for the grid: one record per row and day with a count, copied from the planned
 * record of that row (the same day's when there is one), with the actual date, times and count, the
 * day it was made (作成年月日) and the provider as the one who updated it (更新業者コード).
 */
export function actualRecords(planRecords: string[][], t: PaperActualTarget, rows: ActualRow[], made: string, daysInMonth: number): string[][] {
  const planned = planRecords.filter(forTarget(t));
  const out: string[][] = [];
  for (const row of rows) {
    const templates = planned.filter((r) => rowKey(r) === row.key);
    if (templates.length === 0) throw new PaperActualsError(`予定にない行です: ${row.key}`, `not a planned row: ${row.key}`);
    if (!validTimes(row.start, row.end)) throw new PaperActualsError(`時刻は 4 桁（例 0930）、時刻なしは 9999 で入れてください: ${row.start}〜${row.end}`, `times are 4 digits (0930), or 9999 for none: ${row.start}-${row.end}`);
    row.days.forEach((count, i) => {
      if (count === 0) return;
      if (i >= daysInMonth) throw new PaperActualsError(`${t.month.slice(4)}月に ${i + 1} 日はありません`, `day ${i + 1} is not in the month`);
      const date = `${t.month}${String(i + 1).padStart(2, '0')}`;
      const r = [...(templates.find((x) => x[COL.date] === date) ?? templates[0]!)];
      r[COL.made] = made;
      r[COL.date] = date;
      r[COL.start] = row.start;
      r[COL.end] = row.end;
      r[COL.count] = String(count);
      r[COL.updater] = t.provider;
      out.push(r);
    });
  }
  if (out.length === 0) throw new PaperActualsError('実績が1件もありません。サービスが1回もなかった月は、実績を送る代わりに相手と電話などで確かめてください', 'No actuals at all: for a month without any service, confirm with the partner instead of sending actuals');
  // The order the care software reads most easily: by date, then time, then code.
  return out.sort((a, b) => a[COL.date]!.localeCompare(b[COL.date]!) || a[COL.start]!.localeCompare(b[COL.start]!) || a[COL.code]!.localeCompare(b[COL.code]!));
}

export interface Party {
  office: string;
  serviceType: string;
}

/** The spec's file name for 実績: from the provider to the care-manager office, with the unit's 14-digit sequence. */
export const actualFileName = (month: string, provider: Party, careManager: Party, sequence: string): string => `UPJSK_${month}_${provider.office}_${provider.serviceType}_${careManager.office}_${careManager.serviceType}_${sequence}.CSV`;
