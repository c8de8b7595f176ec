// @vitest-environment jsdom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_ASSUMPTIONS } from '../../../shared/effect/assumptions.js';
import type { AppApi } from '../../../shared/api/methods.js';
import { setApi } from '../api.js';
import { createFakeApi } from '../testing/fakeApi.js';
import { effectReport } from '../testing/fakeReport.js';
import { install, renderScreen } from '../testing/render.js';
import { ReportPage, thisMonth, withAssumptions } from './Report.js';

// Each test gets a fresh fake back end and a fresh page.
afterEach(() => void (setApi(null), cleanup()));

/** The screen on a fake back end (with any methods replaced); the fake, to see what the screen asked. */
const show = (overrides: Partial<AppApi> = {}) => {
  const fake = install(createFakeApi(overrides));
  renderScreen(<ReportPage />);
  return fake;
};

describe('ReportPage', () => {
  it('shows the month\'s counts and one bar per month and series in the charts', async () => {
    const fake = show();
    expect((await screen.findByTestId('er-data')).textContent).toContain('2 件・6 枚');
    expect(screen.getByTestId('er-paper').textContent).toContain('1 件・3 枚');
    expect(screen.getByTestId('er-partners').textContent).toContain('連携中 2・未連携 1');
    expect(screen.getByTestId('er-transcription').textContent).toContain('4 人分・明細 24 行');
    expect(fake.effectReport).toHaveBeenCalledWith({ month: thisMonth() });
    fireEvent.change(screen.getByTestId('er-month'), { target: { value: '2025-04' } });
    expect(fake.effectReport).toHaveBeenLastCalledWith({ month: '202504' });
    const bars = [...screen.getByTestId('er-chart-partners').querySelectorAll('rect')].map((r) => Number(r.getAttribute('data-value')));
    expect(bars).toEqual(effectReport.trend.flatMap((m) => [m.linked.length, m.unlinked.length]));
    expect(screen.getByTestId('er-minutes').textContent).toContain('15.3 分');
  });

  it('recalculates the estimate as an assumption changes, and saves it', async () => {
    const fake = show();
    await screen.findByTestId('er-assumptions');
    fireEvent.change(screen.getByTestId('er-a-minutesPerMonth'), { target: { value: '60' } });
    // 2 of 3 sheets went by data: 60 × 2/3.
    expect(screen.getByTestId('er-minutes').textContent).toContain('40 分');
    fireEvent.click(screen.getByTestId('er-save'));
    await screen.findByText('試算の前提を保存しました。');
    expect(fake.saveEffectAssumptions).toHaveBeenCalledWith({ ...DEFAULT_ASSUMPTIONS, minutesPerMonth: 60 });
  });

  it('names the source of every assumption', async () => {
    show();
    const box = await screen.findByTestId('er-assumptions');
    expect(box.textContent).toContain('2025年の調査');
    expect(box.textContent).toContain('2,167円');
    expect(box.textContent).toContain('careplan-link の仮定');
  });
});

describe('withAssumptions', () => {
  it('scales sheets with sheets per form and recomputes FAX pages with the cover pages', () => {
    const r = withAssumptions(effectReport, { ...DEFAULT_ASSUMPTIONS, sheetsPerUserForm: 2, coverPagesPerFax: 3 });
    expect(r.current.data.sheets).toBe(12);
    expect(r.estimate.faxPagesSaved).toBe(12 + 2 * 3);
  });
});
