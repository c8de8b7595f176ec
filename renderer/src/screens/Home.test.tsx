// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setApi } from '../api.js';
import { createFakeApi, readyState } from '../testing/fakeApi.js';
import { install, renderScreen } from '../testing/render.js';
import { HomePage } from './Home.js';

afterEach(() => {
  cleanup();
  setApi(null);
  vi.useRealTimers();
});

describe('HomePage', () => {
  it('shows today’s counts, what needs attention, the connection and the certificate', async () => {
    install(createFakeApi());
    renderScreen(<HomePage state={readyState} go={() => {}} />);
    await waitFor(() => expect(screen.getByTestId('count-sent').textContent).toContain('3'));
    expect(screen.getByTestId('count-received').textContent).toContain('1');
    expect(screen.getByTestId('count-errors').textContent).toContain('2');
    const items = screen.getAllByTestId('attention-item');
    expect(items.map((i) => i.dataset.kind)).toEqual(['file-error', 'certificate-expiring']);
    expect(items[0]!.textContent).toContain('UPPLAN ファイルにエラーがあります');
    expect(items[0]!.textContent).toContain('介護ソフトで直して出力し直してください。');
    expect(screen.getByTestId('connection-state').dataset.state).toBe('online');
    expect(screen.getByTestId('home-cert-days').textContent).toBe('有効期限まで あと 200 日');
    expect(screen.getAllByTestId('home-recent-row')).toHaveLength(2);
  });

  it('takes the user to the screen where an attention item is fixed', async () => {
    install(createFakeApi());
    const go = vi.fn();
    renderScreen(<HomePage state={readyState} go={go} />);
    const items = await screen.findAllByTestId('attention-item');
    const open = items[0]!.querySelector('button')!;
    // A unit that could not be sent leads to the error view, which says how to fix and resend it.
    expect(open.textContent).toBe('エラーを見る');
    fireEvent.click(open);
    expect(go).toHaveBeenCalledWith('errors');
  });

  it('receives now and shows the message', async () => {
    const fake = install(createFakeApi());
    renderScreen(<HomePage state={readyState} go={() => {}} />);
    fireEvent.click(screen.getByTestId('home-receive-now'));
    expect((await screen.findByTestId('home-receive-message')).textContent).toBe('1件を受け取り、取り込みました。');
    expect(fake.receiveNow).toHaveBeenCalledWith({});
  });

  it('refreshes itself every 5 seconds', async () => {
    vi.useFakeTimers();
    const fake = install(createFakeApi());
    renderScreen(<HomePage state={readyState} go={() => {}} />);
    expect(fake.home).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(fake.home).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(5000);
    expect(fake.home).toHaveBeenCalledTimes(3);
  });
});
