// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../shared/api/methods.js';
import { setApi } from '../api.js';
import { createFakeApi, readyState } from '../testing/fakeApi.js';
import { install, renderScreen } from '../testing/render.js';
import { SettingsPage } from './Settings.js';

afterEach(() => {
  cleanup();
  setApi(null);
});

describe('SettingsPage', () => {
  it('saves only the settings that changed and hands back the result', async () => {
    const fake = install(createFakeApi());
    const onSettings = vi.fn();
    renderScreen(<SettingsPage state={readyState} onSettings={onSettings} />);
    fireEvent.click(screen.getByTestId('settings-autosend'));
    fireEvent.change(screen.getByTestId('settings-poll'), { target: { value: '120' } });
    fireEvent.change(screen.getByTestId('settings-lang'), { target: { value: 'en' } });
    fireEvent.click(screen.getByTestId('settings-save'));
    await screen.findByTestId('settings-saved');
    expect(fake.saveSettings).toHaveBeenCalledWith({ lang: 'en', autoSend: true, pollSeconds: 120 });
    expect(onSettings).toHaveBeenCalledWith({ ...readyState.settings, lang: 'en', autoSend: true, pollSeconds: 120 });
  });

  it('refuses a poll interval out of range', () => {
    install(createFakeApi());
    renderScreen(<SettingsPage state={readyState} onSettings={() => {}} />);
    fireEvent.change(screen.getByTestId('settings-poll'), { target: { value: '5' } });
    expect((screen.getByTestId('settings-save') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText('10〜3600 秒の間で入れてください。')).toBeTruthy();
  });

  it('offers start-with-Windows only in the desktop shell', () => {
    install(createFakeApi());
    const { unmount } = renderScreen(<SettingsPage state={readyState} onSettings={() => {}} />);
    expect((screen.getByTestId('settings-start-with-windows') as HTMLInputElement).disabled).toBe(false);
    unmount();
    renderScreen(<SettingsPage state={{ ...readyState, shell: 'browser' }} onSettings={() => {}} />);
    expect((screen.getByTestId('settings-start-with-windows') as HTMLInputElement).disabled).toBe(true);
  });

  it('shows the office profile and the certificate', () => {
    install(createFakeApi());
    renderScreen(<SettingsPage state={readyState} onSettings={() => {}} />);
    const profile = screen.getByTestId('settings-profile').textContent;
    expect(profile).toContain('1310000011');
    expect(profile).toContain('居宅介護支援事業所さくら');
    expect(profile).toContain('https://127.0.0.1:8443');
    expect(profile).toContain('C:\\CareSoft\\export');
    expect(screen.getByTestId('settings-certificate').textContent).toContain('あと 200 日');
  });

  it('shows a failed save as an alert', async () => {
    install(
      createFakeApi({
        saveSettings: async () => {
          throw new ApiError('io', '設定を保存できませんでした。もう一度試してください。', 'Could not save.');
        },
      }),
    );
    renderScreen(<SettingsPage state={readyState} onSettings={() => {}} />);
    fireEvent.click(screen.getByTestId('settings-notifications'));
    fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('設定を保存できませんでした。'));
  });
});
