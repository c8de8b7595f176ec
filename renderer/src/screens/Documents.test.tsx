// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { setApi } from '../api.js';
import type { DocumentEntry } from '../../../shared/api/types.js';
import { ACTUAL_FILE, createFakeApi, documents, FORM_FILE, HOME_HELP, PLAN_FILE, UNNAMED, YAMADA } from '../testing/fakeApi.js';
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
    const plan = rows.find((r) => r.dataset.kind === 'UPPLAN')!;
    expect(plan.textContent).toContain('第6表 サービス利用票（予定）');
    expect(plan.textContent).toContain('送った');
    fireEvent.click(within(plan).getByTestId('document-open'));
    const grid = await screen.findByTestId('ticket-grid');
    expect(fake.openDocument).toHaveBeenCalledWith({ source: 'sent', file: PLAN_FILE });
    expect(within(grid).getAllByTestId('ticket-row')).toHaveLength(2);
  });

  it('opens a 第1表 as the paper form, with codes and dates in words', async () => {
    const fake = install(createFakeApi());
    renderScreen(<DocumentsPage />);
    const rows = await screen.findAllByTestId('document-row');
    fireEvent.click(within(rows.find((r) => r.dataset.kind === 'UP1KYO')!).getByTestId('document-open'));
    const sheet = await screen.findByTestId('plan1-sheet');
    expect(fake.openDocument).toHaveBeenCalledWith({ source: 'sent', file: FORM_FILE });
    expect(sheet.textContent).toContain('自宅で安心して暮らし続けたい');
    expect(sheet.textContent).toContain('2025年4月1日');
    expect(sheet.textContent).toContain('要介護１');
    expect(sheet.textContent).not.toContain('20250401');
  });

  it('groups by 利用者 and month, in table order (第1表 → 第3表, 第6表 → 第7表), the plan first', async () => {
    const doc = (fileType: string, file: string, month: string | null, people: DocumentEntry['people'], at = '2025-04-25T03:10:00.000Z'): DocumentEntry => ({ ref: { source: 'arrival', file }, fileType, title: fileType, partner: 'ひまわり訪問介護 1310000029', partnerOffice: HOME_HELP, partnerName: 'ひまわり訪問介護', month, at, people, isNew: false });
    install(
      createFakeApi({
        listDocuments: async () => [
          doc('UPSIKYU', 'S.CSV', '202504', [YAMADA]),
          doc('UP3KYO', '3.CSV', null, [YAMADA]),
          doc('UPPLAN', 'P.CSV', '202504', [YAMADA, UNNAMED]),
          doc('UP1KYO', '1.CSV', null, [YAMADA]),
          doc('UPPLAN', 'P5.CSV', '202505', [YAMADA]),
          doc('UP2KYO', '2.CSV', null, [YAMADA]),
        ],
      }),
    );
    renderScreen(<DocumentsPage />);
    await screen.findAllByTestId('document-row');
    const body = screen.getAllByRole('row').slice(1);
    const layout = body.map((r) => (r.dataset.testid === 'document-group' ? `# ${r.textContent}` : r.dataset.kind));
    expect(layout).toEqual([
      '# 山田 花子 様ヤマダ ハナコ月の指定なし',
      'UP1KYO',
      'UP2KYO',
      'UP3KYO',
      '# 山田 花子 様ヤマダ ハナコ2025年5月',
      'UPPLAN',
      '# 山田 花子 様ヤマダ ハナコ2025年4月',
      'UPPLAN',
      'UPSIKYU',
      // Known only by number: after the named people; the same 第6表 file appears under each person.
      '# 00000678902025年4月',
      'UPPLAN',
    ]);
  });

  it('finds documents by the words shown (実績), by kana in any width, and marks the unopened 新着', async () => {
    const actual: DocumentEntry = { ...documents[0]!, ref: { source: 'arrival', file: ACTUAL_FILE }, fileType: 'UPJSK', title: '第6表 サービス利用票（実績）', isNew: true };
    const fake = install(createFakeApi({ listDocuments: async () => [...documents, actual] }));
    renderScreen(<DocumentsPage />);
    await screen.findAllByTestId('document-row');
    const search = screen.getByTestId('documents-search');
    fireEvent.change(search, { target: { value: '実績' } });
    expect(screen.getAllByTestId('document-row').map((r) => r.dataset.kind)).toEqual(['UPJSK']);
    fireEvent.change(search, { target: { value: 'ﾔﾏﾀﾞ　第１表' } });
    expect(screen.getAllByTestId('document-row').map((r) => r.dataset.kind)).toEqual(['UP1KYO']);
    fireEvent.change(search, { target: { value: '鈴木' } });
    expect(screen.queryAllByTestId('document-row')).toHaveLength(0);
    expect(screen.getByText('条件に合うものはありません。')).toBeTruthy();
    fireEvent.change(search, { target: { value: '' } });
    const fresh = screen.getAllByTestId('document-row').filter((r) => r.dataset.new === 'true');
    expect(fresh.map((r) => r.dataset.kind)).toEqual(['UPJSK']);
    expect(within(fresh[0]!).getByTestId('new-mark').textContent).toBe('新着');
    fireEvent.click(within(fresh[0]!).getByTestId('document-open'));
    await waitFor(() => expect(fake.listDocuments).toHaveBeenCalledTimes(2));
  });

  it('keeps the filters when the clerk leaves the screen and comes back (they were reset)', async () => {
    const fake = install(createFakeApi());
    const first = renderScreen(<DocumentsPage />);
    await screen.findAllByTestId('document-row');
    fireEvent.change(screen.getByTestId('documents-search'), { target: { value: '第１表' } });
    expect(screen.getAllByTestId('document-row').map((r) => r.dataset.kind)).toEqual(['UP1KYO']);
    first.unmount(); // another menu item
    renderScreen(<DocumentsPage />);
    await screen.findAllByTestId('document-row');
    expect((screen.getByTestId('documents-search') as HTMLInputElement).value).toBe('第１表');
    expect(screen.getAllByTestId('document-row').map((r) => r.dataset.kind)).toEqual(['UP1KYO']);
    cleanup();
    // A new session of the app (a new back end door) starts unfiltered.
    setApi(null);
    install(createFakeApi());
    renderScreen(<DocumentsPage />);
    await screen.findAllByTestId('document-row');
    expect((screen.getByTestId('documents-search') as HTMLInputElement).value).toBe('');
    expect(fake.listDocuments).toHaveBeenCalled();
  });

  it('「新着をすべて確認済みにする」 clears every 新着 at once, and is gone when none is left', async () => {
    let seen = false;
    const entries = (): DocumentEntry[] => documents.map((d) => ({ ...d, isNew: !seen }));
    const fake = install(createFakeApi({ listDocuments: async () => entries(), markAllOpened: async () => ((seen = true), { opened: documents.length }) }));
    renderScreen(<DocumentsPage />);
    const button = await screen.findByTestId('mark-all-seen');
    expect(button.textContent).toBe(`新着 ${documents.length} 件をすべて確認済みにする`);
    expect(screen.getAllByTestId('new-mark')).toHaveLength(documents.length);
    fireEvent.click(button);
    await waitFor(() => expect(screen.queryAllByTestId('new-mark')).toHaveLength(0));
    expect(fake.markAllOpened).toHaveBeenCalledWith({ list: 'documents' });
    expect(screen.queryByTestId('mark-all-seen')).toBeNull();
  });
});
