// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { CARE_MANAGER, HOME_HELP, planGrid, YAMADA } from '../testing/fakeApi.js';
import { renderScreen } from '../testing/render.js';
import { TicketGrid } from './TicketGrid.js';

afterEach(cleanup);

/** The cell texts of a body row, keyed by day number. */
function dayCells(row: HTMLElement): Map<number, HTMLElement> {
  const out = new Map<number, HTMLElement>();
  for (const td of row.querySelectorAll<HTMLElement>('td[data-day]')) out.set(Number(td.dataset.day), td);
  return out;
}

describe('TicketGrid', () => {
  it('shows the header and one column per day of the month', () => {
    renderScreen(<TicketGrid grid={planGrid} />);
    expect(screen.getByText('131011')).toBeTruthy();
    expect(screen.getByText('0000012345')).toBeTruthy();
    expect(screen.getByText('2025年4月')).toBeTruthy();
    const grid = screen.getByTestId('ticket-grid');
    const dayHeads = Array.from(grid.querySelectorAll('thead tr:first-child th.tg-day')).map((th) => th.textContent);
    expect(dayHeads).toEqual(Array.from({ length: 30 }, (_, i) => String(i + 1)));
  });

  it('puts each count on its own day, leaves other days blank, and totals the row', () => {
    renderScreen(<TicketGrid grid={planGrid} />);
    const rows = screen.getAllByTestId('ticket-row');
    expect(rows).toHaveLength(2);
    const homeHelp = dayCells(rows[0]!);
    const filled = [...homeHelp].filter(([, td]) => td.textContent !== '').map(([d]) => d);
    expect(filled).toEqual([2, 4, 7]);
    expect(homeHelp.get(2)!.textContent).toBe('1');
    expect(homeHelp.get(3)!.textContent).toBe('');
    const cells = within(rows[0]!).getAllByRole('cell');
    expect(cells.at(-2)!.textContent).toBe('3');
    expect(cells.at(-1)!.textContent).toBe('732');
    expect(rows[0]!.textContent).toContain('ひまわり訪問介護');
    expect(rows[0]!.textContent).toContain('111211');
    expect(rows[0]!.textContent).toContain('09:00〜09:30');
    const dayCare = dayCells(rows[1]!);
    expect([...dayCare].filter(([, td]) => td.textContent !== '').map(([d]) => d)).toEqual([3, 10]);
    // 9999 is the standard spec's "no time".
    expect(rows[1]!.textContent).toContain('時刻なし');
  });

  it('shades weekends from the month (April 2025 starts on a Tuesday)', () => {
    renderScreen(<TicketGrid grid={planGrid} />);
    const cells = dayCells(screen.getAllByTestId('ticket-row')[0]!);
    expect(cells.get(5)!.classList.contains('sat')).toBe(true);
    expect(cells.get(6)!.classList.contains('sun')).toBe(true);
    expect(cells.get(7)!.classList.contains('sat') || cells.get(7)!.classList.contains('sun')).toBe(false);
    const wd = Array.from(screen.getByTestId('ticket-grid').querySelectorAll('th.tg-wd')).map((th) => th.textContent);
    expect(wd.slice(0, 7)).toEqual(['火', '水', '木', '金', '土', '日', '月']);
  });

  it('names the person above the grid, with kana', () => {
    renderScreen(<TicketGrid grid={{ ...planGrid, person: YAMADA }} named />);
    expect(screen.getByTestId('grid-person').textContent).toContain('山田 花子 様');
    expect(screen.getByTestId('grid-person').textContent).toContain('ヤマダ ハナコ');
  });

  it('on a provider’s 提供票, fades the other offices’ rows with a note; a care manager’s grid fades nothing', () => {
    renderScreen(<TicketGrid grid={{ ...planGrid, ownOffice: HOME_HELP }} />);
    const rows = screen.getAllByTestId('ticket-row');
    expect(rows.map((r) => r.dataset.other ?? '')).toEqual(['', 'true']);
    expect(rows[1]!.className).toContain('tg-other');
    expect(screen.getByTestId('ticket-other-note').textContent).toContain('ほかの事業所のサービス');
    cleanup();
    renderScreen(<TicketGrid grid={{ ...planGrid, ownOffice: CARE_MANAGER }} />);
    expect(screen.getAllByTestId('ticket-row').every((r) => !r.className.includes('tg-other'))).toBe(true);
    expect(screen.queryByTestId('ticket-other-note')).toBeNull();
  });
});
