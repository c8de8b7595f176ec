// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { setApi } from '../api.js';
import { createFakeApi, DAY_CARE, HOME_HELP } from '../testing/fakeApi.js';
import { install, renderScreen } from '../testing/render.js';
import { PartnersPage } from './Partners.js';

afterEach(() => {
  cleanup();
  setApi(null);
});

describe('PartnersPage', () => {
  it('lists partners with number, name, service type and whether they are linked (連携中 / 未連携)', async () => {
    install(createFakeApi());
    renderScreen(<PartnersPage />);
    const rows = await screen.findAllByTestId('partner-row');
    expect(rows).toHaveLength(2);
    const cells = within(rows[0]!).getAllByRole('cell').map((c) => c.textContent);
    await waitFor(() => expect(within(rows[0]!).getAllByRole('cell')[3]!.textContent).toBe('● 連携中'));
    expect(cells.slice(0, 3)).toEqual([HOME_HELP, 'ひまわり訪問介護', '11 訪問介護']);
    expect(within(rows[1]!).getAllByRole('cell')[3]!.textContent).toBe('○ 未連携');
  });

  it('searches by name or number and by service type', async () => {
    const fake = install(createFakeApi());
    renderScreen(<PartnersPage />);
    await screen.findAllByTestId('partner-row');
    fireEvent.change(screen.getByTestId('partner-search'), { target: { value: 'あおぞら' } });
    await waitFor(() => expect(screen.getAllByTestId('partner-row')).toHaveLength(1));
    expect(fake.searchPartners).toHaveBeenLastCalledWith({ query: 'あおぞら' });
    expect(screen.getByTestId('partner-row').textContent).toContain(DAY_CARE);

    fireEvent.change(screen.getByTestId('partner-search'), { target: { value: '' } });
    fireEvent.change(screen.getByTestId('partner-type'), { target: { value: '11' } });
    await waitFor(() => expect(fake.searchPartners).toHaveBeenLastCalledWith({ query: '', serviceType: '11' }));
    await waitFor(() => expect(screen.getAllByTestId('partner-row').map((r) => r.textContent)).toEqual([expect.stringContaining(HOME_HELP)]));
  });

  it('toggles a favourite star through setFavourite', async () => {
    const fake = install(createFakeApi());
    renderScreen(<PartnersPage />);
    const rows = await screen.findAllByTestId('partner-row');
    const star = within(rows[0]!).getByTestId('partner-favourite');
    expect(star.getAttribute('aria-pressed')).toBe('false');
    expect(star.textContent).toBe('☆');
    fireEvent.click(star);
    await waitFor(() => expect(star.getAttribute('aria-pressed')).toBe('true'));
    expect(star.textContent).toBe('★');
    expect(fake.setFavourite).toHaveBeenCalledWith({ office: HOME_HELP, favourite: true });
    fireEvent.click(within(rows[1]!).getByTestId('partner-favourite'));
    await waitFor(() => expect(fake.setFavourite).toHaveBeenLastCalledWith({ office: DAY_CARE, favourite: false }));
  });

  it('refreshes 送付先の事業所 when a star changes in the directory list (it kept the old stars)', async () => {
    install(createFakeApi());
    renderScreen(<PartnersPage />);
    await screen.findAllByTestId('my-partner-row');
    const mineRow = () => screen.getAllByTestId('my-partner-row').find((r) => r.textContent?.includes(HOME_HELP))!;
    expect(mineRow().textContent).toContain('★');
    const star = within((await screen.findAllByTestId('partner-row'))[0]!).getByTestId('partner-favourite');
    fireEvent.click(star); // ☆ → ★
    await waitFor(() => expect(star.getAttribute('aria-pressed')).toBe('true'));
    fireEvent.click(star); // ★ → ☆: 送付先 must follow
    await waitFor(() => expect(star.getAttribute('aria-pressed')).toBe('false'));
    await waitFor(() => expect(mineRow().textContent).not.toContain('★'));
  });

  it('shows the partners this office sends to, and makes an invitation letter for an unlinked one only', async () => {
    const fake = install(createFakeApi());
    renderScreen(<PartnersPage />);
    const mine = await screen.findAllByTestId('my-partner-row');
    expect(mine.map((r) => within(r).getByTestId('partner-status').getAttribute('data-state'))).toEqual(['linked', 'unlinked', 'unlinked']);
    expect(within(mine[0]!).queryByTestId('partner-invite')).toBeNull();
    fireEvent.click(within(mine[1]!).getByTestId('partner-invite'));
    await waitFor(() => expect(fake.makeInvitation).toHaveBeenCalledWith({ office: DAY_CARE, name: 'さくらデイサービス' }));
    expect((await screen.findByTestId('invitation-made')).textContent).toContain(`連携のご案内_${DAY_CARE}.pdf`);
  });
});
