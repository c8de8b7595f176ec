// identity, sign and verify as users run them.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT } from './cli.js';

const PKI = join(ROOT, 'fixtures', 'pki');
const env = { CPL_P12_PASSWORD: 'test-password' };
const p12 = (id: string) => join(PKI, `${id}.p12`);
const CA = join(PKI, 'ca.pem');

function workdir(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cpl-sign-'));
  const file = join(dir, 'UPPLAN_202504_1310000011_43_1310000029_11_20250425120002.CSV');
  copyFileSync(join(ROOT, 'fixtures', 'valid', 'UPPLAN_202504_1310000011_43_1310000029_11_20250425120002.CSV'), file);
  return { dir, file };
}

describe('careplan-link identity', () => {
  it('prints office number, subject, issuer, validity and days left', () => {
    const r = cli(['identity', '--p12', p12('care-manager'), '--password-env', 'CPL_P12_PASSWORD'], { env });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/事業所番号 \/ office number : 1310000011/);
    expect(r.stdout).toContain('careplan-link Test CA');
    const json = JSON.parse(cli(['identity', '--p12', p12('home-help'), '--password-env', 'CPL_P12_PASSWORD', '--format', 'json'], { env }).stdout);
    expect(json).toMatchObject({ officeNumber: '1310000029', usable: true, problem: null });
    expect(json.daysLeft).toBeGreaterThan(3000);
    expect(JSON.stringify(json)).not.toMatch(/PRIVATE|test-password/);
  });

  it('reports an expired certificate and a wrong or missing password clearly (exit 1)', () => {
    const expired = cli(['identity', '--p12', p12('expired'), '--password-env', 'CPL_P12_PASSWORD'], { env });
    expect(expired.status).toBe(1);
    expect(expired.stderr).toContain('証明書の有効期限が切れています');
    const wrong = cli(['identity', '--p12', p12('care-manager'), '--password-env', 'CPL_P12_PASSWORD'], { env: { CPL_P12_PASSWORD: 'nope' } });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toBe('証明書ファイルのパスワードが違います\nWrong password for the certificate file\n');
    const missing = cli(['identity', '--p12', p12('care-manager'), '--password-env', 'NO_SUCH_VARIABLE_CPL'], { env });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('NO_SUCH_VARIABLE_CPL');
  });
});

describe('careplan-link sign and verify', () => {
  it('signs beside the file and verifies it (exit 0), OpenSSL-compatible DER', () => {
    const { file } = workdir();
    const s = cli(['sign', '--p12', p12('care-manager'), '--password-env', 'CPL_P12_PASSWORD', file], { env });
    expect(s.status).toBe(0);
    expect(existsSync(`${file}.p7s`)).toBe(true);
    expect(readFileSync(`${file}.p7s`)[0]).toBe(0x30);
    const v = cli(['verify', '--trust', CA, '--format', 'json', file]);
    expect(v.status).toBe(0);
    const out = JSON.parse(v.stdout);
    expect(out.files[0]).toMatchObject({ status: 'valid', valid: true, signer: { officeNumber: '1310000011' } });
  });

  it('fails verification with the precise reason: tampered, unknown issuer, no signature (exit 1)', () => {
    const { dir, file } = workdir();
    cli(['sign', '--p12', p12('care-manager'), '--password-env', 'CPL_P12_PASSWORD', file], { env });
    const foreign = cli(['verify', '--trust', join(PKI, 'foreign-ca.pem'), file]);
    expect(foreign.status).toBe(1);
    expect(foreign.stdout).toContain('発行元が信頼されていません');
    writeFileSync(file, Buffer.concat([readFileSync(file), Buffer.from('\r\n')]));
    const tampered = cli(['verify', '--trust', CA, file]);
    expect(tampered.status).toBe(1);
    expect(tampered.stdout).toContain('署名後に変わっています');
    const unsigned = join(dir, 'UPJSK_202504_1310000029_11_1310000011_43_20250425120008.CSV');
    writeFileSync(unsigned, 'x');
    const none = cli(['verify', '--trust', CA, '--format', 'json', unsigned]);
    expect(none.status).toBe(1);
    expect(JSON.parse(none.stdout).files[0].status).toBe('no-signature');
  });

  it('refuses an expired certificate and a wrong password, and does not overwrite a signature', () => {
    const { file } = workdir();
    const expired = cli(['sign', '--p12', p12('expired'), '--password-env', 'CPL_P12_PASSWORD', file], { env });
    expect(expired.status).toBe(1);
    expect(expired.stderr).toContain('有効期限が切れています');
    expect(existsSync(`${file}.p7s`)).toBe(false);
    expect(cli(['sign', '--p12', p12('care-manager'), '--password-env', 'CPL_P12_PASSWORD', file], { env: { CPL_P12_PASSWORD: 'bad' } }).status).toBe(1);
    expect(existsSync(`${file}.p7s`)).toBe(false);
    writeFileSync(`${file}.p7s`, 'keep me');
    const again = cli(['sign', '--p12', p12('care-manager'), '--password-env', 'CPL_P12_PASSWORD', file], { env });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('上書きしません');
    expect(readFileSync(`${file}.p7s`, 'utf8')).toBe('keep me');
    expect(cli(['sign', '--force', '--p12', p12('care-manager'), '--password-env', 'CPL_P12_PASSWORD', file], { env }).status).toBe(0);
    expect(cli(['verify', '--trust', CA, file]).status).toBe(0);
  });

  it('needs --trust for verify and --p12 for sign (exit 2)', () => {
    const { file } = workdir();
    expect(cli(['verify', file]).status).toBe(2);
    expect(cli(['sign', file]).status).toBe(2);
  });
});

describe('verify and identity: odd inputs', () => {
  it('reports an unreadable signature file as unreadable, not as unsigned', () => {
    const { file } = workdir();
    mkdirSync(`${file}.p7s`);
    const r = cli(['verify', '--trust', CA, '--format', 'json', file]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).files[0].status).toBe('unreadable');
  });

  it('refuses an unknown --format (exit 2)', () => {
    const { file } = workdir();
    expect(cli(['verify', '--trust', CA, '--format', 'xml', file]).status).toBe(2);
    expect(cli(['identity', '--p12', p12('care-manager'), '--password-env', 'CPL_P12_PASSWORD', '--format', 'xml'], { env }).status).toBe(2);
  });
});
