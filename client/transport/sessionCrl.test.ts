// Issue 11: 設定の失効リスト（crl）はセッションを開くときに読み、信頼する CA の署名を確かめる。使えないリストは
// 「失効なし」とみなさず、セッションを止めて理由を示す。
// The office config's CRLs are read when the session opens and checked against the trust anchors; a
// list that cannot serve stops the session with a reason instead of reading as "nothing is revoked".
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRevoked } from '../../pki/crl.js';
import { certInfo } from '../../pki/certs.js';
import { ConfigError } from './config.js';
import { openSession } from './session.js';
import { crlRevoking, fixturePem, TEST_ENV, writeOfficeConfig } from './testOffices.js';

const RELAY = 'https://127.0.0.1:9'; // never contacted: opening a session does not connect

function sessionWith(crlText: string | null): { config: string; crlPath: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cpl-session-crl-'));
  const crlPath = join(dir, 'ca.crl.pem');
  if (crlText !== null) writeFileSync(crlPath, crlText);
  return { config: writeOfficeConfig(dir, 'home-help', '1310000029', '11', RELAY, { crl: [crlPath] }), crlPath };
}

function openError(config: string): ConfigError {
  let error: unknown;
  try {
    openSession(config, TEST_ENV, null).close();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('openSession: the revocation lists of the office config', () => {
  it('reads them, checked against the trust anchors, into the session', () => {
    const { config } = sessionWith(crlRevoking([fixturePem('third-office.pem')]));
    const s = openSession(config, TEST_ENV, null);
    try {
      expect(s.crls).toHaveLength(1);
      expect(isRevoked(certInfo(fixturePem('third-office.pem')), s.crls)).toBe(true);
      expect(isRevoked(certInfo(fixturePem('care-manager.pem')), s.crls)).toBe(false);
    } finally {
      s.close();
    }
  });

  it('has no lists when the config names none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-session-crl-'));
    const s = openSession(writeOfficeConfig(dir, 'home-help', '1310000029', '11', RELAY), TEST_ENV, null);
    try {
      expect(s.crls).toEqual([]);
    } finally {
      s.close();
    }
  });

  it('stops at a CRL file that is missing, naming it and the key', () => {
    const { config, crlPath } = sessionWith(null);
    const e = openError(config);
    expect(e.field).toBe('crl');
    expect(e.ja).toContain('失効リスト');
    expect(e.ja).toContain(crlPath);
    expect(e.en).toContain(crlPath);
  });

  it('stops at a CRL that no trusted CA signed (not "nothing is revoked")', () => {
    const { config } = sessionWith(crlRevoking([], { certPem: fixturePem('foreign-ca.pem'), keyPem: fixturePem('foreign-ca.key.pem') }));
    const e = openError(config);
    expect(e.field).toBe('crl');
    expect(e.ja).toContain('信頼する CA の署名ではありません');
    expect(e.en).toContain('not signed by a trusted CA');
  });

  it('stops at a file that holds no CRL', () => {
    const { config } = sessionWith(fixturePem('ca.pem'));
    const e = openError(config);
    expect(e.field).toBe('crl');
    expect(e.en).toContain('No certificate revocation list');
  });
});
