// Main's client and the back end host on the two ends of one MessagePort (in memory, copied like
// Electron's), in front of a real AppBackend in a temporary folder: a call goes through both schema
// checks and comes back as the same envelope the renderer always got; the back end's hooks (password,
// login item, folder to open, status for the tray) reach main as messages; junk is dropped both ways;
// a stopped or vanished back end answers every waiting call.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEMO_PASSWORD, ensureDevSetup } from '../../relay/dev.js';
import { BackendClient, type BackendEvents } from '../main/backendClient.js';
import { memoryChannel } from '../port/memoryChannel.js';
import type { BackendInit, OfficeStatus } from '../port/protocol.js';
import { serveBackend } from './host.js';

const RELAY = 'https://127.0.0.1:9';
let pki: { p12Base64: string; caPem: string };

beforeAll(() => {
  const relayDir = mkdtempSync(join(tmpdir(), 'cpl-host-pki-'));
  const dev = ensureDevSetup(relayDir, RELAY);
  pki = { p12Base64: readFileSync(join(relayDir, 'dev-pki', 'care-manager.p12')).toString('base64'), caPem: dev.caPem };
});

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

function recordingEvents() {
  const seen = { secrets: [] as [number, string | null][], loginItems: [] as boolean[], opened: [] as string[], status: [] as OfficeStatus[][] };
  const events: BackendEvents = {
    notify: () => undefined,
    status: (s) => seen.status.push(s),
    secret: (office, password) => seen.secrets.push([office, password]),
    loginItem: (on) => seen.loginItems.push(on),
    openPath: async (p) => (seen.opened.push(p), true),
  };
  return { seen, events };
}

async function connect(init: Partial<BackendInit> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'cpl-host-'));
  const { port1, port2 } = memoryChannel();
  const { seen, events } = recordingEvents();
  const client = new BackendClient(port1, events);
  const served = serveBackend({ type: 'init', mode: 'office', dataDir, password: null, persistentSecrets: true, refreshMs: 60_000, ...init }, port2);
  stops.push(async () => {
    await client.stop(5_000);
    // As when the utility process ends: the port closes, and a host still serving stops its agents.
    port1.close();
    await (await served).closed;
  });
  return { client, seen, dataDir, port1, port2, served };
}

function setup(dataDir: string) {
  return { office: '1310000011', serviceType: '43', name: 'さくら', p12Base64: pki.p12Base64, password: DEMO_PASSWORD, relayUrl: RELAY, trustPem: pki.caPem, exportDir: join(dataDir, 'export'), importDir: join(dataDir, 'import') };
}

describe('the back end over the port', () => {
  it('starts the office in the utility process and answers calls with the usual envelopes', async () => {
    const { client, seen } = await connect();
    await expect(client.ready).resolves.toEqual([{ id: 'office', name: 'ケアプランリンク' }]);
    const state = await client.call(0, 'getState', {});
    expect(state).toMatchObject({ ok: true, result: { phase: 'setup', shell: 'electron', capabilities: { pickers: true, rememberPassword: true } } });
    await expect(client.call(0, 'home', {})).resolves.toMatchObject({ ok: false, error: { code: 'not_ready' } });
    // Checked in main: never sent.
    await expect(client.call(0, 'unlock', { password: 1 })).resolves.toMatchObject({ ok: false, error: { code: 'bad_request' } });
    await expect(client.call(0, 'noSuchMethod', {})).resolves.toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    await expect(client.call(3, 'getState', {})).resolves.toMatchObject({ ok: false, error: { code: 'unknown_office' } });
    await vi.waitFor(() => expect(seen.status.at(-1)).toEqual([{ phase: 'setup', attention: 0, autoSend: true }]));
  });

  it('sends the password to keep, the login item and the folder to open to main, and the new status', async () => {
    const { client, seen, dataDir } = await connect();
    await client.ready;
    await expect(client.call(0, 'completeSetup', setup(dataDir))).resolves.toMatchObject({ ok: true, result: { phase: 'ready' } });
    expect(seen.secrets).toEqual([[0, DEMO_PASSWORD]]);
    await vi.waitFor(() => expect(seen.status.at(-1)?.[0]?.phase).toBe('ready'));
    await client.call(0, 'saveSettings', { startWithWindows: true });
    expect(seen.loginItems).toEqual([true]);
    await client.call(0, 'saveSettings', { rememberPassword: false });
    expect(seen.secrets.at(-1)).toEqual([0, null]);
    await client.call(0, 'saveSettings', { autoSend: false });
    await vi.waitFor(() => expect(seen.status.at(-1)?.[0]?.autoSend).toBe(false));
    await expect(client.call(0, 'openFolder', { which: 'export' })).resolves.toEqual({ ok: true, result: { path: join(dataDir, 'export'), opened: true } });
    expect(seen.opened).toEqual([join(dataDir, 'export')]);
  });

  it('opens the office with the password main gave at start, and keeps it in memory only without safeStorage', async () => {
    const first = await connect();
    await first.client.ready;
    await first.client.call(0, 'completeSetup', setup(first.dataDir));
    await stops.pop()!();
    const again = await connect({ dataDir: first.dataDir, password: DEMO_PASSWORD, persistentSecrets: false });
    await again.client.ready;
    await expect(again.client.call(0, 'getState', {})).resolves.toMatchObject({ ok: true, result: { phase: 'ready', capabilities: { rememberPassword: false } } });
    await again.client.call(0, 'saveSettings', { rememberPassword: false });
    expect(again.seen.secrets).toEqual([]);
  });

  it('drops messages that do not fit, both ways, and goes on', async () => {
    const { client, seen, port1, port2 } = await connect();
    await client.ready;
    port1.postMessage({ type: 'call', id: 'x', office: 0, method: 'getState' });
    port1.postMessage('hello');
    port2.postMessage({ type: 'secret', office: 0, password: 42 });
    port2.postMessage({ type: 'loginItem' });
    await expect(client.call(0, 'getState', {})).resolves.toMatchObject({ ok: true });
    expect(seen.secrets).toEqual([]);
    expect(seen.loginItems).toEqual([]);
  });

  it('answers waiting calls when the back end goes away, and every later one', async () => {
    const { client } = await connect();
    await client.ready;
    const waiting = client.call(0, 'getState', {});
    client.gone();
    await expect(waiting).resolves.toMatchObject({ ok: false, error: { code: 'backend_stopped' } });
    await expect(client.call(0, 'getState', {})).resolves.toMatchObject({ ok: false, error: { code: 'backend_stopped' } });
  });

  it('stops on request: the agents finish, `stopped` comes back, and the host is done', async () => {
    const { client, dataDir, served } = await connect();
    await client.ready;
    await client.call(0, 'completeSetup', setup(dataDir));
    stops.pop();
    await client.stop(5_000);
    await expect((await served).closed).resolves.toBeUndefined();
  });

  it('refuses the demo offices in the installer’s build, with words for a dialog', async () => {
    process.env.CPL_PACKAGED_BUILD = '1';
    try {
      const { client } = await connect({ mode: 'demo', relayUrl: RELAY });
      await expect(client.ready).rejects.toMatchObject({ code: 'demo_unavailable', ja: expect.stringContaining('デモ') });
    } finally {
      delete process.env.CPL_PACKAGED_BUILD;
    }
  });
});
