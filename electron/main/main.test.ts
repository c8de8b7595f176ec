// Electron's main process without Electron (its binary cannot be installed here): the electron module
// is replaced by a recording fake, so these tests check what main asks of Electron — the window's
// security settings, one IPC channel per API method with the sender checked and payloads validated,
// navigation, new windows and permissions refused, the CSP on every response.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ipcChannel, METHOD_NAMES } from '../../shared/api/channels.js';
import { resultEnvelopeSchema } from '../../shared/errors.js';

const rec = vi.hoisted(() => ({
  windows: [] as { options: Record<string, unknown>; events: Map<string, (...a: unknown[]) => void>; openHandler: (() => unknown) | null; url: string | null }[],
  ipc: new Map<string, (e: unknown, payload: unknown) => Promise<unknown>>(),
  permission: null as null | ((wc: unknown, perm: string, cb: (ok: boolean) => void) => void),
  headers: null as null | ((d: { responseHeaders: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void),
  schemes: [] as unknown[],
  protocolHandler: null as null | ((req: { url: string }) => Response),
  menus: [] as unknown[],
  handlerCalls: [] as [string, unknown][],
  started: [] as [string, Record<string, unknown>][],
}));

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: { id: number; on: (ev: string, fn: (...a: unknown[]) => void) => void; setWindowOpenHandler: (fn: () => unknown) => void };
    constructor(options: Record<string, unknown>) {
      const entry = { options, events: new Map<string, (...a: unknown[]) => void>(), openHandler: null as (() => unknown) | null, url: null as string | null };
      rec.windows.push(entry);
      this.webContents = { id: rec.windows.length, on: (ev, fn) => entry.events.set(ev, fn), setWindowOpenHandler: (fn) => (entry.openHandler = fn) };
      this.entry = entry;
    }
    private entry;
    on(): void {}
    loadURL(url: string): Promise<void> {
      this.entry.url = url;
      return Promise.resolve();
    }
    show(): void {}
  }
  return {
    app: {
      requestSingleInstanceLock: () => true,
      whenReady: () => Promise.resolve(),
      on: () => undefined,
      quit: () => undefined,
      getPath: () => '/tmp/careplan-link-main-test',
      getVersion: () => '0.0.0',
      setLoginItemSettings: vi.fn(),
    },
    BrowserWindow,
    ipcMain: { handle: (ch: string, fn: (e: unknown, p: unknown) => Promise<unknown>) => rec.ipc.set(ch, fn) },
    protocol: { registerSchemesAsPrivileged: (s: unknown) => rec.schemes.push(s), handle: (_s: string, fn: (req: { url: string }) => Response) => (rec.protocolHandler = fn) },
    session: { defaultSession: { setPermissionRequestHandler: (fn: typeof rec.permission) => (rec.permission = fn), webRequest: { onHeadersReceived: (fn: typeof rec.headers) => (rec.headers = fn) } } },
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => rec.menus.push(m) },
    Tray: class {
      setToolTip(): void {}
      setContextMenu(): void {}
    },
    nativeImage: { createFromPath: () => ({}) },
    Notification: class {
      static isSupported = () => false;
      show(): void {}
    },
    safeStorage: { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' },
    shell: { openPath: async () => '' },
    dialog: { showMessageBox: async () => ({}) },
  };
});

vi.mock('../../client/app/offices.js', async () => {
  const { ApiError } = await import('../../shared/api/methods.js');
  // unlock fails the way the back end words its refusals; home fails the way a bug would.
  const handle = async (m: string, req: unknown) => {
    rec.handlerCalls.push([m, req]);
    if (m === 'unlock') throw new ApiError('P12_WRONG_PASSWORD', '証明書ファイルのパスワードが違います', 'Wrong password for the certificate file');
    if (m === 'home') throw new Error('disk on fire');
    return { ok: m };
  };
  const fake = () => ({
    backends: [
      {
        id: 'care-manager',
        name: 'ケアプランリンク居宅介護支援センター',
        backend: {
          refresh: async () => undefined,
          handlers: new Proxy({}, { get: (_t, m: string) => (req: unknown) => handle(m, req) }),
        },
      },
    ],
    close: async () => undefined,
  });
  return {
    startDemoOffices: async (o: Record<string, unknown>) => (rec.started.push(['demo', o]), fake()),
    startOffice: async (o: Record<string, unknown>) => (rec.started.push(['office', o]), fake()),
  };
});

beforeAll(async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'cpl-main-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title>');
  process.env.CPL_RENDERER_DIR = dir;
  await import('./main.js');
  await vi.waitFor(() => expect(rec.ipc.size).toBe(METHOD_NAMES.length));
});

const trusted = (payload: unknown, method = 'searchPartners') => rec.ipc.get(ipcChannel(method as (typeof METHOD_NAMES)[number]))!({ senderFrame: { url: 'app://careplan/index.html' }, sender: { id: 1 } }, payload);

describe('Electron main process', () => {
  it('serves one real office when installed (no embedded relay, no demo offices), with the password in safeStorage', () => {
    expect(rec.started.map(([kind]) => kind)).toEqual(['office']);
    const o = rec.started[0]![1] as { shell: string; secrets: object; setupDefaults: { exportDir: string } };
    expect(o.shell).toBe('electron');
    expect(o.secrets.constructor.name).toBe('SafeStorageSecrets');
    expect(o.setupDefaults.exportDir).toContain('ケアプランリンク');
  });

  it('opens the window sandboxed, isolated, without Node, on its own scheme', () => {
    const w = rec.windows[0]!;
    expect(w.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(String((w.options.webPreferences as { preload: string }).preload)).toMatch(/preload\.cjs$/);
    expect(w.url).toBe('app://careplan/index.html');
    expect(rec.menus).toHaveLength(1);
    expect(JSON.stringify(rec.menus[0])).toContain('今すぐ受信');
  });

  it('has one IPC channel per API method, and nothing else', () => {
    expect([...rec.ipc.keys()].sort()).toEqual(METHOD_NAMES.map(ipcChannel).sort());
  });

  it('dispatches a trusted, valid call to the back end', async () => {
    await expect(trusted({ query: 'ひまわり' })).resolves.toEqual({ ok: true, result: { ok: 'searchPartners' } });
    expect(rec.handlerCalls.at(-1)).toEqual(['searchPartners', { query: 'ひまわり' }]);
  });

  it('refuses calls from other frames and payloads that fail the schema, before the back end sees them', async () => {
    const before = rec.handlerCalls.length;
    const foreign = rec.ipc.get(ipcChannel('getState'))!({ senderFrame: { url: 'https://evil.example/' }, sender: { id: 1 } }, {});
    await expect(foreign).resolves.toMatchObject({ ok: false, error: { code: 'untrusted' } });
    const unknownWindow = rec.ipc.get(ipcChannel('getState'))!({ senderFrame: { url: 'app://careplan/index.html' }, sender: { id: 99 } }, {});
    await expect(unknownWindow).resolves.toMatchObject({ ok: false, error: { code: 'untrusted' } });
    await expect(trusted({ office: 'x', favourite: 1 }, 'setFavourite')).resolves.toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(rec.handlerCalls.length).toBe(before);
  });

  it('answers a failing handler with an error envelope instead of throwing across IPC', async () => {
    const refused = await trusted({ password: 'x' }, 'unlock');
    expect(refused).toEqual({ ok: false, error: { code: 'P12_WRONG_PASSWORD', ja: '証明書ファイルのパスワードが違います', en: 'Wrong password for the certificate file' } });
    expect(resultEnvelopeSchema.safeParse(refused).success).toBe(true);
    // An unexpected failure is marked internal; its stack never crosses.
    const broken = (await trusted({}, 'home')) as { ok: false; error: Record<string, unknown> };
    expect(broken).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(broken)).not.toMatch(/at .*main\.test/);
  });

  it('blocks navigation away from the app and every new window', () => {
    const w = rec.windows[0]!;
    const away = { preventDefault: vi.fn() };
    w.events.get('will-navigate')!(away, 'https://example.com/');
    expect(away.preventDefault).toHaveBeenCalled();
    const inside = { preventDefault: vi.fn() };
    w.events.get('will-navigate')!(inside, 'app://careplan/index.html');
    expect(inside.preventDefault).not.toHaveBeenCalled();
    expect(w.openHandler!()).toEqual({ action: 'deny' });
  });

  it('denies every permission request and sends the strict CSP with every response', () => {
    const cb = vi.fn();
    rec.permission!({}, 'media', cb);
    expect(cb).toHaveBeenCalledWith(false);
    let headers: Record<string, string[]> = {};
    rec.headers!({ responseHeaders: {} }, (r) => (headers = r.responseHeaders));
    expect(headers['Content-Security-Policy']![0]).toContain("default-src 'none'");
    expect(headers['Content-Security-Policy']![0]).toContain("script-src 'self'");
  });

  it('serves the renderer on its scheme with the CSP, and nothing outside its folder', async () => {
    const page = rec.protocolHandler!({ url: 'app://careplan/index.html' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('<title>app</title>');
    // Encoded slashes are not normalised away by URL parsing: this reaches the folder guard.
    expect(rec.protocolHandler!({ url: 'app://careplan/..%2f..%2f..%2fetc%2fpasswd' }).status).toBe(404);
    expect(rec.protocolHandler!({ url: 'app://careplan/missing.js' }).status).toBe(404);
  });
});
