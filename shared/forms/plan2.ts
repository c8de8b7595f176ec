// 第2表 居宅サービス計画書(2): 生活全般の解決すべき課題（ニーズ） → 目標（長期・短期、期間） → 援助内容
// (サービス内容, ※1 保険給付の対象, サービス種別, ※2 事業所, 頻度, 期間). The CSV flattens that tree
// into one row per service line, numbered by 課題NO / 援助目標NO / 援助内容NO, with text the paper
// would not repeat left blank (specs/202407/UP2KYO.json rowEncoding). This module rebuilds the tree.
import { codeText } from './codes.js';
import { formatDatesInText } from './format.js';
import { col, formsPerPerson, type PersonDirectory, type PersonHeader, planHead } from './person.js';

export interface ServiceLine {
  no: number;
  content: string;
  /** ※1: ○ when covered by insurance (保険対象区分 Y). */
  insured: boolean;
  /** The code's name (対象 / 対象外), or the bare value when it is not a code of the spec. */
  insuredLabel: string;
  kind: string;
  /** ※2: the office that gives the service, with its number when given. */
  office: string;
  officeCode: string;
  frequency: string;
  period: string;
}

export interface ShortGoal {
  text: string;
  period: string;
  services: ServiceLine[];
}

export interface Goal {
  no: number;
  longText: string;
  longPeriod: string;
  shorts: ShortGoal[];
}

export interface Need {
  no: number;
  text: string;
  goals: Goal[];
}

export interface Plan2Form {
  kind: 'plan2';
  person: PersonHeader;
  created: string;
  planDate: string;
  planDateRaw: string;
  needs: Need[];
}

/** A NO column as a number; blank or not a number sorts last. */
function num(value: string): number {
  const n = Number(value.trim());
  return value.trim() !== '' && Number.isInteger(n) ? n : Number.MAX_SAFE_INTEGER;
}

function serviceLine(r: readonly string[]): ServiceLine {
  const insured = codeText('UP2KYO', 15, col(r, 15));
  return {
    no: num(col(r, 13)),
    content: col(r, 14),
    insured: insured.code === 'Y',
    insuredLabel: insured.label,
    kind: col(r, 16),
    office: col(r, 18),
    officeCode: col(r, 17),
    frequency: col(r, 19),
    period: formatDatesInText(col(r, 20)),
  };
}

/**
 * Rows of one person and plan, sorted into the printed order and folded into the tree. A row with
 * text starts a new need / goal / short goal; a blank or repeated text continues the one above (the
 * spec allows senders to repeat the text on every line).
 */
export function needsOf(rows: readonly (readonly string[])[]): Need[] {
  const sorted = [...rows].sort((a, b) => num(col(a, 6)) - num(col(b, 6)) || num(col(a, 8)) - num(col(b, 8)) || num(col(a, 13)) - num(col(b, 13)));
  const needs: Need[] = [];
  for (const r of sorted) {
    const needNo = num(col(r, 6));
    let need = needs.at(-1);
    if (!need || need.no !== needNo) {
      need = { no: needNo, text: '', goals: [] };
      needs.push(need);
    }
    if (!need.text) need.text = col(r, 7);
    const goalNo = num(col(r, 8));
    let goal = need.goals.at(-1);
    if (!goal || goal.no !== goalNo) {
      goal = { no: goalNo, longText: '', longPeriod: '', shorts: [] };
      need.goals.push(goal);
    }
    if (!goal.longText) goal.longText = col(r, 9);
    if (!goal.longPeriod) goal.longPeriod = formatDatesInText(col(r, 11));
    const shortText = col(r, 10);
    const shortPeriod = formatDatesInText(col(r, 12));
    let short = goal.shorts.at(-1);
    if (!short || (shortText !== '' && shortText !== short.text)) {
      short = { text: shortText, period: shortPeriod, services: [] };
      goal.shorts.push(short);
    }
    if (!short.period) short.period = shortPeriod;
    short.services.push(serviceLine(r));
  }
  return needs;
}

/** Every 第2表 of a file: one per person and 居宅サービス計画作成（変更）日, in the file's order. */
export function plan2Forms(rows: readonly (readonly string[])[], people?: PersonDirectory): Plan2Form[] {
  return formsPerPerson(rows, people, (group, head) => ({ kind: 'plan2', ...planHead(head), needs: needsOf(group) }));
}

/** One printed table row of 第2表, with how many rows each merged cell spans (0 = covered above). */
export interface Plan2Row {
  need: Need;
  needSpan: number;
  goal: Goal;
  goalSpan: number;
  short: ShortGoal;
  shortSpan: number;
  service: ServiceLine;
}

/** The tree as table rows with row spans, the way the paper merges 課題, 長期目標 and 短期目標 cells. */
export function plan2Rows(needs: readonly Need[]): Plan2Row[] {
  const rows: Plan2Row[] = [];
  for (const need of needs) {
    const needLines = need.goals.reduce((n, g) => n + g.shorts.reduce((m, s) => m + s.services.length, 0), 0);
    need.goals.forEach((goal, gi) => {
      const goalLines = goal.shorts.reduce((m, s) => m + s.services.length, 0);
      goal.shorts.forEach((short, si) => {
        short.services.forEach((service, vi) => {
          const firstOfShort = vi === 0;
          const firstOfGoal = firstOfShort && si === 0;
          const firstOfNeed = firstOfGoal && gi === 0;
          rows.push({
            need,
            needSpan: firstOfNeed ? needLines : 0,
            goal,
            goalSpan: firstOfGoal ? goalLines : 0,
            short,
            shortSpan: firstOfShort ? short.services.length : 0,
            service,
          });
        });
      });
    });
  }
  return rows;
}
