// @vitest-environment jsdom
// The controls that appear only where the shell offers them (AppState.capabilities): 「参照…」 beside
// the folder and certificate fields (native dialogs, desktop app only) and 「パスワードを記憶する」 (the
// OS-encrypted store, desktop app only) — on the setup, unlock and settings screens and the profile
// editor. Without the capability the browser's text fields and file inputs stay exactly as they were.
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppState } from '../../../shared/api/types.js';
import { setApi } from '../api.js';
import { SettingsPage } from '../screens/Settings.js';
import { SetupPage } from '../screens/Setup.js';
import { UnlockPage } from '../screens/Unlock.js';
import { createFakeApi, desktopCapabilities, lockedState, PICKED_P12_BASE64, readyState, setupState } from '../testing/fakeApi.js';
import { install, renderScreen } from '../testing/render.js';
import { ProfileEditor } from './ProfileEditor.js';

afterEach(() => {
  cleanup();
  setApi(null);
});

const desktop = (s: AppState): AppState => ({ ...s, capabilities: desktopCapabilities });
const type = (id: string, value: string) => fireEvent.change(screen.getByTestId(id), { target: { value } });
const BROWSE = ['setup-p12-browse', 'setup-export-browse', 'setup-import-browse'];

describe('「参照…」 (native pickers)', () => {
  it('is not offered where there is no native dialog (the browser)', () => {
    install(createFakeApi({}, setupState));
    renderScreen(<SetupPage state={setupState} onState={() => {}} />);
    for (const id of BROWSE) expect(screen.queryByTestId(id)).toBeNull();
    expect(screen.getByTestId('setup-p12')).toBeTruthy();
    expect(screen.getByTestId('setup-export')).toBeTruthy();
  });

  it('fills the folder fields with the folder chosen, starting from what the field holds', async () => {
    const fake = install(createFakeApi({}, setupState));
    renderScreen(<SetupPage state={desktop(setupState)} onState={() => {}} />);
    for (const id of BROWSE) expect(screen.getByTestId(id).textContent).toBe('参照…');
    fireEvent.click(screen.getByTestId('setup-export-browse'));
    await waitFor(() => expect((screen.getByTestId('setup-export') as HTMLInputElement).value).toBe('D:\\選んだ\\書き出し'));
    expect(fake.pickFolder).toHaveBeenCalledWith({ purpose: 'export', current: 'C:\\CareSoft\\export' });
    type('setup-import', '');
    fireEvent.click(screen.getByTestId('setup-import-browse'));
    await waitFor(() => expect((screen.getByTestId('setup-import') as HTMLInputElement).value).toBe('D:\\選んだ\\取り込み'));
    expect(fake.pickFolder).toHaveBeenLastCalledWith({ purpose: 'import' });
  });

  it('keeps the field as it was when the dialog is cancelled', async () => {
    const fake = install(createFakeApi({ pickFolder: async () => ({ path: null }) }, setupState));
    renderScreen(<SetupPage state={desktop(setupState)} onState={() => {}} />);
    fireEvent.click(screen.getByTestId('setup-export-browse'));
    await waitFor(() => expect(fake.pickFolder).toHaveBeenCalled());
    expect((screen.getByTestId('setup-export') as HTMLInputElement).value).toBe('C:\\CareSoft\\export');
  });

  it('takes the chosen certificate file’s bytes for the inspection, and names the file', async () => {
    const fake = install(createFakeApi({}, setupState));
    renderScreen(<SetupPage state={desktop(setupState)} onState={() => {}} />);
    fireEvent.click(screen.getByTestId('setup-p12-browse'));
    expect((await screen.findByTestId('setup-p12-chosen')).textContent).toContain('picked.p12');
    type('setup-password', 'pw');
    fireEvent.click(screen.getByTestId('setup-inspect'));
    await screen.findByTestId('setup-cert-details');
    expect(fake.inspectCertificate).toHaveBeenCalledWith({ p12Base64: PICKED_P12_BASE64, password: 'pw' });
  });

  it('is offered in the profile editor only with pickers, and its choices are saved', async () => {
    const fake = install(createFakeApi());
    const { unmount } = renderScreen(<ProfileEditor profile={readyState.profile!} onState={() => {}} />);
    expect(screen.queryByTestId('profile-export-browse')).toBeNull();
    expect(screen.queryByTestId('profile-p12-browse')).toBeNull();
    unmount();
    renderScreen(<ProfileEditor profile={readyState.profile!} onState={() => {}} pickers />);
    fireEvent.click(screen.getByTestId('profile-import-browse'));
    await waitFor(() => expect((screen.getByTestId('profile-import') as HTMLInputElement).value).toBe('D:\\選んだ\\取り込み'));
    fireEvent.click(screen.getByTestId('profile-p12-browse'));
    await screen.findByTestId('profile-password');
    expect(screen.getByText('選んだファイル: picked.p12')).toBeTruthy();
    type('profile-password', 'renewed');
    fireEvent.click(screen.getByTestId('profile-save'));
    await screen.findByTestId('profile-saved');
    expect(fake.updateProfile).toHaveBeenCalledWith(expect.objectContaining({ importDir: 'D:\\選んだ\\取り込み', p12Base64: PICKED_P12_BASE64, password: 'renewed' }));
  });

  it('reaches the profile editor from the settings screen with the state’s capability', () => {
    install(createFakeApi());
    renderScreen(<SettingsPage state={desktop(readyState)} onSettings={() => {}} onState={() => {}} />);
    expect(screen.getByTestId('profile-export-browse')).toBeTruthy();
  });
});

describe('「パスワードを記憶する」', () => {
  it('is on the setup screen only where the password can be kept, and its choice is sent', async () => {
    install(createFakeApi({}, setupState));
    const { unmount } = renderScreen(<SetupPage state={setupState} onState={() => {}} />);
    expect(screen.queryByTestId('setup-remember')).toBeNull();
    unmount();
    const fake = install(createFakeApi({}, setupState));
    renderScreen(<SetupPage state={desktop(setupState)} onState={() => {}} />);
    const box = screen.getByTestId('setup-remember') as HTMLInputElement;
    expect(box.checked).toBe(true);
    expect(screen.getByText('パスワードを記憶する')).toBeTruthy();
    fireEvent.click(box);
    type('setup-office', '1310000011');
    type('setup-name', 'さくら');
    fireEvent.click(screen.getByTestId('setup-p12-browse'));
    await screen.findByTestId('setup-p12-chosen');
    type('setup-password', 'pw');
    type('setup-import', 'C:\\CareSoft\\import');
    fireEvent.click(screen.getByTestId('setup-save'));
    await waitFor(() => expect(fake.completeSetup).toHaveBeenCalled());
    expect(fake.completeSetup.mock.calls[0]![0]).toMatchObject({ p12Base64: PICKED_P12_BASE64, password: 'pw', remember: false });
  });

  it('is on the unlock screen only where the password can be kept, and its choice is sent', async () => {
    const onState = vi.fn();
    const browser = install(createFakeApi({}, lockedState));
    const { unmount } = renderScreen(<UnlockPage state={lockedState} onState={onState} />);
    expect(screen.queryByTestId('unlock-remember')).toBeNull();
    type('unlock-password', 'pw');
    fireEvent.click(screen.getByTestId('unlock-button'));
    await waitFor(() => expect(browser.unlock).toHaveBeenCalledWith({ password: 'pw' }));
    unmount();
    const fake = install(createFakeApi({}, lockedState));
    renderScreen(<UnlockPage state={desktop({ ...lockedState, settings: { ...lockedState.settings, rememberPassword: false } })} onState={onState} />);
    const box = screen.getByTestId('unlock-remember') as HTMLInputElement;
    expect(box.checked).toBe(false);
    fireEvent.click(box);
    type('unlock-password', 'pw');
    fireEvent.click(screen.getByTestId('unlock-button'));
    await waitFor(() => expect(fake.unlock).toHaveBeenCalledWith({ password: 'pw', remember: true }));
  });

  it('is a setting that can be changed in the desktop app, and only shown there', async () => {
    const fake = install(createFakeApi());
    const { unmount } = renderScreen(<SettingsPage state={readyState} onSettings={() => {}} />);
    expect((screen.getByTestId('settings-remember-password') as HTMLInputElement).disabled).toBe(true);
    unmount();
    renderScreen(<SettingsPage state={desktop(readyState)} onSettings={() => {}} />);
    const box = screen.getByTestId('settings-remember-password') as HTMLInputElement;
    expect(box.disabled).toBe(false);
    expect(box.checked).toBe(true);
    fireEvent.click(box);
    fireEvent.click(screen.getByTestId('settings-save'));
    await screen.findByTestId('settings-saved');
    expect(fake.saveSettings).toHaveBeenCalledWith({ rememberPassword: false });
  });
});
