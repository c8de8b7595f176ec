// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../shared/api/methods.js';
import { setApi } from '../api.js';
import { certificate, createFakeApi, setupState } from '../testing/fakeApi.js';
import { install, renderScreen, textFile } from '../testing/render.js';
import { SetupPage } from './Setup.js';

afterEach(() => {
  cleanup();
  setApi(null);
});

const P12_BYTES = 'fake-p12-bytes';
const P12_BASE64 = btoa(P12_BYTES);

function type(testId: string, value: string) {
  fireEvent.change(screen.getByTestId(testId), { target: { value } });
}

async function pickCertificate() {
  fireEvent.change(screen.getByTestId('setup-p12'), { target: { files: [textFile('office.p12', P12_BYTES)] } });
  // Reading happens asynchronously; the inspect button is enabled once the bytes are in.
  await waitFor(() => expect((screen.getByTestId('setup-inspect') as HTMLButtonElement).disabled).toBe(false));
}

describe('SetupPage', () => {
  it('checks the office number as it is typed', () => {
    install(createFakeApi({}, setupState));
    renderScreen(<SetupPage state={{ ...setupState, demoOffices: [] }} onState={() => {}} />);
    expect(screen.queryByTestId('setup-demo-care-manager')).toBeNull();
    type('setup-office', '131000');
    expect(screen.getByTestId('setup-office-check').textContent).toContain('あと 4 桁');
    type('setup-office', '13100000ab');
    expect(screen.getByTestId('setup-office-check').textContent).toContain('数字だけ');
    type('setup-office', '1310000011');
    expect(screen.getByTestId('setup-office-check').textContent).toContain('✓');
  });

  it('inspects the certificate and shows its office number, validity and a mismatch warning', async () => {
    const fake = install(createFakeApi({ inspectCertificate: async () => ({ ...certificate, officeNumber: '1310000011', expiringSoon: true, daysLeft: 30 }) }, setupState));
    renderScreen(<SetupPage state={setupState} onState={() => {}} />);
    type('setup-office', '1310000099');
    await pickCertificate();
    type('setup-password', 'test-password');
    fireEvent.click(screen.getByTestId('setup-inspect'));
    const details = await screen.findByTestId('setup-cert-details');
    expect(fake.inspectCertificate).toHaveBeenCalledWith({ p12Base64: P12_BASE64, password: 'test-password' });
    expect(screen.getByTestId('setup-cert-office').textContent).toBe('1310000011');
    // The holder as a clerk reads it (名義: organisation and office number), not C=JP, O=…, CN=….
    expect(screen.getByTestId('setup-cert-holder').textContent).toBe('居宅介護支援事業所さくら（1310000011）');
    expect(details.textContent).not.toMatch(/CN=|O=/);
    expect(details.textContent).toContain('ケアプランデータ連携 開発用CA');
    expect(details.textContent).toContain('あと 30 日');
    expect(details.textContent).toContain('有効期限が近づいています');
    expect(screen.getByTestId('setup-cert-mismatch').textContent).toContain('1310000099');
  });

  it('shows why a certificate cannot be used, and a wrong password as an alert', async () => {
    let wrong = true;
    install(
      createFakeApi(
        {
          inspectCertificate: async () => {
            if (wrong) throw new ApiError('bad_password', '証明書のパスワードが違います。', 'Wrong certificate password.');
            return { ...certificate, usable: false, problem: { ja: '証明書の有効期限が切れています。新しい証明書を取り寄せてください。', en: 'Expired.' } };
          },
        },
        setupState,
      ),
    );
    renderScreen(<SetupPage state={setupState} onState={() => {}} />);
    await pickCertificate();
    fireEvent.click(screen.getByTestId('setup-inspect'));
    expect((await screen.findByRole('alert')).textContent).toContain('証明書のパスワードが違います。');
    wrong = false;
    fireEvent.click(screen.getByTestId('setup-inspect'));
    await screen.findByTestId('setup-cert-details');
    expect(screen.getByRole('alert').textContent).toContain('新しい証明書を取り寄せてください');
    // The number is taken from the certificate when none was typed.
    expect((screen.getByTestId('setup-office') as HTMLInputElement).value).toBe(certificate.officeNumber);
  });

  it('tests the connection and checks the folders', async () => {
    const fake = install(
      createFakeApi(
        {
          checkFolder: async ({ path }) => ({ path, exists: false, writable: false, created: false, message: { ja: 'フォルダに書き込めません。別の場所を選んでください。', en: 'Cannot write.' } }),
        },
        setupState,
      ),
    );
    renderScreen(<SetupPage state={setupState} onState={() => {}} />);
    // The back end's suggestions fill the form: its relay and folders beside the app's data.
    expect((screen.getByTestId('setup-relay') as HTMLInputElement).value).toBe('https://relay.example.jp:8443');
    expect((screen.getByTestId('setup-export') as HTMLInputElement).value).toBe('C:\\CareSoft\\export');
    fireEvent.click(screen.getByTestId('setup-test-connection'));
    const result = await screen.findByTestId('setup-connection-result');
    // One confirmation, not 「✓ つながりました。 連携サービスにつながりました。」.
    expect(result.textContent).toBe('✓ 連携サービスにつながりました。連携サービスから見えた事業所番号: 1310000011');
    expect(fake.testConnection).toHaveBeenCalledWith({ relayUrl: 'https://relay.example.jp:8443', trustPem: '' });

    type('setup-export', 'D:\\export');
    fireEvent.click(screen.getByTestId('setup-export-check'));
    expect((await screen.findByTestId('setup-export-result')).textContent).toContain('別の場所を選んでください');
    expect(fake.checkFolder).toHaveBeenCalledWith({ path: 'D:\\export', create: true });

    type('setup-relay', 'http://insecure');
    expect((screen.getByTestId('setup-test-connection') as HTMLButtonElement).disabled).toBe(true);
  });

  it('saves only when everything is filled in, sending exactly what was entered', async () => {
    const fake = install(createFakeApi({}, setupState));
    const onState = vi.fn();
    renderScreen(<SetupPage state={setupState} onState={onState} />);
    const save = screen.getByTestId('setup-save') as HTMLButtonElement;
    expect(save.disabled).toBe(true);

    type('setup-office', '1310000011');
    type('setup-name', '居宅介護支援事業所さくら');
    fireEvent.change(screen.getByTestId('setup-service-type'), { target: { value: 'other' } });
    type('setup-service-type-other', '2a');
    await pickCertificate();
    type('setup-password', 'test-password');
    fireEvent.change(screen.getByTestId('setup-trust'), { target: { files: [textFile('ca.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')] } });
    await screen.findByText(/ca\.pem/);
    type('setup-relay', 'https://relay.example.jp');
    type('setup-export', 'C:\\CareSoft\\export');
    type('setup-import', '');
    expect(save.disabled).toBe(true);
    type('setup-import', 'C:\\CareSoft\\import');
    expect(save.disabled).toBe(false);

    fireEvent.click(save);
    await waitFor(() => expect(onState).toHaveBeenCalled());
    expect(fake.completeSetup).toHaveBeenCalledWith({
      office: '1310000011',
      serviceType: '2A',
      name: '居宅介護支援事業所さくら',
      p12Base64: P12_BASE64,
      password: 'test-password',
      relayUrl: 'https://relay.example.jp',
      trustPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      exportDir: 'C:\\CareSoft\\export',
      importDir: 'C:\\CareSoft\\import',
    });
    expect(onState.mock.calls[0]?.[0]).toMatchObject({ phase: 'ready' });
  });

  it('offers the standard service types', () => {
    install(createFakeApi({}, setupState));
    renderScreen(<SetupPage state={setupState} onState={() => {}} />);
    const values = Array.from((screen.getByTestId('setup-service-type') as HTMLSelectElement).options).map((o) => o.value);
    expect(values).toEqual(expect.arrayContaining(['43', '11', '13', '15', '46', 'other']));
    expect((screen.getByTestId('setup-service-type') as HTMLSelectElement).value).toBe('43');
  });
});
