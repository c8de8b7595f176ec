// @vitest-environment jsdom
// The paper forms on screen, from records shaped like the valid fixtures: names from 利用者補足情報,
// codes as words with the chosen ones circled, dates written out, 第2表 cells merged, 第3表 blocks on
// their weekday and time, and 印刷 / PDFで保存 printing this document alone.
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DocumentView } from '../../../shared/api/types.js';
import { hosokuRow, plan1Row, row } from '../../../shared/forms/testRows.js';
import { DocumentTabs } from '../components/DocumentTabs.js';
import { DocumentViewer } from '../components/DocumentViewer.js';
import { createFakeApi } from '../testing/fakeApi.js';
import { install, renderScreen } from '../testing/render.js';

afterEach(cleanup);

function formView(fileType: string, title: string, rows: string[][]): DocumentView {
  return {
    kind: 'form',
    file: `${fileType}_1310000011_43_1310000029_11_20250425120001.CSV`,
    fileType,
    title,
    records: rows.map((r, i) => ({ title: `${i + 1}件目`, fields: r.map((value, j) => ({ no: j + 1, name: `項目${j + 1}`, value })) })),
  };
}

const plan1 = formView('UP1KYO', '居宅サービス計画書（第1表）', [plan1Row]);
const hosoku = formView('UPHOSOKU', '利用者補足情報', [hosokuRow]);
const base = { 1: '202407', 2: '131010', 3: '1000000000', 4: '20250401', 5: '20250401' };

const circled = (el: HTMLElement) => Array.from(el.querySelectorAll('[aria-current="true"]')).map((e) => e.textContent);

describe('第1表 on screen', () => {
  it('names the person from the unit’s 利用者補足情報 and writes codes and dates in words', () => {
    renderScreen(<DocumentTabs views={[plan1, hosoku]} />);
    fireEvent.click(screen.getAllByTestId('document-tab')[0]!);
    const sheet = screen.getByTestId('plan1-sheet');
    expect(within(sheet).getByTestId('paper-person').textContent).toContain('佐藤　ハナ 殿');
    expect(circled(within(sheet).getByTestId('plan1-kind'))).toEqual(['初回', '継続']);
    expect(circled(within(sheet).getByTestId('plan1-cert'))).toEqual(['認定済']);
    expect(circled(within(sheet).getByTestId('plan1-care-level'))).toEqual(['要介護２']);
    expect(within(sheet).getByTestId('plan1-plan-date').textContent).toBe('2025年4月1日');
    expect(sheet.textContent).toContain('2024年4月1日～2026年3月31日');
    expect(sheet.textContent).toContain('1949年5月28日（昭和24年）');
    // No raw code or date is left on the form.
    expect(sheet.textContent).not.toMatch(/20250401|20240320/);
  });

  it('without 利用者補足情報 shows the numbers instead of a blank name', () => {
    renderScreen(<DocumentViewer view={plan1} />);
    expect(screen.getByTestId('paper-person').textContent).toBe('被保険者番号 1000000000');
  });

  it('writes out a care level the paper has no circle for', () => {
    const support = formView('UP1KYO', '第1表', [plan1Row.map((v, i) => (i === 20 ? '13' : i === 15 ? '99' : v))]);
    renderScreen(<DocumentViewer view={support} />);
    const sheet = screen.getByTestId('plan1-sheet');
    expect(circled(within(sheet).getByTestId('plan1-care-level'))).toEqual([]);
    expect(sheet.textContent).toContain('要支援２');
    expect(sheet.textContent).toContain('99 （仕様にない値）');
  });
});

describe('第2表, 第3表, 補足 and the ticket tables', () => {
  it('merges the need and goal cells down the 第2表 table', () => {
    const rows = [
      row(22, { ...base, 6: '1', 7: '自宅で安全に入浴したい', 8: '1', 9: '週3回入浴できる', 10: '介助を受けて入浴する', 11: '20250401～', 13: '1', 14: '入浴介助', 15: 'Y', 18: 'ひまわり訪問介護ステーション' }),
      row(22, { ...base, 6: '1', 8: '1', 13: '2', 14: '買い物の支援', 15: 'N' }),
    ];
    renderScreen(<DocumentViewer view={formView('UP2KYO', '第2表', rows)} />);
    const [first, second] = screen.getAllByTestId('plan2-row');
    const needCell = within(first!).getByText('自宅で安全に入浴したい');
    expect(needCell.getAttribute('rowspan')).toBe('2');
    expect(second!.querySelectorAll('td')).toHaveLength(6);
    expect(first!.textContent).toContain('2025年4月1日～');
    expect(first!.querySelector('.paper-mark')!.textContent).toBe('○');
    expect(second!.querySelector('.paper-mark')!.textContent).toBe('');
  });

  it('puts each 第3表 service on its weekday for its time, with the activities and the other services', () => {
    const rows = [
      row(13, { ...base, 6: '通所介護', 7: '4', 8: '0930', 9: '1630' }),
      row(13, { ...base, 10: '起床', 11: '0630', 12: '0630' }),
      row(13, { ...base, 13: '福祉用具貸与（手すり）' }),
    ];
    renderScreen(<DocumentViewer view={formView('UP3KYO', '第3表', rows)} />);
    const slot = screen.getByTestId('plan3-slot');
    expect(slot.dataset.day).toBe('木');
    expect(slot.textContent).toContain('9:30～16:30');
    // Quarter-hour rows: 9:30 is row 39 (38 quarters + 1), 16:30 ends before row 67.
    expect([slot.style.gridRowStart, slot.style.gridRowEnd]).toEqual(['39', '67']);
    expect(screen.getByTestId('plan3-activity').textContent).toBe('6:30 起床');
    expect(screen.getByTestId('plan3-non-weekly').textContent).toBe('福祉用具貸与（手すり）');
  });

  it('draws 第3表 services that overlap on one day side by side, not on top of each other', () => {
    const rows = [row(13, { ...base, 6: '訪問介護', 7: '1', 8: '0900', 9: '1000' }), row(13, { ...base, 6: '訪問看護', 7: '1', 8: '0930', 9: '1100' })];
    renderScreen(<DocumentViewer view={formView('UP3KYO', '第3表', rows)} />);
    const [a, b] = screen.getAllByTestId('plan3-slot');
    expect([a!.style.width, b!.style.width]).toEqual(['calc(50% - 4px)', 'calc(50% - 4px)']);
    expect([a!.style.marginLeft, b!.style.marginLeft]).toEqual(['calc(0% + 2px)', 'calc(50% + 2px)']);
    // A narrow lane clips its words: the whole name and time are on the block's title.
    expect(b!.getAttribute('title')).toBe('訪問看護 9:30～11:00');
  });

  it('shows 利用者補足情報 as a card with words for its codes', () => {
    renderScreen(<DocumentViewer view={hosoku} />);
    const card = screen.getByTestId('hosoku-card');
    expect(card.textContent).toContain('サトウ　ハナ');
    expect(card.textContent).toContain('要介護１');
    expect(card.textContent).toContain('認定済');
    expect(card.textContent).toContain('16,765単位');
    expect(card.textContent).toContain('11 訪問介護');
    expect(card.textContent).not.toContain('19490528');
  });

  it('prints the ticket grid landscape with the person’s name from the unit', () => {
    const grid: DocumentView = { kind: 'grid', file: 'UPPLAN_202504_x.CSV', fileType: 'UPPLAN', title: '第6表', grids: [{ insurer: '131010', insured: '1000000000', month: '202504', daysInMonth: 30, rows: [] }] };
    renderScreen(<DocumentTabs views={[grid, hosoku]} />);
    expect(screen.getByTestId('ticket-person').textContent).toBe('佐藤　ハナ 殿');
    expect(screen.getByTestId('ticket-person').closest('.paper')!.getAttribute('data-orientation')).toBe('landscape');
  });
});

describe('印刷 and PDFで保存', () => {
  it('印刷 opens the print dialog with only this document marked, and unmarks it afterwards', () => {
    const print = vi.spyOn(window, 'print').mockImplementation(() => {
      // While the dialog is up, the document is the print target and its ancestors the path.
      const doc = screen.getByTestId('document-view');
      expect(doc.classList.contains('print-target')).toBe(true);
      expect(doc.parentElement!.hasAttribute('data-print-path')).toBe(true);
      expect(document.body.hasAttribute('data-print-path')).toBe(true);
    });
    renderScreen(<DocumentViewer view={plan1} />);
    fireEvent.click(screen.getByTestId('print-button'));
    expect(print).toHaveBeenCalledTimes(1);
    window.dispatchEvent(new Event('afterprint'));
    expect(screen.getByTestId('document-view').classList.contains('print-target')).toBe(false);
    expect(document.body.hasAttribute('data-print-path')).toBe(false);
    print.mockRestore();
  });

  it('PDFで保存 in the desktop app asks main to save a PDF named after the form and the person, while marked', async () => {
    let markedDuringCall = false;
    const fake = install(
      createFakeApi({
        savePdf: async ({ name }) => {
          markedDuringCall = screen.getByTestId('document-view').classList.contains('print-target');
          return { path: `C:\\Users\\clerk\\Documents\\${name}` };
        },
      }),
    );
    // The desktop app is where the preload put its API on the window; the fake answers the calls.
    window.careplan = {} as NonNullable<Window['careplan']>;
    try {
      renderScreen(<DocumentTabs views={[plan1, hosoku]} />);
      fireEvent.click(screen.getAllByTestId('document-tab')[0]!);
    } finally {
      delete window.careplan;
    }
    fireEvent.click(screen.getByTestId('save-pdf-button'));
    await waitFor(() => expect(screen.getByTestId('pdf-saved').textContent).toContain('居宅サービス計画書（第1表）_佐藤 ハナ.pdf'));
    expect(fake.savePdf).toHaveBeenCalledWith({ name: '居宅サービス計画書（第1表）_佐藤 ハナ.pdf' });
    expect(markedDuringCall).toBe(true);
    expect(screen.getByTestId('document-view').classList.contains('print-target')).toBe(false);
  });

  it('PDFで保存 in a browser is the browser’s print dialog', () => {
    const fake = install(createFakeApi());
    const print = vi.spyOn(window, 'print').mockImplementation(() => {});
    renderScreen(<DocumentViewer view={plan1} />);
    fireEvent.click(screen.getByTestId('save-pdf-button'));
    expect(print).toHaveBeenCalledTimes(1);
    expect(fake.savePdf).not.toHaveBeenCalled();
    window.dispatchEvent(new Event('afterprint'));
    print.mockRestore();
  });
});

describe('the PDF’s suggested name', () => {
  it('joins the form and the person, without the characters Windows refuses', async () => {
    const { pdfFileName } = await import('./print.js');
    expect(pdfFileName(['居宅サービス計画書（第1表）', '佐藤\u3000ハナ'])).toBe('居宅サービス計画書（第1表）_佐藤 ハナ.pdf');
    expect(pdfFileName(['第6表 a/b:c*?"<>|', ''])).toBe('第6表 abc.pdf');
    expect(pdfFileName(['', ''])).toBe('document.pdf');
    expect(pdfFileName(['あ'.repeat(300)])).toBe(`${'あ'.repeat(100)}.pdf`);
  });
});

describe('files without a paper form', () => {
  it('stay a list of their items, empty ones hidden until asked', () => {
    const kihon: DocumentView = {
      kind: 'form',
      file: 'UPKIHON_1310000011_46_1310000029_A2_20250425120005.CSV',
      fileType: 'UPKIHON',
      title: '利用者基本情報',
      records: [{ title: '1件目', fields: [{ no: 1, name: '相談日', value: '20250401' }, { no: 2, name: '本人の状況', value: '' }] }],
    };
    renderScreen(<DocumentViewer view={kihon} />);
    expect(screen.queryByTestId('paper-forms')).toBeNull();
    const record = screen.getByTestId('form-record');
    expect(within(record).getAllByRole('row')).toHaveLength(1);
    fireEvent.click(within(record).getByTestId('form-show-all'));
    expect(within(record).getAllByRole('row')).toHaveLength(2);
  });
});
