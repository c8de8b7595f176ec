// 第3表 週間サービス計画表: a grid of the week (月〜日) by hour, with the weekly services drawn as blocks,
// 主な日常生活上の活動 in the right-hand column and 週単位以外のサービス below. Each UP3KYO row is one of
// the three (specs/202407/UP3KYO.json recordUnit); this module sorts them into place and keeps the
// minutes so a screen or a PDF can draw the blocks at their height.
import { codeList, codeText } from './codes.js';
import { formatTimeRange, timeMinutes } from './format.js';
import { col, formsPerPerson, type PersonDirectory, type PersonHeader, planHead } from './person.js';

/** The time bands printed down the left edge of the paper form. */
export const TIME_BANDS: readonly { label: string; from: number; to: number }[] = [
  { label: '深夜', from: 0, to: 6 },
  { label: '早朝', from: 6, to: 8 },
  { label: '午前', from: 8, to: 12 },
  { label: '午後', from: 12, to: 18 },
  { label: '夜間', from: 18, to: 22 },
  { label: '深夜', from: 22, to: 24 },
];

/** 月 火 水 木 金 土 日: the 曜日 codes 1-7 (月曜日 …) as the column heads print them. */
export const WEEKDAYS: readonly { code: string; label: string }[] = Object.entries(codeList('UP3KYO', 7))
  .sort(([a], [b]) => Number(a) - Number(b))
  .map(([code, name]) => ({ code, label: name.replace(/曜日$/, '') }));

export interface WeeklyService {
  /** 0 = 月 … 6 = 日. */
  day: number;
  text: string;
  /** 9:00～9:30. */
  time: string;
  /** Minutes after midnight; end is not before start (a service past midnight continues on the next day). */
  startMin: number;
  endMin: number;
  /** Services that overlap on one day sit side by side: this one's place (0-based) among `lanes`. */
  lane: number;
  lanes: number;
}

/** The shortest block a form draws (two quarter-hour rows), so a 10-minute visit still has a line of text. */
export const DRAWN_MIN_MINUTES = 30;

/** Where a block's drawing ends: a short one is drawn as its first half hour. */
function drawnEnd(s: WeeklyService): number {
  return Math.max(Math.floor(s.startMin / 15) * 15 + DRAWN_MIN_MINUTES, s.endMin);
}

/**
 * Gives each service a lane, so blocks that would be drawn over each other sit side by side. A group of
 * blocks joined by overlaps shares one lane count; a lane freed early in the group is used again.
 * `services` must be sorted by day, then start.
 */
function assignLanes(services: WeeklyService[]): void {
  let group: WeeklyService[] = [];
  let laneEnds: number[] = [];
  let groupEnd = -1;
  let day = -1;
  const close = () => {
    for (const g of group) g.lanes = laneEnds.length;
    group = [];
    laneEnds = [];
  };
  for (const s of services) {
    if (s.day !== day || s.startMin >= groupEnd) {
      close();
      day = s.day;
      groupEnd = -1;
    }
    let lane = laneEnds.findIndex((end) => end <= s.startMin);
    if (lane < 0) lane = laneEnds.push(0) - 1;
    laneEnds[lane] = drawnEnd(s);
    s.lane = lane;
    groupEnd = Math.max(groupEnd, drawnEnd(s));
    group.push(s);
  }
  close();
}

export interface DailyActivity {
  text: string;
  time: string;
  startMin: number | null;
  endMin: number | null;
}

export interface Plan3Form {
  kind: 'plan3';
  person: PersonHeader;
  created: string;
  planDate: string;
  planDateRaw: string;
  services: WeeklyService[];
  activities: DailyActivity[];
  nonWeekly: string[];
  /** Weekly rows the grid cannot place (曜日 or time not readable), shown as a list so nothing is lost. */
  unplaced: string[];
}

/**
 * A weekly row's blocks: one, or two when it runs past midnight (22:00～6:00 on 月 is drawn 22:00–24:00
 * on 月 and 0:00–6:00 on 火, as a clerk continues it at the top of the next day's column).
 */
function weeklyService(r: readonly string[]): WeeklyService[] | null {
  const day = WEEKDAYS.findIndex((d) => d.code === col(r, 7).trim());
  const start = timeMinutes(col(r, 8));
  const end = timeMinutes(col(r, 9));
  if (day < 0 || start === null || end === null) return null;
  const block = { text: col(r, 6), time: formatTimeRange(col(r, 8), col(r, 9)), lane: 0, lanes: 1 };
  if (end >= start) return [{ ...block, day, startMin: start, endMin: end }];
  const untilMidnight = { ...block, day, startMin: start, endMin: 24 * 60 };
  return end > 0 ? [untilMidnight, { ...block, day: (day + 1) % 7, startMin: 0, endMin: end }] : [untilMidnight];
}

export function plan3Parts(rows: readonly (readonly string[])[]): Pick<Plan3Form, 'services' | 'activities' | 'nonWeekly' | 'unplaced'> {
  const services: WeeklyService[] = [];
  const activities: DailyActivity[] = [];
  const nonWeekly: string[] = [];
  const unplaced: string[] = [];
  for (const r of rows) {
    if (col(r, 6).trim() || col(r, 7).trim()) {
      const blocks = weeklyService(r);
      if (blocks) services.push(...blocks);
      else unplaced.push([col(r, 6), codeText('UP3KYO', 7, col(r, 7)).label, formatTimeRange(col(r, 8), col(r, 9))].filter(Boolean).join(' '));
    }
    if (col(r, 10).trim()) {
      activities.push({ text: col(r, 10), time: formatTimeRange(col(r, 11), col(r, 12)), startMin: timeMinutes(col(r, 11)), endMin: timeMinutes(col(r, 12)) });
    }
    if (col(r, 13).trim()) nonWeekly.push(col(r, 13));
  }
  services.sort((a, b) => a.day - b.day || a.startMin - b.startMin);
  assignLanes(services);
  activities.sort((a, b) => (a.startMin ?? 24 * 60) - (b.startMin ?? 24 * 60));
  return { services, activities, nonWeekly, unplaced };
}

/** Every 第3表 of a file: one per person and 居宅サービス計画作成（変更）日. */
export function plan3Forms(rows: readonly (readonly string[])[], people?: PersonDirectory): Plan3Form[] {
  return formsPerPerson(rows, people, (group, head) => ({ kind: 'plan3', ...planHead(head), ...plan3Parts(group) }));
}
