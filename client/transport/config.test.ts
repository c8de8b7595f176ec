// The office config is read through its schema: a config that does not fit is refused with a
// LocalizedError that names the file and the field, in Japanese and English.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalizedError } from '../../shared/errors.js';
import { ConfigError, loadConfig } from './config.js';

const GOOD = {
  $schema: '../schemas/office-config.schema.json',
  office: '1310000011',
  serviceType: '43',
  name: 'テスト居宅',
  p12: 'office.p12',
  passwordEnv: 'CPL_PW',
  relay: 'https://relay.example:8443/',
  trust: ['ca.pem'],
  folders: { export: 'export', import: 'import', spool: 'spool' },
  agent: { pollMs: 5000, autoSend: false, folders: { sent: 'done' } },
};

function write(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'cpl-config-')), 'office.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The error loadConfig throws for this content. */
function refusal(content: unknown): { error: ConfigError; path: string } {
  const path = write(content);
  try {
    loadConfig(path);
  } catch (e) {
    return { error: e as ConfigError, path };
  }
  throw new Error('the config was accepted');
}

describe('office config', () => {
  it('reads a good config: paths from its folder, the relay without a trailing slash, the agent section', () => {
    const path = write(GOOD);
    const c = loadConfig(path);
    expect(c.p12).toBe(join(path, '..', 'office.p12'));
    expect(c.folders.spool).toBe(join(path, '..', 'spool'));
    expect(c.relay).toBe('https://relay.example:8443');
    expect(c.agent).toEqual({ pollMs: 5000, autoSend: false, folders: { sent: 'done' } });
  });

  it('names the field of a value of the wrong type, and the file', () => {
    const { error, path } = refusal({ ...GOOD, office: 1310000011 });
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(LocalizedError);
    expect(error.code).toBe('config');
    expect(error.field).toBe('office');
    expect(error.ja).toContain(path);
    expect(error.ja).toContain('"office"');
    expect(error.ja).toContain('10桁の事業所番号');
    expect(error.en).toContain(path);
    expect(error.en).toContain('"office" must be a string');
  });

  it('names a missing field, also inside folders', () => {
    const { passwordEnv: _, ...withoutPassword } = GOOD;
    expect(refusal(withoutPassword).error).toMatchObject({ field: 'passwordEnv', en: expect.stringContaining('"passwordEnv" is missing') });
    const noExport = refusal({ ...GOOD, folders: { import: 'import', spool: 'spool' } }).error;
    expect(noExport.field).toBe('folders.export');
    expect(noExport.ja).toContain('"folders.export" がありません');
  });

  it('refuses a relay URL that is not https, an empty trust list and a bad service type', () => {
    const http = refusal({ ...GOOD, relay: 'http://relay.example' }).error;
    expect(http.field).toBe('relay');
    expect(http.ja).toContain('https:// で始まる URL');
    expect(http.en).toContain('an https:// URL');
    expect(refusal({ ...GOOD, relay: 'ftp://relay.example' }).error.field).toBe('relay');
    expect(refusal({ ...GOOD, trust: [] }).error).toMatchObject({ field: 'trust', en: expect.stringContaining('needs at least 1 entry') });
    expect(refusal({ ...GOOD, serviceType: '4' }).error.field).toBe('serviceType');
  });

  it('refuses agent settings of the wrong type or out of range instead of ignoring them', () => {
    const negative = refusal({ ...GOOD, agent: { pollMs: -1 } }).error;
    expect(negative.field).toBe('agent.pollMs');
    expect(negative.ja).toContain('受信の間隔');
    expect(refusal({ ...GOOD, agent: { autoSend: 'yes' } }).error.field).toBe('agent.autoSend');
    expect(refusal({ ...GOOD, agent: { folders: { errors: '' } } }).error.field).toBe('agent.folders.errors');
  });

  it('keeps telling a missing file from one that is not JSON', () => {
    expect(() => loadConfig(join(tmpdir(), 'cpl-no-such-dir', 'office.json'))).toThrow(/config file not found/);
    const notJson = refusal('{ "office": ').error;
    expect(notJson).toBeInstanceOf(ConfigError);
    expect(notJson.en).toContain('cannot parse the config file');
    expect(refusal([GOOD]).error.en).toContain('the content must be an object');
  });
});
