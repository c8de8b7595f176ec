// Issue 11 (#9): an office can name its CAs' revocation lists beside its trust anchors (`crl`,
// optional); paths are read from the config's folder like every other path.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const BASE = {
  office: '1310000011',
  serviceType: '43',
  p12: 'office.p12',
  passwordEnv: 'CPL_PW',
  relay: 'https://relay.example:8443',
  trust: ['ca.pem'],
  folders: { export: 'export', import: 'import', spool: 'spool' },
};

function write(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'cpl-config-crl-')), 'office.json');
  writeFileSync(path, JSON.stringify(content));
  return path;
}

describe('office config: revocation lists', () => {
  it('reads the CRL paths from the config folder, and none when the key is absent', () => {
    const path = write({ ...BASE, crl: ['ca.crl.pem', '/etc/careplan/other.crl'] });
    expect(loadConfig(path).crl).toEqual([join(path, '..', 'ca.crl.pem'), '/etc/careplan/other.crl']);
    expect(loadConfig(write(BASE)).crl).toBeUndefined();
  });

  it('refuses a CRL entry that is not a list of paths, naming the field', () => {
    let error: unknown;
    try {
      loadConfig(write({ ...BASE, crl: 'ca.crl.pem' }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe('crl');
    expect((error as ConfigError).ja).toContain('失効リスト');
  });
});
