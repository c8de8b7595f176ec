// An end time before its start time that cannot be a midnight crossing (issue 13; docs/spec-audit.md
// G-28). The spec lets a time range cross midnight: 第6表 carries one サービス利用日 per record, with no
// end date, and 夜間対応型訪問介護 (71) and 定期巡回 (76) work at night, so 22:00〜06:00 is legal. What
// it cannot mean is 14:00〜09:45: read as a crossing that is a 19 h 45 min visit, read as a slip
// (swapped or mistyped) it is 4 h 15 min. So the rule only warns, and only when the crossing reading
// is the longer of the two, i.e. longer than 12 hours:
// - start and end read the other way round always add up to 24 hours, so above 12 hours the swapped
//   reading is the shorter, likelier one; at or below 12 hours the crossing is;
// - every in-scope service that works across midnight is a visit or a night shift, far shorter than
//   12 hours; day services that run longer (通所 with 延長, up to 14 h) end the same day, so end > start.
// Start = end never warns (第3表's own example: 起床 6:00〜6:00). 9999 (no time), blanks, 2400 and
// malformed times are left alone: the column checks own them (E_FIELD_TIME, W_FIELD_VALUE_UNCERTAIN).
//
// Which columns pair up is read from the layout, not listed here: a 'time' column named 開始… followed
// by a 'time' column named 終了… (第6表 No.12/13 in UPPLAN and UPJSK, 第3表 No.8/9 and No.11/12).
import type { ColumnSpec, LayoutSpec } from '../spec/model.js';
import type { FindingSink } from './findings.js';

/** The longest end-before-start range read as a midnight crossing, in minutes (see above). */
export const MAX_CROSSING_MINUTES = 12 * 60;

/** A start/end pair, with what the check reads of the two columns (columns differ in shape; these pairs do not). */
interface TimePair {
  start: ColumnSpec;
  end: ColumnSpec;
  startAt: number;
  endAt: number;
  endNo: number;
  startName: string;
  endName: string;
}

/** The start/end time pairs of a layout, found once per layout. */
const pairsByLayout = new WeakMap<LayoutSpec, TimePair[]>();

export function timePairs(layout: LayoutSpec): TimePair[] {
  let pairs = pairsByLayout.get(layout);
  if (!pairs) {
    pairs = [];
    const cols = layout.columns;
    for (let i = 0; i + 1 < cols.length; i++) {
      const start = cols[i]!;
      const end = cols[i + 1]!;
      if (start.type === 'time' && end.type === 'time' && start.name.includes('開始') && end.name.includes('終了')) pairs.push({ start, end, startAt: start.no - 1, endAt: end.no - 1, endNo: end.no, startName: start.name, endName: end.name });
    }
    pairsByLayout.set(layout, pairs);
  }
  return pairs;
}

/** Minutes since midnight of an HHMM from 0000 to 2359, or -1 for anything else (9999, 2400, blank…). */
function minutes(v: string): number {
  if (v.length !== 4) return -1;
  // Runs on every record of the largest files: no allocations.
  const h1 = v.charCodeAt(0) - 48;
  const h2 = v.charCodeAt(1) - 48;
  const m1 = v.charCodeAt(2) - 48;
  const m2 = v.charCodeAt(3) - 48;
  if (h1 < 0 || h1 > 2 || h2 < 0 || h2 > 9 || m1 < 0 || m1 > 5 || m2 < 0 || m2 > 9) return -1;
  const h = h1 * 10 + h2;
  return h > 23 ? -1 : h * 60 + m1 * 10 + m2;
}

const clock = (v: string) => `${v.slice(0, 2)}:${v.slice(2)}`;

function span(total: number): { ja: string; en: string } {
  const h = Math.floor(total / 60);
  const m = total % 60;
  return m === 0 ? { ja: `${h}時間`, en: `${h} h` } : { ja: `${h}時間${m}分`, en: `${h} h ${m} min` };
}

type SinkCheck = (sink: FindingSink, fields: string[], row: number, line: number) => void;

/** The per-record check of every time pair of `layout`, or null when the layout has none; built once per layout, given each file's sink. */
export function timeOrderCheck(layout: LayoutSpec): SinkCheck | null {
  const pairs = timePairs(layout);
  if (pairs.length === 0) return null;
  return (sink, fields, row, line) => {
    for (let p = 0; p < pairs.length; p++) {
      const pair = pairs[p]!;
      const s = fields[pair.startAt]!;
      const e = fields[pair.endAt]!;
      const from = minutes(s);
      const to = minutes(e);
      if (from < 0 || to < 0 || to >= from) continue;
      const crossing = 24 * 60 - from + to;
      if (crossing <= MAX_CROSSING_MINUTES) continue;
      const length = span(crossing);
      sink.emit(
        'W_FIELD_TIME_END_BEFORE_START',
        { row, line, column: pair.endNo, field: pair.endName },
        { value: e, startField: pair.startName, range: `${clock(s)}〜${clock(e)}`, rangeEn: `${clock(s)}–${clock(e)}`, span: length.ja, spanEn: length.en },
      );
    }
  };
}
