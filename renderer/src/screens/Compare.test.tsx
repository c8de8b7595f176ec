// @vitest-environment jsdom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setApi } from '../api.js';
import { comparisonCandidate, createFakeApi, UNNAMED } from '../testing/fakeApi.js';
import { install, renderScreen } from '../testing/render.js';
import { ComparePage } from './Compare.js';

afterEach(() => {
  cleanup();
  setApi(null);
});

async function openFirst() {
  const rows = await screen.findAllByTestId('comparison-row');
  fireEvent.click(within(rows[0]!).getByTestId('comparison-open'));
  return screen.findByTestId('comparison-view');
}

describe('ComparePage', () => {
  it('prints 予定と実績 on its own (印刷): only the comparison is marked while the dialog is up', async () => {
    install(createFakeApi());
    renderScreen(<ComparePage />);
    const view = await openFirst();
    const print = vi.spyOn(window, 'print').mockImplementation(() => {
      expect(view.classList.contains('print-target')).toBe(true);
      expect(document.body.hasAttribute('data-print-path')).toBe(true);
    });
    fireEvent.click(within(view).getByTestId('print-button'));
    expect(print).toHaveBeenCalledTimes(1);
    window.dispatchEvent(new Event('afterprint'));
    expect(view.classList.contains('print-target')).toBe(false);
    print.mockRestore();
  });

  it('compares the chosen plan and actuals', async () => {
    const fake = install(createFakeApi());
    renderScreen(<ComparePage />);
    const rows = await screen.findAllByTestId('comparison-row');
    const cells = within(rows[0]!).getAllByRole('cell').map((c) => c.textContent);
    expect(cells[0]).toBe('新着山田 花子 様ヤマダ ハナコ131011・0000012345');
    expect(cells[2]).toBe('ひまわり訪問介護1310000029');
    const view = await openFirst();
    const c = comparisonCandidate;
    expect(fake.compare).toHaveBeenCalledWith({ planFile: c.planFile, actualFile: c.actualFile, insurer: c.insurer, insured: c.insured, month: c.month });
    expect(within(view).getByTestId('comparison-person').textContent).toBe('山田 花子 様ヤマダ ハナコ');
    // Compared: the list is asked again, and the back end no longer calls it new.
    expect(fake.listComparisons).toHaveBeenCalledTimes(2);
  });

  it('finds a person by kana or number, and by month', async () => {
    const other = { ...comparisonCandidate, insured: '0000067890', month: '202505', person: UNNAMED, isNew: false };
    install(createFakeApi({ listComparisons: async () => [comparisonCandidate, other] }));
    renderScreen(<ComparePage />);
    await screen.findAllByTestId('comparison-row');
    fireEvent.change(screen.getByTestId('compare-search'), { target: { value: 'はなこ' } });
    expect(screen.getAllByTestId('comparison-row')).toHaveLength(1);
    fireEvent.change(screen.getByTestId('compare-search'), { target: { value: '６７８９０' } });
    expect(screen.getByTestId('comparison-row').textContent).toContain('0000067890');
    fireEvent.change(screen.getByTestId('compare-search'), { target: { value: '' } });
    fireEvent.change(screen.getByTestId('compare-month'), { target: { value: '202504' } });
    expect(screen.getByTestId('comparison-row').textContent).toContain('山田 花子');
  });

  it('lists the differences with their colour and highlights the differing cells in both grids', async () => {
    install(createFakeApi());
    renderScreen(<ComparePage />);
    const view = await openFirst();
    const diffs = within(view).getAllByTestId('difference');
    expect(diffs.map((d) => d.textContent)).toEqual(['4月4日 111211 09:00〜09:30 予定あり・実績なし', '4月7日 111211 時間 09:00〜09:30 → 10:00〜10:30', '4月8日 111211 09:00〜09:30 予定なし・実績あり']);
    expect(diffs[0]!.className).toContain('diff-tone-dropped');
    expect(diffs[1]!.className).toContain('diff-tone-changed');
    expect(diffs[2]!.className).toContain('diff-tone-added');

    const [plan, actual] = within(view).getAllByTestId('ticket-grid');
    // Plan: the dropped visit on the 4th and the moved one on the 7th.
    const planMarks = within(plan!).getAllByTestId('diff-cell').map((td) => [td.dataset.day, td.dataset.diff]);
    expect(planMarks).toEqual([
      ['4', 'day-dropped'],
      ['7', 'time-changed'],
    ]);
    // Actuals: the visit at its new time on the 7th, and the added one on the 8th.
    const actualMarks = within(actual!)
      .getAllByTestId('diff-cell')
      .map((td) => [td.dataset.day, td.dataset.diff, td.closest('tr')!.textContent!.includes('10:00〜10:30')]);
    expect(actualMarks).toEqual(
      expect.arrayContaining([
        ['8', 'day-added', false],
        ['7', 'time-changed', true],
      ]),
    );
    expect(actualMarks).toHaveLength(2);
    // Cells that agree are not marked.
    const planRow = within(plan!).getAllByTestId('ticket-row')[0]!;
    expect(planRow.querySelector('td[data-day="2"]')!.getAttribute('data-testid')).toBeNull();
    expect(within(view).getByTestId('plan-units').textContent).toBe('732');
  });

  it('writes the differences in English in English mode', async () => {
    install(createFakeApi());
    renderScreen(<ComparePage />, 'en');
    const view = await openFirst();
    expect(within(view).getAllByTestId('difference')[0]!.textContent).toBe('4/4 111211 09:00–09:30: planned, not provided');
  });
});
