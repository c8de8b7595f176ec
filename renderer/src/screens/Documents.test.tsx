// @vitest-environment jsdom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { setApi } from '../api.js';
import { createFakeApi, FORM_FILE, PLAN_FILE } from '../testing/fakeApi.js';
import { install, renderScreen } from '../testing/render.js';
import { DocumentsPage } from './Documents.js';

afterEach(() => {
  cleanup();
  setApi(null);
});

describe('DocumentsPage', () => {
  it('lists documents and opens a 第6表 as the grid', async () => {
    const fake = install(createFakeApi());
    renderScreen(<DocumentsPage />);
    const rows = await screen.findAllByTestId('document-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toContain('第6表 サービス利用票（予定）');
    expect(rows[0]!.textContent).toContain('送った');
    fireEvent.click(within(rows[0]!).getByTestId('document-open'));
    const grid = await screen.findByTestId('ticket-grid');
    expect(fake.openDocument).toHaveBeenCalledWith({ source: 'sent', file: PLAN_FILE });
    expect(within(grid).getAllByTestId('ticket-row')).toHaveLength(2);
  });

  it('opens a 第1表 as the paper form, with codes and dates in words', async () => {
    const fake = install(createFakeApi());
    renderScreen(<DocumentsPage />);
    const rows = await screen.findAllByTestId('document-row');
    fireEvent.click(within(rows[1]!).getByTestId('document-open'));
    const sheet = await screen.findByTestId('plan1-sheet');
    expect(fake.openDocument).toHaveBeenCalledWith({ source: 'sent', file: FORM_FILE });
    expect(sheet.textContent).toContain('自宅で安心して暮らし続けたい');
    expect(sheet.textContent).toContain('2025年4月1日');
    expect(sheet.textContent).toContain('要介護１');
    expect(sheet.textContent).not.toContain('20250401');
  });
});
