// @vitest-environment jsdom
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../shared/api/methods.js';
import { setApi } from '../api.js';
import { createFakeApi, readyState } from '../testing/fakeApi.js';
import { install, renderScreen, textFile } from '../testing/render.js';
import { ProfileEditor } from './ProfileEditor.js';

afterEach(() => {
  cleanup();
  setApi(null);
});

const type = (id: string, value: string) => fireEvent.change(screen.getByTestId(id), { target: { value } });

describe('ProfileEditor', () => {
  it('changes the folders and keeps the current certificate when none is chosen', async () => {
    const fake = install(createFakeApi());
    const onState = vi.fn();
    renderScreen(<ProfileEditor profile={readyState.profile!} onState={onState} />);
    type('profile-export', 'D:\\ケアソフト\\出力');
    fireEvent.click(screen.getByTestId('profile-save'));
    await screen.findByTestId('profile-saved');
    expect(fake.updateProfile).toHaveBeenCalledWith({ name: readyState.profile!.name, relayUrl: readyState.profile!.relayUrl, exportDir: 'D:\\ケアソフト\\出力', importDir: readyState.profile!.importDir, trustPem: '' });
    expect(onState.mock.calls[0]![0].profile.exportDir).toBe('D:\\ケアソフト\\出力');
  });

  it('sends a renewed certificate with its password', async () => {
    const fake = install(createFakeApi());
    renderScreen(<ProfileEditor profile={readyState.profile!} onState={() => {}} />);
    fireEvent.change(screen.getByTestId('profile-p12'), { target: { files: [textFile('new.p12', 'renewed-bytes')] } });
    await screen.findByTestId('profile-password');
    type('profile-password', 'new-password');
    fireEvent.click(screen.getByTestId('profile-save'));
    await screen.findByTestId('profile-saved');
    expect(fake.updateProfile).toHaveBeenCalledWith(expect.objectContaining({ p12Base64: btoa('renewed-bytes'), password: 'new-password' }));
  });

  it('refuses a relay address that is not https and shows the back end’s refusal', async () => {
    install(
      createFakeApi({
        updateProfile: async () => {
          throw new ApiError('office_mismatch', '新しい証明書の事業所番号（1310000029）がこの事業所（1310000011）と違います', 'mismatch');
        },
      }),
    );
    renderScreen(<ProfileEditor profile={readyState.profile!} onState={() => {}} />);
    type('profile-relay', 'http://plain');
    expect((screen.getByTestId('profile-save') as HTMLButtonElement).disabled).toBe(true);
    type('profile-relay', 'https://relay.example.jp');
    fireEvent.click(screen.getByTestId('profile-save'));
    expect((await screen.findByRole('alert')).textContent).toContain('この事業所（1310000011）と違います');
  });

  it('uses the setup form’s fields: styled text boxes, a folder check, and the refusal goes once the field is edited', async () => {
    const fake = install(
      createFakeApi({
        updateProfile: async () => {
          throw new ApiError('folder', '書き出しフォルダに書き込めません', 'cannot write');
        },
      }),
    );
    renderScreen(<ProfileEditor profile={readyState.profile!} onState={() => {}} />);
    // type="text" is what the stylesheet dresses (an input without a type was drawn bare and cut off).
    for (const id of ['profile-name', 'profile-relay', 'profile-export', 'profile-import']) expect(screen.getByTestId(id).getAttribute('type')).toBe('text');
    fireEvent.click(screen.getByTestId('profile-export-check'));
    expect((await screen.findByTestId('profile-export-result')).textContent).toBe('✓ このフォルダは使えます。');
    expect(fake.checkFolder).toHaveBeenCalledWith({ path: readyState.profile!.exportDir, create: true });
    // The browser cannot open a folder dialog: the field says to type the path.
    expect(screen.getAllByText(/ブラウザではこのパソコンのフォルダを選ぶ画面を開けない/)).toHaveLength(2);
    fireEvent.click(screen.getByTestId('profile-save'));
    await screen.findByRole('alert');
    type('profile-export', 'D:\\書き出し');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByTestId('profile-export-result')).toBeNull();
  });
});
