// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SendResult, UnitBlock } from '../../../shared/api/types.js';
import { setApi } from '../api.js';
import { createFakeApi, exportView, HOME_HELP, invalidUpload, PLAN_FILE, readyState, SIKYU_FILE, validUpload } from '../testing/fakeApi.js';
import { install, renderScreen, textFile } from '../testing/render.js';
import { SendPage } from './Send.js';

afterEach(() => {
  cleanup();
  setApi(null);
});

const drop = (names: string[]) => fireEvent.change(screen.getByTestId('send-files'), { target: { files: names.map((n) => textFile(n, `contents of ${n}`)) } });

describe('SendPage', () => {
  it('reads dropped files as base64, validates them and lists findings with 行・項目・内容・直し方', async () => {
    const fake = install(createFakeApi());
    renderScreen(<SendPage />);
    drop([PLAN_FILE]);
    const unit = await within(screen.getByTestId('send-dropped')).findByTestId('send-unit', {}, { timeout: 2000 });
    expect(fake.validateUploads).toHaveBeenCalledWith({ files: [{ name: PLAN_FILE, base64: btoa(`contents of ${PLAN_FILE}`) }] });
    expect(unit.textContent).toContain('ひまわり訪問介護（1310000029）あて');
    expect(unit.textContent).toContain('2025年4月');
    expect(unit.textContent).toContain('第6表（予定）');
    expect(unit.textContent).toContain('直す必要があります');

    const tables = within(unit).getAllByTestId('send-findings');
    // The first table is the unit's own problem (a missing companion file), then the file's findings.
    expect(tables).toHaveLength(2);
    expect(tables[0]!.textContent).toContain('第7表（UPSIKYU）がありません');
    const fileTable = tables[1]!;
    const headers = within(fileTable).getAllByRole('columnheader').map((h) => h.textContent);
    expect(headers).toEqual(['', '行', '項目', '内容', '直し方']);
    const rows = within(fileTable).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    const cells = within(rows[0]!).getAllByRole('cell').map((c) => c.textContent);
    expect(cells).toEqual(['エラー', '3', '被保険者番号', '被保険者番号「12345」が10桁ではありません', '被保険者証に書かれた10桁の番号を入れてください。']);
    expect(rows[0]!.getAttribute('data-severity')).toBe('error');
    expect(rows[1]!.getAttribute('data-severity')).toBe('warning');
    expect(within(rows[1]!).getAllByRole('cell')[0]!.textContent).toBe('注意');

    expect(screen.getByText(/memo\.txt/)).toBeTruthy();
    expect((screen.getByTestId('send-button') as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows the English messages and hints in English mode', async () => {
    install(createFakeApi());
    renderScreen(<SendPage />, 'en');
    drop([PLAN_FILE]);
    const unit = await within(screen.getByTestId('send-dropped')).findByTestId('send-unit', {}, { timeout: 2000 });
    expect(unit.textContent).toContain('The insured number "12345" is not 10 digits');
    expect(unit.textContent).toContain('Enter the 10-digit number from the insurance card.');
    expect(unit.textContent).not.toContain('被保険者番号「12345」');
  });

  it('sends a valid batch by its batch id, shows progress while pending, then the outcomes', async () => {
    let finish: (r: SendResult) => void = () => {};
    const fake = install(
      createFakeApi({
        validateUploads: async () => structuredClone(validUpload),
        sendStaged: () => new Promise<SendResult>((resolve) => (finish = resolve)),
        getState: async () => ({ ...readyState, activity: { label: { ja: '送信しています', en: 'Sending' }, done: 1, total: 2 } }),
      }),
    );
    renderScreen(<SendPage />);
    drop([PLAN_FILE, SIKYU_FILE]);
    const button = (await screen.findByTestId('send-button', {}, { timeout: 2000 })) as HTMLButtonElement;
    await waitFor(() => expect(button.disabled).toBe(false));
    fireEvent.click(button);
    expect(fake.sendStaged).toHaveBeenCalledWith({ batchId: validUpload.batchId });
    const progress = await screen.findByTestId('progress');
    await waitFor(() => expect(progress.textContent).toContain('1 / 2 件'));
    expect(fake.getState).toHaveBeenCalled();

    finish({
      outcomes: [{ unit: validUpload.units[0]!.key, partner: HOME_HELP, partnerName: 'ひまわり訪問介護', messageId: 'm1', state: 'accepted', message: { ja: '連携サービスが受け付けました', en: 'Accepted by the linkage service' } }],
      validation: validUpload,
    });
    const outcome = await within(screen.getByTestId('send-dropped')).findByTestId('send-outcome');
    // Accepted by the service is not yet delivered: the label must not claim more than that.
    expect(outcome.textContent).toContain('受け付けられました');
    expect(outcome.textContent).not.toContain('届きました');
    expect(outcome.textContent).toContain('連携サービスが受け付けました');
    // The partner by name beside its number (issue 13 item 10).
    expect(within(outcome).getByTestId('send-outcome-partner').textContent).toBe(`ひまわり訪問介護 ${HOME_HELP}`);
    expect(screen.queryByTestId('progress')).toBeNull();
    // The same staged batch is not sent twice.
    expect(button.disabled).toBe(true);
  });

  it('lists the export folder and sends its unit files by name', async () => {
    const fake = install(createFakeApi());
    renderScreen(<SendPage />);
    const sendButton = (await screen.findByTestId('export-send-button')) as HTMLButtonElement;
    expect(sendButton.disabled).toBe(false);
    fireEvent.click(sendButton);
    const outcome = await within(screen.getByTestId('send-export')).findByTestId('send-outcome');
    expect(fake.sendExportFiles).toHaveBeenCalledWith({ names: exportView.units[0]!.files });
    expect(outcome.getAttribute('data-state')).toBe('queued');
    expect(outcome.textContent).toContain('送信待ちに入れました。');
    // The list is reloaded after sending.
    await waitFor(() => expect(fake.listExportFiles).toHaveBeenCalledTimes(2));
    fireEvent.click(screen.getByTestId('export-refresh'));
    await waitFor(() => expect(fake.listExportFiles).toHaveBeenCalledTimes(3));
  });

  it('does not offer to send an export folder that has errors', async () => {
    install(createFakeApi({ listExportFiles: async () => ({ ...structuredClone(invalidUpload), batchId: null }) }));
    renderScreen(<SendPage />);
    const sendButton = (await screen.findByTestId('export-send-button')) as HTMLButtonElement;
    expect(sendButton.disabled).toBe(true);
    expect(screen.getByText('直す必要があるところがあるため、まだ送信できません。')).toBeTruthy();
  });

  /** Drops the plan unit, the back end answering that it is blocked; resolves with the notice the unit shows. */
  async function dropBlocked(blocked: UnitBlock): Promise<HTMLElement> {
    const view = { ...structuredClone(validUpload), sendable: false, units: validUpload.units.map((u) => ({ ...u, blocked })) };
    install(createFakeApi({ validateUploads: async () => structuredClone(view) }));
    renderScreen(<SendPage />);
    drop([PLAN_FILE, SIKYU_FILE]);
    return within(screen.getByTestId('send-dropped')).findByTestId(`unit-${blocked.kind}`, {}, { timeout: 2000 });
  }

  it('the same unit sent before: says when it went, in local time, and offers nothing to press', async () => {
    const notice = await dropBlocked({ kind: 'duplicate', message: { ja: 'この送信単位は 12/01 10:15 に送信済みです', en: 'This unit was already sent on 12/01 10:15' }, sentAt: '2026-12-01T01:15:00.000Z' });
    expect(notice.textContent).toBe('この送信単位は 12/01 10:15 に送信済みです');
    expect(within(screen.getByTestId('send-dropped')).getByTestId('all-duplicates').textContent).toContain('すでに送信済み');
    // Nothing to press: no send button at all, not merely a disabled one.
    expect(screen.queryByTestId('send-button')).toBeNull();
  });

  it('the same unit still waiting in the outbox: says 送信待ち, never 送信済み, and offers nothing to press', async () => {
    const ja = 'この送信単位は 12/01 10:15 から送信待ちです。つながりしだい自動で送ります';
    const notice = await dropBlocked({ kind: 'duplicate', message: { ja, en: 'Waiting since 12/01 10:15' }, sentAt: '2026-12-01T01:15:00.000Z', queued: true });
    expect(notice.textContent).toBe(ja);
    const dropped = within(screen.getByTestId('send-dropped'));
    expect(dropped.getByTestId('all-duplicates').textContent).toContain('送信待ち');
    expect(dropped.getByTestId('send-unit').textContent).toContain('送信待ち');
    expect(screen.getByTestId('send-dropped').textContent).not.toContain('送信済み');
    expect(screen.queryByTestId('send-button')).toBeNull();
  });

  it('another office’s unit: the send button stays disabled and the panel says why', async () => {
    const notice = await dropBlocked({ kind: 'direction', message: { ja: '送信元の事業所番号が 1310000037 になっています。この事業所（1310000011）のファイルではないため送れません', en: 'Wrong sender' }, sentAt: null });
    expect(notice.textContent).toContain('この事業所（1310000011）のファイルではないため送れません');
    expect(within(screen.getByTestId('send-dropped')).getByTestId('send-unit').textContent).toContain('この事業所からは送れません');
    expect((screen.getByTestId('send-button') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText('送れない送信単位があります。内容を確かめてください。')).toBeTruthy();
  });

  it('the export-folder panel shows what the agent holds: incomplete (what is missing), ignored (why), errors, recently sent', async () => {
    install(createFakeApi());
    renderScreen(<SendPage />);
    const panel = await screen.findByTestId('folder-panel');
    expect(within(panel).getByTestId('folder-incomplete').textContent).toContain('足りないもの: 第7表（UPSIKYU）がありません');
    expect(within(panel).getByTestId('folder-ignored-file').textContent).toBe('4月分.xlsxExcel のファイルは送れません。介護ソフトから CSV で出力してください');
    expect(within(panel).getByTestId('folder-errors').textContent).toContain('1 件');
    expect(within(panel).getAllByTestId('folder-recent-row')[0]!.textContent).toContain('ひまわり訪問介護');
  });

  it('a unit addressed to a partner marked お気に入り is named as the suggested addressee; others are not', async () => {
    const fake = install(createFakeApi());
    renderScreen(<SendPage />);
    drop([PLAN_FILE]);
    const unit = await within(screen.getByTestId('send-dropped')).findByTestId('send-unit', {}, { timeout: 2000 });
    const badge = await within(unit).findByTestId('unit-favourite');
    expect(badge.textContent).toBe('★ お気に入りの送付先');
    expect(badge.getAttribute('title')).toBe('連携先で「お気に入り」にした事業所です');
    // Asked about the unit's addressee only.
    expect(fake.partnerLinks).toHaveBeenCalledWith({ offices: [HOME_HELP] });
    cleanup();

    // Not a favourite: once the answer has been applied, no badge.
    let answered: () => void = () => {};
    const done = new Promise<void>((r) => (answered = r));
    install(
      createFakeApi({
        partnerLinks: async ({ offices }) => {
          setTimeout(answered);
          return (offices ?? []).map((office) => ({ office, name: null, state: 'linked' as const, favourite: false }));
        },
      }),
    );
    renderScreen(<SendPage />);
    drop([PLAN_FILE]);
    const plain = await within(screen.getByTestId('send-dropped')).findByTestId('send-unit', {}, { timeout: 2000 });
    await act(() => done);
    expect(within(plain).queryByTestId('unit-favourite')).toBeNull();
  });

  it('a dropped UTF-8 or Excel file shows the clerk’s sentence', async () => {
    const upload = structuredClone(invalidUpload);
    upload.files[0]!.summary = { ja: 'ファイルが UTF-8 で保存されています。', en: 'UTF-8' };
    install(createFakeApi({ validateUploads: async () => upload }));
    renderScreen(<SendPage />);
    drop([PLAN_FILE]);
    expect((await screen.findByTestId('file-summary', {}, { timeout: 2000 })).textContent).toBe('ファイルが UTF-8 で保存されています。');
  });
});
