// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setApi } from '../api.js';
import { createFakeApi, history, UNNAMED, YAMADA } from '../testing/fakeApi.js';
import { install, renderScreen } from '../testing/render.js';
import { HistoryPage } from './History.js';

// jsdom has no object URLs; record what would have been downloaded instead.
const created: Blob[] = [];
beforeEach(() => {
  created.length = 0;
  URL.createObjectURL = vi.fn((b: Blob) => {
    created.push(b);
    return 'blob:history';
  });
  URL.revokeObjectURL = vi.fn();
});

afterEach(() => {
  cleanup();
  setApi(null);
  vi.restoreAllMocks();
});

describe('HistoryPage', () => {
  it('shows the history with direction, partner, kinds, month, status and receipt', async () => {
    install(createFakeApi());
    renderScreen(<HistoryPage />);
    const rows = await screen.findAllByTestId('history-row');
    expect(rows).toHaveLength(2);
    const [sent, received] = rows.map((r) => within(r).getAllByRole('cell').map((c) => c.textContent));
    expect(sent!.slice(1)).toEqual(['↑ 送信', '山田 花子 様ヤマダ ハナコ', 'ひまわり訪問介護1310000029', '第6表（予定）・第7表・利用者補足情報', '2025年4月', '相手が受信', '確認済み']);
    // What arrived and was imported sits in the import folder: said in those words. On the receiving
    // side the receipt is the one this office signed and gave.
    expect([received![1], received![6], received![7]]).toEqual(['↓ 受信', '取り込みフォルダに保存しました', '送付済み']);
  });

  it('passes direction, partner and search to the back end; month and 利用者 are picked from the history', async () => {
    const fake = install(
      createFakeApi({
        history: async () => [
          { ...history[0]!, month: '202505', people: [UNNAMED] },
          { ...history[1]!, people: [YAMADA] },
        ],
      }),
    );
    renderScreen(<HistoryPage />);
    await screen.findAllByTestId('history-row');
    fireEvent.change(screen.getByTestId('history-direction'), { target: { value: 'received' } });
    fireEvent.change(screen.getByTestId('history-partner'), { target: { value: 'ひまわり' } });
    fireEvent.change(screen.getByTestId('history-search'), { target: { value: 'ヤマダ' } });
    await waitFor(() => expect(fake.history).toHaveBeenLastCalledWith({ direction: 'received', partner: 'ひまわり', text: 'ヤマダ' }));
    const months = within(screen.getByTestId('history-month')).getAllByRole('option').map((o) => o.textContent);
    expect(months).toEqual(['すべての月', '2025年5月', '2025年4月']);
    fireEvent.change(screen.getByTestId('history-month'), { target: { value: '202505' } });
    expect(screen.getAllByTestId('history-row')).toHaveLength(1);
    expect(screen.getByTestId('history-count').textContent).toBe('1 件 / 全 2 件');
    fireEvent.change(screen.getByTestId('history-month'), { target: { value: '' } });
    fireEvent.change(screen.getByTestId('history-person'), { target: { value: '131011|0000012345' } });
    const rows = screen.getAllByTestId('history-row');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.textContent).toContain('山田 花子 様');
  });

  it('exports the CSV as a download named by the back end', async () => {
    const fake = install(createFakeApi());
    renderScreen(<HistoryPage />);
    await screen.findAllByTestId('history-row');
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    fireEvent.change(screen.getByTestId('history-direction'), { target: { value: 'sent' } });
    fireEvent.click(screen.getByTestId('history-csv'));
    await screen.findByTestId('history-csv-done');
    expect(fake.historyCsv).toHaveBeenCalledWith({ direction: 'sent' });
    expect(click).toHaveBeenCalledTimes(1);
    const clicked = click.mock.contexts[0] as HTMLAnchorElement;
    expect(clicked.download).toBe('careplan-link-history-202504.csv');
    expect(clicked.href).toBe('blob:history');
    expect(created).toHaveLength(1);
    const text = await new Promise<string>((resolve) => {
      const r = new FileReader();
      r.onload = () => resolve(String(r.result));
      r.readAsText(created[0]!);
    });
    expect(text).toContain('2025-04-25,送信,ひまわり訪問介護');
    expect(screen.getByTestId('history-csv-done').textContent).toContain('careplan-link-history-202504.csv');
  });
});
