// The app's own files read back through schemas: settings fall back value by value, the relay status
// cache drops what does not fit, and the office config is checked before the app rewrites it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../transport/config.js';
import { DEFAULT_SETTINGS, Profile } from './profile.js';

const newProfile = () => new Profile(mkdtempSync(join(tmpdir(), 'cpl-profile-')));

const office = { office: '1310000011', serviceType: '43', name: 'テスト居宅', relayUrl: 'https://relay.example', exportDir: '/e', importDir: '/i', autoSend: true, pollSeconds: 60 };

describe('app settings file', () => {
  it('reads back what was written', () => {
    const p = newProfile();
    const prefs = { settings: { ...DEFAULT_SETTINGS, lang: 'en' as const, pollSeconds: 120 }, favourites: ['1310000029'], previousExportDirs: ['/old'] };
    p.writePrefs(prefs);
    expect(p.readPrefs()).toEqual(prefs);
  });

  it('replaces only the values that do not fit, keeping the others and the favourites', () => {
    const p = newProfile();
    writeFileSync(p.prefsPath, JSON.stringify({ settings: { lang: 'fr', autoSend: false, pollSeconds: '60', notifications: false }, favourites: ['1310000029', 7], previousExportDirs: 'x' }));
    expect(p.readPrefs()).toEqual({ settings: { ...DEFAULT_SETTINGS, autoSend: false, notifications: false }, favourites: ['1310000029'], previousExportDirs: [] });
  });

  it('opens with the defaults when the file is damaged or not an object', () => {
    const p = newProfile();
    for (const text of ['{"settings": ', '[1, 2]', 'null']) {
      writeFileSync(p.prefsPath, text);
      expect(p.readPrefs().settings).toEqual(DEFAULT_SETTINGS);
      expect(p.readPrefs().favourites).toEqual([]);
    }
  });
});

describe('relay status cache', () => {
  it('keeps the entries that fit the schema and drops the rest', () => {
    const p = newProfile();
    p.writeRelayStatus({ a: { status: 'delivered' }, b: { status: 5 }, c: 'x' });
    const entry = z.object({ status: z.string() });
    expect(p.readRelayStatus(entry)).toEqual({ a: { status: 'delivered' } });
    writeFileSync(p.relayStatusPath, '[]');
    expect(p.readRelayStatus(entry)).toEqual({});
  });
});

describe('office config rewritten by the app', () => {
  it('changes the agent part and keeps keys it does not know', () => {
    const p = newProfile();
    p.writeOffice(office, Buffer.from('p12'), 'pem');
    const written = JSON.parse(readFileSync(p.configPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(p.configPath, JSON.stringify({ ...written, note: 'kept', agent: { ...(written.agent as object), settleMs: 500 } }));
    p.updateAgent(false, 300);
    const updated = JSON.parse(readFileSync(p.configPath, 'utf8')) as Record<string, unknown>;
    expect(updated.note).toBe('kept');
    expect(updated.agent).toEqual({ autoSend: false, pollMs: 300_000, settleMs: 500 });
  });

  it('refuses to rewrite a config that does not fit, naming the field', () => {
    const p = newProfile();
    p.writeOffice(office, Buffer.from('p12'), 'pem');
    const written = JSON.parse(readFileSync(p.configPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(p.configPath, JSON.stringify({ ...written, relay: 'http://relay.example' }));
    expect(() => p.updateAgent(false, 300)).toThrow(ConfigError);
    expect(() => p.updateAgent(false, 300)).toThrow(/"relay"/);
  });
});
