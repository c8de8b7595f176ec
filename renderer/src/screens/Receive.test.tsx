// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api/methods.js';
import { setApi } from '../api.js';
import { OfficeContext } from '../office.js';
import { ACTUAL_FILE, arrivals, createFakeApi, FORM_FILE, PLAN_FILE, readyState, UNNAMED } from '../testing/fakeApi.js';
import { install, renderScreen } from '../testing/render.js';
import { ReceivePage } from './Receive.js';

afterEach(() => {
  cleanup();
  setApi(null);
});

describe('ReceivePage', () => {
  it('lists arrivals with the people by name, sender, kinds, month, verification and state', async () => {
    install(createFakeApi());
    renderScreen(<ReceivePage />);
    const rows = await screen.findAllByTestId('arrival-row');
    expect(rows).toHaveLength(2);
    const [first, second] = rows.map((r) => within(r).getAllByRole('cell').map((c) => c.textContent));
    expect(first!.slice(0, 6)).toEqual(['新着山田 花子 様ヤマダ ハナコ', 'ひまわり訪問介護1310000029', '第6表（実績）', '2025年4月', '✓ 署名を確認しました', '取り込みフォルダに保存しました']);
    expect([second![0], second![4], second![5]]).toEqual(['—', '✗ 署名を確認できません', '隔離署名が確認できません']);
  });

  it('marks only what has not been opened as 新着, and reloads after opening it', async () => {
    const fake = install(createFakeApi());
    renderScreen(<ReceivePage />);
    const rows = await screen.findAllByTestId('arrival-row');
    expect(within(rows[0]!).queryByTestId('new-mark')).not.toBeNull();
    expect(within(rows[1]!).queryByTestId('new-mark')).toBeNull();
    fireEvent.click(within(rows[0]!).getByTestId('arrival-open'));
    await screen.findByTestId('ticket-grid');
    await waitFor(() => expect(fake.listArrivals).toHaveBeenCalledTimes(2));
  });

  it('searches by kana, half-width kana and displayed words, and filters by month', async () => {
    const may = { ...arrivals[1]!, messageId: 'msg-0004', month: '202505', state: 'imported' as const, reason: null, people: [UNNAMED] };
    install(createFakeApi({ listArrivals: async () => [arrivals[0]!, may] }));
    renderScreen(<ReceivePage />);
    await screen.findAllByTestId('arrival-row');
    const search = screen.getByTestId('receive-search');
    fireEvent.change(search, { target: { value: 'ﾔﾏﾀﾞ' } });
    expect(screen.getAllByTestId('arrival-row')).toHaveLength(1);
    expect(screen.getByTestId('arrival-row').textContent).toContain('山田 花子 様');
    fireEvent.change(search, { target: { value: 'アオゾラ' } });
    expect(screen.getByTestId('arrival-row').textContent).toContain('あおぞらデイサービス');
    fireEvent.change(search, { target: { value: '実績' } });
    expect(screen.getAllByTestId('arrival-row')).toHaveLength(2);
    fireEvent.change(search, { target: { value: '' } });
    fireEvent.change(screen.getByTestId('receive-month'), { target: { value: '202505' } });
    expect(screen.getAllByTestId('arrival-row')).toHaveLength(1);
    expect(screen.getByTestId('arrival-row').textContent).toContain('0000067890');
    fireEvent.change(screen.getByTestId('receive-month'), { target: { value: '' } });
    fireEvent.change(screen.getByTestId('receive-person'), { target: { value: '131011|0000012345' } });
    expect(screen.getAllByTestId('arrival-row')).toHaveLength(1);
  });

  it('speaks as the provider: the 第6表 that came is 提供票（届いた予定）', async () => {
    const plan = { ...arrivals[0]!, kinds: ['UPPLAN', 'UPSIKYU', 'UPHOSOKU'] };
    install(createFakeApi({ listArrivals: async () => [plan] }));
    render(
      <OfficeContext.Provider value={{ ...readyState.profile!, serviceType: '11' }}>
        <ReceivePage />
      </OfficeContext.Provider>,
    );
    const row = await screen.findByTestId('arrival-row');
    expect(within(row).getAllByRole('cell')[2]!.textContent).toBe('提供票（届いた予定）・提供票別表（第7表）・利用者補足情報');
  });

  it('receives now and shows the result message, then reloads the list', async () => {
    const fake = install(createFakeApi());
    renderScreen(<ReceivePage />);
    await screen.findAllByTestId('arrival-row');
    fireEvent.click(screen.getByTestId('receive-now'));
    expect((await screen.findByTestId('receive-message')).textContent).toBe('1件を受け取り、取り込みました。');
    await waitFor(() => expect(fake.listArrivals).toHaveBeenCalledTimes(2));
  });

  it('opens the import folder and shows where it is', async () => {
    const fake = install(createFakeApi());
    renderScreen(<ReceivePage />);
    fireEvent.click(screen.getByTestId('receive-open-folder'));
    expect((await screen.findByTestId('receive-folder-path')).textContent).toContain('C:\\CareSoft\\import');
    expect(fake.openFolder).toHaveBeenCalledWith({ which: 'import' });
  });

  it('opens every file of an arrival as a document', async () => {
    const fake = install(createFakeApi());
    renderScreen(<ReceivePage />);
    const rows = await screen.findAllByTestId('arrival-row');
    fireEvent.click(within(rows[0]!).getByTestId('arrival-open'));
    await screen.findByTestId('ticket-grid');
    expect(fake.openDocument).toHaveBeenCalledWith({ source: 'arrival', file: ACTUAL_FILE });
  });

  it('shows a unit of several files one at a time, the ticket grid first', async () => {
    const unit = { ...arrivals[0]!, files: [FORM_FILE, PLAN_FILE] };
    install(createFakeApi({ listArrivals: async () => [unit] }));
    renderScreen(<ReceivePage />);
    fireEvent.click(within(await screen.findByTestId('arrival-row')).getByTestId('arrival-open'));
    await screen.findByTestId('ticket-grid');
    const tabs = screen.getAllByTestId('document-tab');
    expect(tabs).toHaveLength(2);
    expect(tabs[1]!.getAttribute('aria-selected')).toBe('true');
    expect(screen.queryByTestId('plan1-sheet')).toBeNull();
    fireEvent.click(tabs[0]!);
    await screen.findAllByTestId('plan1-sheet');
    expect(screen.queryByTestId('ticket-grid')).toBeNull();
  });

  it('shows a failed receive as an alert with the back end’s advice', async () => {
    install(
      createFakeApi({
        receiveNow: async () => {
          throw new ApiError('offline', '連携サービスにつながりません。インターネットの接続を確かめてください。', 'Cannot reach the service.');
        },
      }),
    );
    renderScreen(<ReceivePage />);
    fireEvent.click(screen.getByTestId('receive-now'));
    expect((await screen.findByRole('alert')).textContent).toContain('インターネットの接続を確かめてください。');
  });
});
