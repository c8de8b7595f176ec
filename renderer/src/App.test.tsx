// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from './App.js';
import { ApiError } from '../../shared/api/methods.js';
import { setApi } from './api.js';
import { createFakeApi, lockedState, readyState, setupState } from './testing/fakeApi.js';
import { install } from './testing/render.js';

afterEach(() => {
  cleanup();
  setApi(null);
});

describe('App', () => {
  it('shows the first-run setup when nothing is configured, and the app after a demo set-up', async () => {
    const fake = install(createFakeApi({}, setupState));
    render(<App />);
    await screen.findByTestId('screen-setup');
    expect(screen.queryByTestId('nav-home')).toBeNull();
    fireEvent.click(screen.getByTestId('setup-demo-home-help'));
    await screen.findByTestId('screen-home');
    expect(fake.setupDemo).toHaveBeenCalledWith({ id: 'home-help' });
    expect(screen.getByTestId('nav-send')).toBeTruthy();
  });

  it('asks for the password when locked and opens the app after unlock', async () => {
    const fake = install(createFakeApi({}, lockedState));
    render(<App />);
    await screen.findByTestId('screen-unlock');
    fireEvent.change(screen.getByTestId('unlock-password'), { target: { value: 'test-password' } });
    fireEvent.click(screen.getByTestId('unlock-button'));
    await screen.findByTestId('screen-home');
    expect(fake.unlock).toHaveBeenCalledWith({ password: 'test-password' });
  });

  it('shows the back end’s Japanese message in an alert when unlock fails, and stays locked', async () => {
    install(
      createFakeApi(
        {
          unlock: async () => {
            throw new ApiError('bad_password', 'パスワードが違います。証明書のパスワードを入れ直してください。', 'Wrong password. Enter the certificate password again.');
          },
        },
        lockedState,
      ),
    );
    render(<App />);
    fireEvent.click(await screen.findByTestId('unlock-button'));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('パスワードが違います。証明書のパスワードを入れ直してください。');
    expect(alert.getAttribute('data-testid')).toBe('alert');
    expect(screen.getByTestId('screen-unlock')).toBeTruthy();
  });

  it('navigates between the screens from the left menu', async () => {
    install(createFakeApi());
    render(<App />);
    await screen.findByTestId('screen-home');
    const screens = ['send', 'receive', 'documents', 'compare', 'partners', 'history', 'settings', 'home'];
    for (const s of screens) {
      fireEvent.click(screen.getByTestId(`nav-${s}`));
      await screen.findByTestId(`screen-${s}`);
      expect(screen.getByTestId(`nav-${s}`).getAttribute('aria-current')).toBe('page');
    }
    expect(within(screen.getByRole('navigation')).getByTestId('nav-history').textContent).toBe('履歴');
  });

  it('switches the labels to English with the header switch and saves the choice', async () => {
    const fake = install(createFakeApi());
    render(<App />);
    await screen.findByTestId('screen-home');
    expect(screen.getByTestId('nav-send').textContent).toBe('送信');
    fireEvent.click(screen.getByTestId('lang-switch'));
    await waitFor(() => expect(screen.getByTestId('nav-send').textContent).toBe('Send'));
    expect(screen.getByTestId('nav-partners').textContent).toBe('Partners');
    expect(fake.saveSettings).toHaveBeenCalledWith({ lang: 'en' });
    // Back-end texts follow the language too.
    expect(await screen.findByText('The UPPLAN file has errors')).toBeTruthy();
    expect(document.documentElement.lang).toBe('en');
    fireEvent.click(screen.getByTestId('lang-switch'));
    await waitFor(() => expect(screen.getByTestId('nav-send').textContent).toBe('送信'));
  });

  it('starts in the saved language', async () => {
    install(createFakeApi({}, { ...readyState, settings: { ...readyState.settings, lang: 'en' } }));
    render(<App />);
    await screen.findByTestId('screen-home');
    expect(screen.getByTestId('nav-history').textContent).toBe('History');
  });

  it('shows an alert with a retry when the back end cannot be reached on start', async () => {
    let fail = true;
    install(
      createFakeApi({
        getState: async () => {
          if (fail) throw new ApiError('bridge_unreachable', 'アプリの本体と通信できません。アプリを起動し直してください。', 'Cannot reach the app back end.');
          return readyState;
        },
      }),
    );
    render(<App />);
    expect((await screen.findByRole('alert')).textContent).toContain('アプリの本体と通信できません');
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: '最新の状態にする' }));
    await screen.findByTestId('screen-home');
  });
});
