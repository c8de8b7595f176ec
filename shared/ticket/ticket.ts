// 第6表 as people read it: the paper サービス利用票 is a grid of services × days. This module turns
// UPPLAN / UPJSK records into that grid, and compares the plan with the returned actuals — the
// comparison care managers make by hand today.
import { daysInYearMonth } from '../validator/calendar.js';

/** One record of 第6表 (予定 or 実績), by the 4.1 column numbers. */
export interface TicketLine {
  insurer: string;
  insured: string;
  month: string;
  provider: string;
  providerName: string;
  serviceCode: string;
  date: string;
  start: string;
  end: string;
  count: number;
  units: number;
}

/** Reads 第6表 records (25 fields each, as the validator's CSV reader returns them). */
export function ticketLines(records: string[][]): TicketLine[] {
  return records
    .filter((r) => r.length === 25)
    .map((r) => ({
      insurer: r[1]!,
      insured: r[2]!,
      month: r[4]!,
      provider: r[19]!,
      providerName: r[20]!,
      serviceCode: r[14]!,
      date: r[9]!,
      start: r[11]!,
      end: r[12]!,
      count: Number(r[13]) || 0,
      units: Number(r[7]) || 0,
    }));
}

export interface GridRow {
  /** provider|serviceCode|start|end */
  key: string;
  provider: string;
  providerName: string;
  serviceCode: string;
  start: string;
  end: string;
  /** Index 0 = day 1. Times per day. */
  days: number[];
  total: number;
  units: number;
}

export interface UserGrid {
  insurer: string;
  insured: string;
  month: string;
  daysInMonth: number;
  rows: GridRow[];
}

const userKey = (l: { insurer: string; insured: string; month: string }) => `${l.insurer}-${l.insured}-${l.month}`;

/** The サービス利用票 grid for each user and month: one row per provider × service × time. */
export function ticketGrids(lines: TicketLine[]): UserGrid[] {
  const users = new Map<string, UserGrid>();
  for (const l of lines) {
    const uk = userKey(l);
    let g = users.get(uk);
    if (!g) {
      const dim = /^\d{6}$/.test(l.month) ? daysInYearMonth(l.month) : 31;
      g = { insurer: l.insurer, insured: l.insured, month: l.month, daysInMonth: dim, rows: [] };
      users.set(uk, g);
    }
    const key = `${l.provider}|${l.serviceCode}|${l.start}|${l.end}`;
    let row = g.rows.find((r) => r.key === key);
    if (!row) {
      row = { key, provider: l.provider, providerName: l.providerName, serviceCode: l.serviceCode, start: l.start, end: l.end, days: new Array<number>(31).fill(0), total: 0, units: 0 };
      g.rows.push(row);
    }
    const day = Number(l.date.slice(6, 8));
    if (day >= 1 && day <= 31) row.days[day - 1]! += l.count;
    row.total += l.count;
    row.units += l.units * Math.max(1, l.count);
  }
  for (const g of users.values()) g.rows.sort((a, b) => a.provider.localeCompare(b.provider) || a.serviceCode.localeCompare(b.serviceCode) || a.start.localeCompare(b.start));
  return [...users.values()].sort((a, b) => userKey(a).localeCompare(userKey(b)));
}

export type DiffKind = 'day-dropped' | 'day-added' | 'time-changed' | 'count-changed' | 'code-changed';

export interface Difference {
  kind: DiffKind;
  date: string;
  provider: string;
  plan: { serviceCode: string; start: string; end: string; count: number } | null;
  actual: { serviceCode: string; start: string; end: string; count: number } | null;
  /** Japanese, for the screen. */
  text: string;
}

export interface PlanActualComparison {
  insurer: string;
  insured: string;
  month: string;
  differences: Difference[];
  planUnits: number;
  actualUnits: number;
}

const hhmm = (t: string) => (t === '9999' ? '時刻なし' : `${t.slice(0, 2)}:${t.slice(2)}`);
const md = (d: string) => `${Number(d.slice(4, 6))}月${Number(d.slice(6, 8))}日`;

/**
 * Compares the planned ticket with the returned actuals, per user and month, for the providers
 * that sent actuals: which visits were dropped or added, and where times, counts or codes changed.
 */
export function comparePlanActual(plan: TicketLine[], actual: TicketLine[]): PlanActualComparison[] {
  const providers = new Set(actual.map((a) => a.provider));
  const users = new Set([...plan.filter((p) => providers.has(p.provider)), ...actual].map(userKey));
  const out: PlanActualComparison[] = [];
  for (const uk of [...users].sort()) {
    const p = plan.filter((l) => userKey(l) === uk && providers.has(l.provider));
    const a = actual.filter((l) => userKey(l) === uk);
    const first = p[0] ?? a[0]!;
    const differences: Difference[] = [];
    const byDay = (ls: TicketLine[]) => {
      const m = new Map<string, TicketLine[]>();
      for (const l of ls) {
        const k = `${l.provider}|${l.date}|${l.serviceCode.slice(0, 2)}`;
        m.set(k, [...(m.get(k) ?? []), l]);
      }
      return m;
    };
    const pd = byDay(p);
    const ad = byDay(a);
    for (const k of [...new Set([...pd.keys(), ...ad.keys()])].sort((x, y) => x.split('|')[1]!.localeCompare(y.split('|')[1]!) || x.localeCompare(y))) {
      const [provider, date] = k.split('|') as [string, string];
      const ps = [...(pd.get(k) ?? [])];
      const as = [...(ad.get(k) ?? [])];
      // Identical visits first, then pair what is left in time order.
      for (let i = ps.length - 1; i >= 0; i--) {
        const j = as.findIndex((x) => x.serviceCode === ps[i]!.serviceCode && x.start === ps[i]!.start && x.end === ps[i]!.end && x.count === ps[i]!.count);
        if (j >= 0) {
          ps.splice(i, 1);
          as.splice(j, 1);
        }
      }
      ps.sort((x, y) => x.start.localeCompare(y.start));
      as.sort((x, y) => x.start.localeCompare(y.start));
      const pairs = Math.min(ps.length, as.length);
      for (let i = 0; i < pairs; i++) {
        const x = ps[i]!;
        const y = as[i]!;
        const plan = { serviceCode: x.serviceCode, start: x.start, end: x.end, count: x.count };
        const act = { serviceCode: y.serviceCode, start: y.start, end: y.end, count: y.count };
        if (x.serviceCode !== y.serviceCode) differences.push({ kind: 'code-changed', date, provider, plan, actual: act, text: `${md(date)} サービスコード ${x.serviceCode} → ${y.serviceCode}` });
        else if (x.start !== y.start || x.end !== y.end) differences.push({ kind: 'time-changed', date, provider, plan, actual: act, text: `${md(date)} ${x.serviceCode} 時間 ${hhmm(x.start)}〜${hhmm(x.end)} → ${hhmm(y.start)}〜${hhmm(y.end)}` });
        else differences.push({ kind: 'count-changed', date, provider, plan, actual: act, text: `${md(date)} ${x.serviceCode} 回数 ${x.count} → ${y.count}` });
      }
      for (const x of ps.slice(pairs)) differences.push({ kind: 'day-dropped', date, provider, plan: { serviceCode: x.serviceCode, start: x.start, end: x.end, count: x.count }, actual: null, text: `${md(date)} ${x.serviceCode} ${hhmm(x.start)}〜${hhmm(x.end)} 予定あり・実績なし` });
      for (const y of as.slice(pairs)) differences.push({ kind: 'day-added', date, provider, plan: null, actual: { serviceCode: y.serviceCode, start: y.start, end: y.end, count: y.count }, text: `${md(date)} ${y.serviceCode} ${hhmm(y.start)}〜${hhmm(y.end)} 予定なし・実績あり` });
    }
    const units = (ls: TicketLine[]) => ls.reduce((s, l) => s + l.units * Math.max(1, l.count), 0);
    out.push({ insurer: first.insurer, insured: first.insured, month: first.month, differences, planUnits: units(p), actualUnits: units(a) });
  }
  return out;
}
