// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { setApi } from '../api.js';
import { createFakeApi, DAY_CARE } from '../testing/fakeApi.js';
import { install, renderScreen } from '../testing/render.js';
import { PaperPage } from './Paper.js';

/** The screen on the fake back end, and its one sheet row once listed. */
async function openScreen() {
  const fake = install(createFakeApi());
  renderScreen(<PaperPage />);
  const [row] = await screen.findAllByTestId('paper-row');
  return { fake, row: row! };
}

afterEach(() => [setApi(null), cleanup()]);

describe('PaperPage (印刷・FAX)', () => {
  it('lists each partner’s monthly PDF with its status, documents and pages, and the month by data and by paper', async () => {
    const { row } = await openScreen();
    const cells = within(row).getAllByRole('cell').map((c) => c.textContent);
    expect(cells[0]).toBe('2025/04');
    expect(cells[1]).toContain(DAY_CARE);
    await waitFor(() => expect(within(row).getByTestId('partner-status').getAttribute('data-state')).toBe('unlinked'));
    expect(cells[2]).toBe('第1表・第6表・第7表');
    expect(cells[3]).toBe('9');
    expect(cells[5]).toBe('未送付');
    expect(screen.getByTestId('paper-month-data').textContent).toBe('2 件（1 事業所）');
    expect(screen.getByTestId('paper-month-paper').textContent).toBe('2 件（1 事業所）');
  });

  it('prints (opens the PDF) and marks it faxed, and back', async () => {
    const { fake, row } = await openScreen();
    fireEvent.click(within(row).getByTestId('paper-print'));
    await waitFor(() => expect(fake.openPaper).toHaveBeenCalledWith({ id: `202504-${DAY_CARE}-1` }));
    fireEvent.click(within(row).getByTestId('paper-fax'));
    await waitFor(() => expect(screen.getByTestId('paper-row').getAttribute('data-faxed')).toBe('true'));
    expect(fake.setPaperFaxed).toHaveBeenCalledWith({ id: `202504-${DAY_CARE}-1`, faxed: true });
    expect(within(screen.getByTestId('paper-row')).getByTestId('paper-fax').textContent).toBe('未送付に戻す');
    fireEvent.click(within(screen.getByTestId('paper-row')).getByTestId('paper-fax'));
    await waitFor(() => expect(screen.getByTestId('paper-row').getAttribute('data-faxed')).toBe('false'));
  });
});
