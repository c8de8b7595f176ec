// @vitest-environment jsdom
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeApi, errorsView, exportView } from '../testing/fakeApi.js';
import { install, renderScreen, resetScreen } from '../testing/render.js';
import { ErrorsPage } from './Errors.js';

afterEach(resetScreen);

describe('ErrorsPage', () => {
  it('shows one card per unit: for whom, what is wrong, how to fix it', async () => {
    install(createFakeApi());
    renderScreen(<ErrorsPage shell="browser" />);
    const cards = await screen.findAllByTestId('error-unit');
    expect(cards).toHaveLength(1);
    expect(within(cards[0]!).getByTestId('error-people').textContent).toBe('利用者: 佐藤 ハナ 様');
    const problem = within(cards[0]!).getByTestId('error-problem');
    expect(problem.textContent).toContain('正しい日付（YYYYMMDD）ではありません: 20250431');
    expect(problem.textContent).toContain('介護ソフトで直して');
    expect(cards[0]!.textContent).toContain('第6表');
  });

  it('in the browser, フォルダを開く shows where the folder is', async () => {
    const fake = install(createFakeApi({ openFolder: async () => ({ path: 'C:\\CareSoft\\export\\errors', opened: false }) }));
    renderScreen(<ErrorsPage shell="browser" />);
    fireEvent.click(await screen.findByTestId('errors-open-folder'));
    expect((await screen.findByTestId('errors-folder-path')).textContent).toBe('エラーのフォルダ: C:\\CareSoft\\export\\errors');
    expect(fake.openFolder).toHaveBeenCalledWith({ which: 'errors' });
  });

  it('sends the fixed files again and shows the outcome, then lists the folder again', async () => {
    const fake = install(createFakeApi());
    renderScreen(<ErrorsPage shell="browser" />);
    fireEvent.click(await screen.findByTestId('error-resend'));
    expect((await screen.findByTestId('send-outcome')).dataset.state).toBe('accepted');
    expect(fake.resendErrors).toHaveBeenCalledWith({ key: errorsView.units[0]!.key });
    await waitFor(() => expect(fake.listErrors).toHaveBeenCalledTimes(2));
  });

  it('says what is still wrong when the re-check fails', async () => {
    install(createFakeApi({ resendErrors: async () => ({ outcomes: [{ unit: 'k', partner: '1310000029', messageId: null, state: 'invalid', message: { ja: 'エラーがあるため送信しません', en: 'Not sent' } }], validation: structuredClone(exportView) }) }));
    renderScreen(<ErrorsPage shell="browser" />);
    fireEvent.click(await screen.findByTestId('error-resend'));
    expect(await screen.findByText('まだ直っていないところがあります。下の内容を確かめてください。')).toBeTruthy();
  });

  it('確認済みにする marks every unit as checked', async () => {
    const fake = install(createFakeApi());
    renderScreen(<ErrorsPage shell="browser" />);
    const button = await screen.findByTestId('errors-acknowledge');
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
    fake.listErrors.mockImplementation(async () => ({ ...structuredClone(errorsView), acknowledgedAt: '2025-04-25T03:00:00.000Z', units: errorsView.units.map((u) => ({ ...u, acknowledged: true })) }));
    fireEvent.click(button);
    await waitFor(() => expect(screen.getByTestId('error-unit').dataset.acknowledged).toBe('true'));
    expect(fake.acknowledgeErrors).toHaveBeenCalledWith({});
    expect((button as HTMLButtonElement).disabled).toBe(true);
  });

  it('says so when nothing is in the errors folder', async () => {
    install(createFakeApi({ listErrors: async () => ({ folder: 'x', units: [], acknowledgedAt: null }) }));
    renderScreen(<ErrorsPage shell="browser" />);
    expect(await screen.findByText(/送れなかったファイルはありません/)).toBeTruthy();
  });
});
