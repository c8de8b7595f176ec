// The office that cannot open at start because another program (the CLI agent on the same office
// config) holds its data: the kept password is not thrown away for it, the clerk is told which program
// stands in the way, and the office opens once that program has gone. Only a wrong password is forgotten.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { acquireLock } from '../../platform/fs.js';
import { dispatch, type AppApi } from '../../shared/api/methods.js';
import { DEMO_PASSWORD, ensureDevSetup } from '../../relay/dev.js';
import { AppBackend, type AppEvent } from './backend.js';
import { MemorySecretStore, type SecretStore } from './profile.js';

const running: AppBackend[] = [];
afterEach(async () => {
  for (const b of running.splice(0)) await b.stop();
});

// The development PKI's care-manager certificate; nothing listens at the relay's address, and the
// office opens all the same (its agent's first pass only fails to connect).
const RELAY = 'https://127.0.0.1:9';
let setupRequest: (dir: string) => Parameters<AppApi['completeSetup']>[0];
beforeAll(() => {
  const pkiDir = mkdtempSync(join(tmpdir(), 'cpl-locked-pki-'));
  const { caPem } = ensureDevSetup(pkiDir, RELAY);
  const p12Base64 = readFileSync(join(pkiDir, 'dev-pki', 'care-manager.p12')).toString('base64');
  setupRequest = (dir) => ({ office: '1310000011', serviceType: '43', name: '居宅介護支援事業所さくら', p12Base64, password: DEMO_PASSWORD, relayUrl: RELAY, trustPem: caPem, exportDir: join(dir, 'export'), importDir: join(dir, 'import') });
});

async function start(dataDir: string, secrets: SecretStore, events: AppEvent[] = []): Promise<AppApi> {
  const backend = new AppBackend({ dataDir, shell: 'electron', secrets, notify: (e) => events.push(e), agentTiming: { settleMs: 50, rescanMs: 60_000 } });
  running.push(backend);
  await backend.start();
  return new Proxy({} as AppApi, { get: (_t, m: string) => (m === 'then' ? undefined : (req: unknown) => dispatch(backend.handlers, m, req)) });
}

/** An office set up with its password kept, then closed. */
async function configured(): Promise<{ dir: string; store: MemorySecretStore }> {
  const dir = mkdtempSync(join(tmpdir(), 'cpl-locked-'));
  const store = new MemorySecretStore();
  await (await start(dir, store)).completeSetup(setupRequest(dir));
  await running.pop()!.stop();
  expect(store.get()).toBe(DEMO_PASSWORD);
  return { dir, store };
}

describe('an office whose data another program is using', () => {
  it('keeps the password, names the other program, and opens once it has gone', async () => {
    const { dir, store } = await configured();
    // The CLI agent runs on the same office config.
    const agent = acquireLock(join(dir, 'spool'), { app: 'agent' });
    const events: AppEvent[] = [];
    const api = await start(dir, store, events);
    expect((await api.getState({})).phase).toBe('locked');
    expect(store.get()).toBe(DEMO_PASSWORD);
    expect(events).toContainEqual(expect.objectContaining({ kind: 'error', body: expect.objectContaining({ ja: expect.stringMatching(/別のプログラム（agent, PID \d+/) }) }));
    // Unlocking by hand says the same, and still forgets nothing.
    await expect(api.unlock({ password: DEMO_PASSWORD })).rejects.toMatchObject({ code: 'SPOOL_LOCKED', ja: expect.stringContaining('agent') });
    expect(store.get()).toBe(DEMO_PASSWORD);

    agent.release();
    await running.pop()!.stop();
    expect((await (await start(dir, store)).getState({})).phase).toBe('ready');
  });

  it('forgets a kept password that no longer opens the certificate', async () => {
    const { dir, store } = await configured();
    store.set('not-the-password');
    const api = await start(dir, store);
    expect((await api.getState({})).phase).toBe('locked');
    expect(store.get()).toBeNull();
  });
});
