import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeMs932 } from '../../client/check/ms932.js';
import { readRecords } from './records.js';
import { comparePlanActual, ticketGrids, ticketLines, type TicketLine } from './ticket.js';

const line = (date: string, start: string, end: string, code = '111111', count = 1): TicketLine => ({
  insurer: '131010', insured: '1000000000', month: '202504', provider: '1310000029', providerName: 'ひまわり', serviceCode: code, date, start, end, count, units: 244,
});

describe('the 第6表 grid', () => {
  it('puts each provider × service × time on one row with the times per day', () => {
    const grids = ticketGrids([line('20250401', '0900', '0930'), line('20250403', '0900', '0930'), line('20250403', '1400', '1445', '112111'), line('20250430', '0900', '0930', '111111', 2)]);
    expect(grids).toHaveLength(1);
    const g = grids[0]!;
    expect(g.daysInMonth).toBe(30);
    expect(g.rows.map((r) => [r.serviceCode, r.start, r.total])).toEqual([
      ['111111', '0900', 4],
      ['112111', '1400', 1],
    ]);
    expect(g.rows[0]!.days.slice(0, 5)).toEqual([1, 0, 1, 0, 0]);
    expect(g.rows[0]!.days[29]).toBe(2);
  });

  it('reads the generated UPPLAN fixture into grids per user', () => {
    const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'valid');
    const name = readdirSync(dir).find((f) => f.startsWith('UPPLAN_'))!;
    const grids = ticketGrids(ticketLines(readRecords(readFileSync(join(dir, name)), decodeMs932)));
    expect(grids).toHaveLength(3);
    // 身体介護 on Mondays, Wednesdays and Fridays of April 2025: 13 days.
    expect(grids[0]!.rows.find((r) => r.serviceCode === '111111')!.total).toBe(13);
  });
});

describe('予定 vs 実績', () => {
  it('finds dropped and added days, changed times and changed codes', () => {
    const plan = [line('20250401', '0900', '0930'), line('20250403', '0900', '0930'), line('20250405', '0900', '0930'), line('20250407', '0900', '0930')];
    const actual = [line('20250401', '0900', '0930'), line('20250403', '0900', '0945'), line('20250406', '0900', '0930'), line('20250407', '0900', '0930', '112111')];
    const [c] = comparePlanActual(plan, actual);
    expect(c!.differences.map((d) => [d.kind, d.date])).toEqual([
      ['time-changed', '20250403'],
      ['day-dropped', '20250405'],
      ['day-added', '20250406'],
      ['code-changed', '20250407'],
    ]);
    expect(c!.differences[0]!.text).toBe('4月3日 111111 時間 09:00〜09:30 → 09:00〜09:45');
    expect(c!.differences[1]!.text).toContain('予定あり・実績なし');
  });

  it('compares only the providers that returned actuals, and finds nothing when they agree', () => {
    const other = { ...line('20250402', '0930', '1630', '151111'), provider: '1310000037' };
    const plan = [line('20250401', '0900', '0930'), other];
    expect(comparePlanActual(plan, [line('20250401', '0900', '0930')])[0]!.differences).toEqual([]);
  });
});
