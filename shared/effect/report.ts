// The monthly 効果レポート, as pure arithmetic over the office's own history: what went by data and
// what by paper, which partners exchanged by data, how many 実績 arrived as data (and so were not
// re-typed), and an estimate of the time and money saved. Counts are facts from the history; only
// the estimate rests on assumptions (assumptions.ts), and the report carries the ones it used.
import type { EffectAssumptions } from './assumptions.js';

/** One unit of the history, as the report counts it (client/app/effectSources.ts makes these). */
export interface EffectUnit {
  direction: 'sent' | 'received';
  via: 'data' | 'paper';
  /** YYYYMM the unit counts for: its service month, or the local month it went out when it has none. */
  month: string;
  /** The partner's office number. */
  partner: string;
  kinds: string[];
  /** Distinct users in each form of the unit, summed (a form for one user is one sheet per sheetsPerUserForm). */
  userForms: number;
  /** 実績 records (UPJSK lines) in the unit; 0 for other kinds. */
  actualRecords: number;
  /** Users with 実績 in the unit (one 提供票 each). */
  actualUsers: number;
}

export interface Tally {
  units: number;
  sheets: number;
}

export interface EffectMonth {
  month: string;
  data: Tally;
  paper: Tally;
  /** Partners we exchanged something with by data this month (連携中), and those reached only on paper (未連携). */
  linked: string[];
  unlinked: string[];
  /** Partners we sent something to by data: on paper each would have been one FAX with a cover sheet. */
  faxRecipients: number;
  /** 実績 that arrived as data: no one had to re-type them into the care software (転記). */
  transcriptionAvoided: { units: number; users: number; records: number };
}

export interface EffectEstimate {
  /** Share of this month's sheets that went by data (0–1). */
  dataShare: number;
  /** Sheets not printed. */
  sheetsSaved: number;
  /** FAX pages not sent: the sheets plus a cover per partner reached by data. */
  faxPagesSaved: number;
  minutesSaved: number;
  yenSaved: number;
}

export interface EffectReport {
  office: string;
  officeName: string | null;
  month: string;
  /** UTC ISO; shown on the local clock. */
  generatedAt: string;
  current: EffectMonth;
  /** The months up to and including `month`, oldest first. */
  trend: EffectMonth[];
  estimate: EffectEstimate;
  assumptions: EffectAssumptions;
}

/** Forms that are printed when sent on paper; deletions (DLT…) are a phone call or a line, not a form. */
export const isPaperForm = (kind: string): boolean => !kind.startsWith('DLT');

/** The months `count` back from `month` (YYYYMM), oldest first, ending with `month`. */
export function monthsUpTo(month: string, count: number): string[] {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(4, 6)) - 1;
  return Array.from({ length: count }, (_, i) => {
    const t = y * 12 + m - (count - 1 - i);
    return `${Math.floor(t / 12)}${String((t % 12) + 1).padStart(2, '0')}`;
  });
}

function monthOf(units: EffectUnit[], month: string, a: EffectAssumptions): EffectMonth {
  const mine = units.filter((u) => u.month === month);
  const tally = (via: EffectUnit['via']): Tally => {
    const sent = mine.filter((u) => u.direction === 'sent' && u.via === via);
    return { units: sent.length, sheets: sent.reduce((n, u) => n + u.userForms * a.sheetsPerUserForm, 0) };
  };
  const linked = new Set(mine.filter((u) => u.via === 'data').map((u) => u.partner));
  const unlinked = new Set(mine.filter((u) => u.via === 'paper' && !linked.has(u.partner)).map((u) => u.partner));
  const actuals = mine.filter((u) => u.direction === 'received' && u.via === 'data' && u.actualRecords > 0);
  return {
    month,
    data: tally('data'),
    paper: tally('paper'),
    linked: [...linked].sort(),
    unlinked: [...unlinked].sort(),
    faxRecipients: new Set(mine.filter((u) => u.direction === 'sent' && u.via === 'data').map((u) => u.partner)).size,
    transcriptionAvoided: { units: actuals.length, users: actuals.reduce((n, u) => n + u.actualUsers, 0), records: actuals.reduce((n, u) => n + u.actualRecords, 0) },
  };
}

/**
 * The estimate for one month. The study's monthly figures are taken as what an office saves when it
 * shares by data, and scaled by the share of this month's sheets that went by data: an office still
 * sending half on paper is credited half (the study found parallel FAX is why many saw no savings).
 */
export function estimate(m: EffectMonth, a: EffectAssumptions): EffectEstimate {
  const total = m.data.sheets + m.paper.sheets;
  const dataShare = total === 0 ? 0 : m.data.sheets / total;
  const round1 = (x: number) => Math.round(x * 10) / 10;
  return {
    dataShare,
    sheetsSaved: m.data.sheets,
    faxPagesSaved: m.data.sheets + m.faxRecipients * a.coverPagesPerFax,
    minutesSaved: round1(a.minutesPerMonth * dataShare),
    yenSaved: Math.round(a.yenPerMonth * dataShare),
  };
}

export interface EffectReportInput {
  office: string;
  officeName: string | null;
  month: string;
  units: EffectUnit[];
  assumptions: EffectAssumptions;
  /** How many months the trend shows (the report month included). */
  trendMonths?: number;
  now?: Date;
}

export function buildEffectReport(i: EffectReportInput): EffectReport {
  const trend = monthsUpTo(i.month, i.trendMonths ?? 6).map((m) => monthOf(i.units, m, i.assumptions));
  const current = trend[trend.length - 1]!;
  return {
    office: i.office,
    officeName: i.officeName,
    month: i.month,
    generatedAt: (i.now ?? new Date()).toISOString(),
    current,
    trend,
    estimate: estimate(current, i.assumptions),
    assumptions: i.assumptions,
  };
}
