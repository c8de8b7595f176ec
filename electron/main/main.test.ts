// Electron's main process without Electron (its binary cannot be installed here): the electron module
// is replaced by a recording fake (testing/fakeElectron.ts), and the utility process by the real back
// end host served in this process over an in-memory MessageChannel, in front of a fake AppBackend. So
// these tests check what main asks of Electron — the window's security settings, one IPC channel per
// API method with the sender checked and payloads validated, navigation, new windows and permissions
// refused, the CSP — and the path of a call through the port, the pickers, the tray, hide-on-close,
// the kept password and quitting.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ipcChannel, METHOD_NAMES, type MethodName } from '../../shared/api/channels.js';
import { resultEnvelopeSchema } from '../../shared/errorSchemas.js';
import { fakeBackend } from './testing/fakeBackend.js';
import { fakeCiphertext, rec } from './testing/fakeElectron.js';

vi.mock('electron', async () => (await import('./testing/fakeElectron.js')).electron);
vi.mock('../../client/app/backend.js', async (importOriginal) => ({ ...(await importOriginal<object>()), AppBackend: (await import('./testing/fakeBackend.js')).FakeAppBackend }));

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpl-main-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>app</title>');
  process.env.CPL_RENDERER_DIR = dir;
  rec.userData = mkdtempSync(join(tmpdir(), 'cpl-main-userdata-'));
  // A password kept at an earlier run (as safeStorage left it).
  writeFileSync(join(rec.userData, 'secret.bin'), fakeCiphertext('kept-password'));
  await import('./main.js');
  // The back end host and the real modules behind it load on the first fork: give it time.
  await vi.waitFor(() => expect(rec.windows).toHaveLength(1), { timeout: 30_000 });
});

const call = (method: MethodName, payload: unknown, sender = { senderFrame: { url: 'app://careplan/index.html' }, sender: { id: 1 } }) => rec.ipc.get(ipcChannel(method))!(sender, payload);
const trusted = (payload: unknown, method: MethodName = 'searchPartners') => call(method, payload);
const tray = () => rec.trays[0]!;

describe('Electron main process', () => {
  it('runs the back end in a utility process, with the kept password only in its first message', () => {
    expect(rec.forks).toHaveLength(1);
    const child = rec.forks[0]!;
    expect(child.modulePath).toMatch(/backend\.cjs$/);
    expect(child.args).toEqual([]);
    expect(child.options).not.toHaveProperty('env');
    expect(child.init).toMatchObject({ type: 'init', mode: 'office', dataDir: rec.userData, password: 'kept-password', persistentSecrets: true });
    expect((child.init!.setupDefaults as { exportDir: string }).exportDir).toContain('ケアプランリンク');
    // One real office (no embedded relay, no demo offices), in the app's folder, with the password.
    const { opts } = fakeBackend.instances[0]!;
    expect(opts.shell).toBe('electron');
    expect(opts.dataDir).toBe(join(rec.userData, 'office'));
    expect(opts.secrets.persistent).toBe(true);
    expect(opts.secrets.get()).toBe('kept-password');
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

  it('dispatches a trusted, valid call to the back end over the port', async () => {
    await expect(trusted({ query: 'ひまわり' })).resolves.toEqual({ ok: true, result: { ok: 'searchPartners' } });
    expect(fakeBackend.calls.at(-1)).toEqual(['searchPartners', { query: 'ひまわり' }]);
  });

  it('refuses calls from other frames and payloads that fail the schema, before the back end sees them', async () => {
    const before = fakeBackend.calls.length;
    await expect(call('getState', {}, { senderFrame: { url: 'https://evil.example/' }, sender: { id: 1 } })).resolves.toMatchObject({ ok: false, error: { code: 'untrusted' } });
    await expect(call('getState', {}, { senderFrame: { url: 'app://careplan/index.html' }, sender: { id: 99 } })).resolves.toMatchObject({ ok: false, error: { code: 'untrusted' } });
    await expect(trusted({ office: 'x', favourite: 1 }, 'setFavourite')).resolves.toMatchObject({ ok: false, error: { code: 'bad_request' } });
    await expect(trusted({ purpose: 'desktop' }, 'pickFolder')).resolves.toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(fakeBackend.calls.length).toBe(before);
    expect(rec.dialogs).toHaveLength(0);
  });

  it('answers a failing handler with an error envelope instead of throwing across IPC', async () => {
    const refused = await trusted({ password: 'x' }, 'unlock');
    expect(refused).toEqual({ ok: false, error: { code: 'P12_WRONG_PASSWORD', ja: '証明書ファイルのパスワードが違います', en: 'Wrong password for the certificate file' } });
    expect(resultEnvelopeSchema.safeParse(refused).success).toBe(true);
    // An unexpected failure is marked internal; its stack never crosses.
    const broken = (await trusted({}, 'home')) as { ok: false; error: Record<string, unknown> };
    expect(broken).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(broken)).not.toMatch(/at .*fakeBackend/);
  });

  it('blocks navigation away from the app and every new window', () => {
    const w = rec.windows[0]!;
    const away = { preventDefault: vi.fn() };
    w.webContents.events.get('will-navigate')!(away, 'https://example.com/');
    expect(away.preventDefault).toHaveBeenCalled();
    const inside = { preventDefault: vi.fn() };
    w.webContents.events.get('will-navigate')!(inside, 'app://careplan/index.html');
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

  it('sends the same CSP as the web bridge (one policy for both doors)', async () => {
    const { RENDERER_CSP } = await import('../../shared/api/csp.js');
    const bridge = await import('../../client/bridge/server.js');
    expect(bridge.RENDERER_CSP).toBe(RENDERER_CSP);
    expect(rec.protocolHandler!({ url: 'app://careplan/index.html' }).headers.get('content-security-policy')).toBe(RENDERER_CSP);
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

describe('native dialogs', () => {
  it('picks a folder in a dialog over the asking window, starting at the current one', async () => {
    const before = fakeBackend.calls.length;
    rec.dialogAnswers.push({ canceled: false, filePaths: ['D:\\介護ソフト\\出力'] });
    await expect(trusted({ purpose: 'export', current: 'C:\\old' }, 'pickFolder')).resolves.toEqual({ ok: true, result: { path: 'D:\\介護ソフト\\出力' } });
    const d = rec.dialogs.at(-1)!;
    expect(d.parent).toBe(rec.windows[0]);
    expect(d.options).toMatchObject({ defaultPath: 'C:\\old', properties: expect.arrayContaining(['openDirectory']) });
    expect(String(d.options.title)).toContain('書き出し');
    await expect(trusted({ purpose: 'import' }, 'pickFolder')).resolves.toEqual({ ok: true, result: { path: null } });
    // Answered by main itself: the back end never sees a picker.
    expect(fakeBackend.calls.length).toBe(before);
  });

  it('reads the chosen certificate file and hands over its bytes; refuses a file far too large', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-pick-'));
    writeFileSync(join(dir, 'office.p12'), Buffer.from([0x30, 0x82, 0x01, 0x02]));
    rec.dialogAnswers.push({ canceled: false, filePaths: [join(dir, 'office.p12')] });
    await expect(trusted({}, 'pickCertificate')).resolves.toEqual({ ok: true, result: { path: join(dir, 'office.p12'), name: 'office.p12', p12Base64: 'MIIBAg==' } });
    expect(rec.dialogs.at(-1)!.options.filters).toEqual(expect.arrayContaining([expect.objectContaining({ extensions: ['p12', 'pfx'] })]));
    writeFileSync(join(dir, 'video.p12'), Buffer.alloc(2 * 1024 * 1024));
    rec.dialogAnswers.push({ canceled: false, filePaths: [join(dir, 'video.p12')] });
    await expect(trusted({}, 'pickCertificate')).resolves.toMatchObject({ ok: false, error: { code: 'certificate_too_large' } });
    await expect(trusted({}, 'pickCertificate')).resolves.toEqual({ ok: true, result: null });
  });

  it('opens the folder the back end names in Explorer (shell.openPath)', async () => {
    await expect(trusted({ which: 'export' }, 'openFolder')).resolves.toEqual({ ok: true, result: { path: '/office/export', opened: true } });
    expect(rec.opened).toEqual(['/office/export']);
  });
});

describe('the kept password', () => {
  it('is written only as safeStorage ciphertext, and removed when forgotten', async () => {
    const file = join(rec.userData, 'secret.bin');
    const password = '新しいパスワード-2026';
    fakeBackend.instances[0]!.opts.secrets.set(password);
    await vi.waitFor(() => expect(rec.encrypted).toContain(password));
    await vi.waitFor(() => expect(readFileSync(file)).toEqual(fakeCiphertext(password)));
    const written = readFileSync(file);
    expect(written.includes(Buffer.from(password, 'utf8'))).toBe(false);
    expect(written.toString('latin1')).not.toContain('パスワード');
    fakeBackend.instances[0]!.opts.secrets.clear();
    await vi.waitFor(() => expect(existsSync(file)).toBe(false));
  });
});

describe('start at login', () => {
  it('registers the installed app to start hidden in the tray, and never a development run', async () => {
    await trusted({ startWithWindows: true }, 'saveSettings');
    expect(rec.app.loginItems).toEqual([]);
    rec.app.isPackaged = true;
    try {
      await trusted({ startWithWindows: true }, 'saveSettings');
      await vi.waitFor(() => expect(rec.app.loginItems).toEqual([{ openAtLogin: true, args: ['--hidden'] }]));
      await trusted({ startWithWindows: false }, 'saveSettings');
      await vi.waitFor(() => expect(rec.app.loginItems.at(-1)).toEqual({ openAtLogin: false, args: ['--hidden'] }));
    } finally {
      rec.app.isPackaged = false;
    }
  });
});

describe('the tray', () => {
  it('offers 開く, 今すぐ受信, 送信を一時停止 and 終了', () => {
    expect(tray().menu.map((i) => i.label ?? i.type)).toEqual(['開く', 'separator', '今すぐ受信', '送信を一時停止', 'separator', '終了']);
    expect(tray().tooltip).toContain('ケアプランリンク');
  });

  it('receives now and tells the result', async () => {
    tray().item('今すぐ受信').click!({ checked: false });
    await vi.waitFor(() => expect(rec.notifications).toContainEqual({ title: '今すぐ受信', body: '1 件を受け取り、取り込みました' }));
    expect(fakeBackend.calls.at(-1)).toEqual(['receiveNow', {}]);
  });

  it('pauses and resumes automatic sending, and shows it', async () => {
    tray().item('送信を一時停止').click!({ checked: true });
    await vi.waitFor(() => expect(fakeBackend.calls.at(-1)).toEqual(['saveSettings', { autoSend: false }]));
    await vi.waitFor(() => expect(tray().tooltip).toContain('送信を一時停止しています'));
    expect(tray().item('送信を一時停止').checked).toBe(true);
    tray().item('送信を一時停止').click!({ checked: false });
    await vi.waitFor(() => expect(fakeBackend.calls.at(-1)).toEqual(['saveSettings', { autoSend: true }]));
    await vi.waitFor(() => expect(tray().item('送信を一時停止').checked).toBe(false));
  });

  it('changes its icon and tooltip while something needs attention', async () => {
    expect(tray().image).toBe('tray.png');
    fakeBackend.attention = 2;
    await trusted({ notifications: true }, 'saveSettings');
    await vi.waitFor(() => expect(tray().tooltip).toContain('確認が必要なことが 2 件あります'));
    expect(tray().image).toBe('tray-attention.png');
    fakeBackend.phase = 'locked';
    await trusted({ notifications: true }, 'saveSettings');
    await vi.waitFor(() => expect(tray().tooltip).toContain('証明書のパスワードを入力してください'));
    fakeBackend.attention = 0;
    fakeBackend.phase = 'ready';
    await trusted({ notifications: true }, 'saveSettings');
    await vi.waitFor(() => expect(tray().image).toBe('tray.png'));
    expect(tray().tooltip).not.toContain('確認');
  });
});

describe('closing and quitting', () => {
  it('hides the window on close (exchange goes on), says so once, and the tray opens it again', () => {
    const w = rec.windows[0]!;
    expect(w.userCloses()).toBe(false);
    expect(w.visible).toBe(false);
    expect(w.destroyed).toBe(false);
    w.show();
    w.userCloses();
    expect(rec.notifications.filter((n) => n.title.includes('通知領域'))).toHaveLength(1);
    tray().item('開く').click!({ checked: false });
    expect(w.visible).toBe(true);
    expect(rec.windows).toHaveLength(1);
  });

  it('quits from the tray only after the back end has stopped its agents', async () => {
    const quits = rec.app.quits;
    tray().item('終了').click!({ checked: false });
    expect(rec.app.quits).toBe(quits + 1);
    const event = { preventDefault: vi.fn() };
    rec.app.events.get('before-quit')!(event);
    expect(event.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(rec.app.quits).toBe(quits + 2));
    expect(fakeBackend.stopped).toBe(1);
    expect(rec.backendClosed).toBe(1);
    expect(tray().destroyed).toBe(true);
    // Now a close really closes.
    expect(rec.windows[0]!.userCloses()).toBe(true);
  });
});
