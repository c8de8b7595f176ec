// 「パスワードを記憶する」 in the back end: the choice made on the setup and unlock screens becomes the
// saved setting, the SecretStore keeps the password only while it is on (and forgets it at once when it
// is turned off), a kept password opens the office by itself at the next start, and the capabilities
// tell the screens what the shell offers (pickers in Electron, a persistent store only with safeStorage).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dispatch, type AppApi } from '../../shared/api/methods.js';
import { DEMO_PASSWORD, ensureDevSetup } from '../../relay/dev.js';
import { AppBackend } from './backend.js';
import { MemorySecretStore, type SecretStore } from './profile.js';

/** A persistent store (as safeStorage is) that records what it was asked. */
class RecordingStore implements SecretStore {
  readonly persistent = true;
  value: string | null = null;
  readonly log: string[] = [];
  get(): string | null {
    return this.value;
  }
  set(password: string): void {
    this.log.push('set');
    this.value = password;
  }
  clear(): void {
    this.log.push('clear');
    this.value = null;
  }
}

// Nothing listens here: the agent's first pass fails to connect and the office opens all the same.
const RELAY = 'https://127.0.0.1:9';
let pki: { p12Base64: string; caPem: string };
const running: AppBackend[] = [];

beforeAll(() => {
  const relayDir = mkdtempSync(join(tmpdir(), 'cpl-remember-pki-'));
  const dev = ensureDevSetup(relayDir, RELAY);
  pki = { p12Base64: readFileSync(join(relayDir, 'dev-pki', 'care-manager.p12')).toString('base64'), caPem: dev.caPem };
});

afterEach(async () => {
  for (const b of running.splice(0)) await b.stop();
});

async function start(dataDir: string, secrets: SecretStore, shell: 'electron' | 'browser' = 'electron'): Promise<AppApi> {
  const backend = new AppBackend({ dataDir, shell, secrets, agentTiming: { settleMs: 50, rescanMs: 60_000 } });
  running.push(backend);
  await backend.start();
  // Not a thenable: `then` is no API method, and an awaited proxy would otherwise be asked for it.
  return new Proxy({} as AppApi, { get: (_t, m: string) => (m === 'then' ? undefined : (req: unknown) => dispatch(backend.handlers, m, req)) });
}

function setupRequest(dir: string, remember?: boolean) {
  return {
    office: '1310000011',
    serviceType: '43',
    name: '居宅介護支援事業所さくら',
    p12Base64: pki.p12Base64,
    password: DEMO_PASSWORD,
    relayUrl: RELAY,
    trustPem: pki.caPem,
    exportDir: join(dir, 'export'),
    importDir: join(dir, 'import'),
    ...(remember === undefined ? {} : { remember }),
  };
}

describe('remember the certificate password', () => {
  it('keeps it by default, so the office opens by itself at the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-remember-'));
    const store = new RecordingStore();
    const api = await start(dir, store);
    expect((await api.getState({})).capabilities).toEqual({ pickers: true, rememberPassword: true });
    const s = await api.completeSetup(setupRequest(dir));
    expect(s.phase).toBe('ready');
    expect(s.settings.rememberPassword).toBe(true);
    expect(store.value).toBe(DEMO_PASSWORD);
    await running.pop()!.stop();
    const again = await start(dir, store);
    expect((await again.getState({})).phase).toBe('ready');
  });

  it('forgets it when the box is cleared at setup, asks at the next start, and keeps it when ticked at unlock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-remember-'));
    const store = new RecordingStore();
    const api = await start(dir, store);
    const s = await api.completeSetup(setupRequest(dir, false));
    expect(s.settings.rememberPassword).toBe(false);
    expect(store.value).toBeNull();
    expect(store.log).not.toContain('set');
    await running.pop()!.stop();

    const locked = await start(dir, store);
    expect((await locked.getState({})).phase).toBe('locked');
    const unlocked = await locked.unlock({ password: DEMO_PASSWORD, remember: true });
    expect(unlocked.phase).toBe('ready');
    expect(unlocked.settings.rememberPassword).toBe(true);
    expect(store.value).toBe(DEMO_PASSWORD);
  });

  it('unlocking without a choice follows the saved setting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-remember-'));
    const store = new RecordingStore();
    const api = await start(dir, store);
    await api.completeSetup(setupRequest(dir, false));
    await running.pop()!.stop();
    const locked = await start(dir, store);
    await locked.unlock({ password: DEMO_PASSWORD });
    expect(store.value).toBeNull();
  });

  it('turning the setting off forgets the password at once; turning it on keeps the open session’s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-remember-'));
    const store = new RecordingStore();
    const api = await start(dir, store);
    await api.completeSetup(setupRequest(dir));
    expect((await api.saveSettings({ rememberPassword: false })).rememberPassword).toBe(false);
    expect(store.value).toBeNull();
    expect((await api.saveSettings({ rememberPassword: true })).rememberPassword).toBe(true);
    expect(store.value).toBe(DEMO_PASSWORD);
    // Other settings leave the store alone.
    const before = store.log.length;
    await api.saveSettings({ pollSeconds: 120 });
    expect(store.log.length).toBe(before);
  });

  it('offers neither pickers nor a kept password in the browser, and says so if a picker is asked for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-remember-'));
    const api = await start(dir, new MemorySecretStore(), 'browser');
    expect((await api.getState({})).capabilities).toEqual({ pickers: false, rememberPassword: false });
    await expect(api.pickFolder({ purpose: 'export' })).rejects.toMatchObject({ code: 'not_available' });
    await expect(api.pickCertificate({})).rejects.toMatchObject({ code: 'not_available' });
  });
});
