// @vitest-environment jsdom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, type AppApi } from '../../../shared/api/methods.js';
import { setApi } from '../api.js';
import { createFakeApi } from '../testing/fakeApi.js';
import { PAPER_PLAN, paperGrid, paperSource } from '../testing/fakeReport.js';
import { install, renderScreen } from '../testing/render.js';
import { PaperActualsPage } from './PaperActuals.js';

// Each test gets a fresh fake back end and a fresh page.
afterEach(() => void (setApi(null), cleanup()));

/** The screen on a fake back end (with any methods replaced); the fake, to see what the screen asked. */
const show = (overrides: Partial<AppApi> = {}) => {
  const fake = install(createFakeApi(overrides));
  renderScreen(<PaperActualsPage />);
  return fake;
};

/** Picks the user in the first plan's row and opens the grid. */
const openEditor = async (userIndex = 0) => {
  const first = within((await screen.findAllByTestId('pa-source'))[0]!);
  fireEvent.change(first.getByTestId('pa-user'), { target: { value: String(userIndex) } });
  fireEvent.click(first.getByTestId('pa-open'));
  return screen.findByTestId('pa-editor');
};

describe('PaperActualsPage', () => {
  it('opens the chosen user\'s planned rows of the sent plan as the starting grid', async () => {
    const fake = show();
    const rows = await screen.findAllByTestId('pa-source');
    expect(rows[0]!.textContent).toContain('さくらデイサービス');
    await openEditor(1);
    const u = paperSource.users[1]!;
    expect(fake.paperActualGrid).toHaveBeenCalledWith({ planFile: PAPER_PLAN, insurer: u.insurer, insured: u.insured });
    const planned = paperGrid.rows[0]!.days.findIndex((n) => n > 0) + 1;
    expect((screen.getByTestId(`pa-cell-0-${planned}`) as HTMLInputElement).value).toBe('1');
    expect(screen.getByTestId('pa-changes').textContent).toBe('予定のとおりです（違うところはありません）');
  });

  it('marks each changed cell, counts the changes, and exports exactly the grid as edited', async () => {
    const fake = show();
    const editor = await openEditor();
    const planned = paperGrid.rows[0]!.days.findIndex((n) => n > 0) + 1;
    const extra = paperGrid.rows[0]!.days.findIndex((n) => n === 0) + 1;
    fireEvent.change(screen.getByTestId(`pa-cell-0-${planned}`), { target: { value: '' } });
    fireEvent.change(screen.getByTestId(`pa-cell-0-${extra}`), { target: { value: '1' } });
    const marked = [...editor.querySelectorAll('td[data-changed="true"]')].map((td) => within(td as HTMLElement).getByRole('textbox').getAttribute('data-testid'));
    expect(marked.sort()).toEqual([`pa-cell-0-${planned}`, `pa-cell-0-${extra}`].sort());
    expect(screen.getByTestId('pa-changes').textContent).toContain('予定と違うところ: 2 か所');
    expect(screen.getByTestId('pa-change-list').textContent).toContain(`4月${planned}日 151111: 予定 1 回 → 実績 0 回`);
    fireEvent.click(screen.getByTestId('pa-export'));
    await screen.findByTestId('pa-done');
    const sent = fake.exportPaperActuals.mock.calls[0]![0];
    const days = [...paperGrid.rows[0]!.days];
    days[planned - 1] = 0;
    days[extra - 1] = 1;
    expect(sent).toEqual({ planFile: PAPER_PLAN, insurer: paperGrid.insurer, insured: paperGrid.insured, rows: [{ key: paperGrid.rows[0]!.key, start: '0930', end: '1630', days }] });
    expect(screen.getByTestId('pa-done').textContent).toContain('エラー 0 件');
  });

  it('shows the back end\'s refusal in Japanese', async () => {
    show({ exportPaperActuals: () => Promise.reject(new ApiError('paper_actuals', '時刻は 4 桁（例 0930）、時刻なしは 9999 で入れてください', 'times are 4 digits')) });
    await openEditor();
    fireEvent.click(screen.getByTestId('pa-export'));
    expect((await screen.findByTestId('alert')).textContent).toContain('時刻は 4 桁');
  });
});
