// Electron's main process, kept thin: windows, tray, single instance, notifications, menus, start with
// Windows. Everything else is the same core as `careplan-link agent` (client/), reached through
// the typed API handlers. Bundled to dist/electron-main/main.cjs (see scripts/build-electron.mjs).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, Notification, protocol, safeStorage, session, shell, Tray, type IpcMainInvokeEvent } from 'electron';
import { ipcChannel, METHOD_NAMES } from '../../shared/api/channels.js';
import { ApiError, dispatchToResult } from '../../shared/api/methods.js';
import { failed, type Result } from '../../shared/errors.js';
import { startDemoOffices, startOffice, type AppBackends } from '../../client/app/offices.js';
import { RENDERER_CSP } from '../../client/bridge/server.js';
import type { AppEvent } from '../../client/app/backend.js';
import { toApiError } from '../../client/app/errors.js';
import type { SecretStore } from '../../client/app/profile.js';

// dist/electron-main/ in the bundle (esbuild turns import.meta.url into this file's URL).
const here = dirname(fileURLToPath(import.meta.url));
const SCHEME = 'app';
const ORIGIN = `${SCHEME}://careplan`;
const arg = (name: string, dflt: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;

protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

/** The certificate password, encrypted by the OS (DPAPI on Windows) through safeStorage. */
class SafeStorageSecrets implements SecretStore {
  constructor(private readonly file: string) {}
  get(): string | null {
    if (!existsSync(this.file) || !safeStorage.isEncryptionAvailable()) return null;
    try {
      return safeStorage.decryptString(readFileSync(this.file));
    } catch {
      return null;
    }
  }
  set(password: string): void {
    if (safeStorage.isEncryptionAvailable()) writeFileSync(this.file, safeStorage.encryptString(password), { mode: 0o600 });
  }
  clear(): void {
    if (existsSync(this.file)) writeFileSync(this.file, '');
  }
}

if (!app.requestSingleInstanceLock()) app.quit();

let embedded: AppBackends | null = null;
let tray: Tray | null = null;
const windows = new Map<number, { win: BrowserWindow; backendIndex: number }>();

function rendererDir(): string {
  // CPL_RENDERER_DIR: the main-process tests point this at a folder of their own.
  return process.env.CPL_RENDERER_DIR ?? join(here, '..', 'renderer');
}

function notify(e: AppEvent): void {
  if (Notification.isSupported()) new Notification({ title: e.title.ja, body: e.body.ja }).show();
}

function createWindow(backendIndex: number): BrowserWindow {
  const b = embedded!.backends[backendIndex]!;
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    title: `ケアプランリンク — ${b.name}`,
    webPreferences: { preload: join(here, 'preload.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false },
  });
  windows.set(win.webContents.id, { win, backendIndex });
  win.on('closed', () => windows.delete(win.webContents.id));
  // Navigation and new windows are blocked: the app is one page; links to the web open outside.
  win.webContents.on('will-navigate', (ev, url) => {
    if (!url.startsWith(`${ORIGIN}/`)) ev.preventDefault();
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  void win.loadURL(`${ORIGIN}/index.html`);
  return win;
}

function trustedSender(e: IpcMainInvokeEvent): number | null {
  const url = e.senderFrame?.url ?? '';
  if (!url.startsWith(`${ORIGIN}/`)) return null;
  return windows.get(e.sender.id)?.backendIndex ?? null;
}

function buildMenu(): void {
  const template = [
    { label: 'ファイル', submenu: [{ label: '今すぐ受信', click: () => void Promise.all(embedded!.backends.map((b) => b.backend.handlers.receiveNow({}).catch(() => undefined))) }, { type: 'separator' as const }, { label: '終了', role: 'quit' as const }] },
    { label: '編集', submenu: [{ label: '元に戻す', role: 'undo' as const }, { label: 'やり直し', role: 'redo' as const }, { type: 'separator' as const }, { label: '切り取り', role: 'cut' as const }, { label: 'コピー', role: 'copy' as const }, { label: '貼り付け', role: 'paste' as const }, { label: 'すべて選択', role: 'selectAll' as const }] },
    { label: '表示', submenu: [{ label: '再読み込み', role: 'reload' as const }, { label: '拡大', role: 'zoomIn' as const }, { label: '縮小', role: 'zoomOut' as const }, { label: '実際のサイズ', role: 'resetZoom' as const }] },
    { label: 'ヘルプ', submenu: [{ label: 'ケアプランリンクについて', click: () => void dialog.showMessageBox({ message: `ケアプランリンク ${app.getVersion()}`, detail: 'ケアプランデータ連携のためのオープンなクライアント' }) }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

async function ready(): Promise<void> {
  // The app's own files only; every permission request (camera, notifications from the page …) is denied.
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } }));
  protocol.handle(SCHEME, (req) => {
    const url = new URL(req.url);
    const root = normalize(rendererDir());
    const file = normalize(join(root, decodeURIComponent(url.pathname)));
    if (!file.startsWith(root + sep) || !existsSync(file)) return new Response('not found', { status: 404 });
    const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };
    return new Response(readFileSync(file), { headers: { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'content-security-policy': RENDERER_CSP } });
  });

  const extra = {
    openPath: async (p: string) => (await shell.openPath(p)) === '',
    notify,
    setStartWithWindows: (on: boolean) => app.setLoginItemSettings({ openAtLogin: on }),
  };
  // `careplan-link app` (npm start) runs the embedded relay in Node and asks for its two demo offices
  // here. An installed app serves one real office, set up on first run against its own service.
  if (process.argv.includes('--embedded')) {
    embedded = await startDemoOffices({
      dataDir: arg('data', join(app.getPath('userData'), 'demo')),
      relayUrl: arg('relay-url', 'https://127.0.0.1:8443'),
      shell: 'electron',
      secretsFor: (_id, dir) => new SafeStorageSecrets(join(dir, 'secret.bin')),
      extra,
    });
  } else {
    const dataDir = arg('data', app.getPath('userData'));
    const documents = app.getPath('documents');
    embedded = await startOffice({
      dataDir,
      shell: 'electron',
      secrets: new SafeStorageSecrets(join(dataDir, 'secret.bin')),
      extra,
      setupDefaults: { relayUrl: 'https://', exportDir: join(documents, 'ケアプランリンク', '書き出し'), importDir: join(documents, 'ケアプランリンク', '取り込み') },
    });
  }

  for (const m of METHOD_NAMES) {
    // Every call answers with a Result envelope and never throws: Electron would flatten a thrown
    // error into a message string. Only the readable body crosses: never a stack, never key material.
    ipcMain.handle(ipcChannel(m), async (e, payload: unknown): Promise<Result<unknown>> => {
      const index = trustedSender(e);
      if (index === null) return failed(new ApiError('untrusted', '許可されていない画面からの呼び出しです', 'call from an untrusted frame'));
      return dispatchToResult(embedded!.backends[index]!.backend.handlers, m, payload, toApiError);
    });
  }
  buildMenu();
  embedded.backends.forEach((_b, i) => createWindow(i));
  setInterval(() => embedded?.backends.forEach((b) => void b.backend.refresh()), 5_000);

  tray = new Tray(nativeImage.createFromPath(join(here, '..', '..', 'build', 'icon.png')));
  tray.setToolTip('ケアプランリンク');
  tray.setContextMenu(
    Menu.buildFromTemplate([
      ...embedded.backends.map((b, i) => ({ label: `${b.name} を開く`, click: () => ([...windows.values()].find((w) => w.backendIndex === i)?.win ?? createWindow(i)).show() })),
      { type: 'separator' },
      { label: '終了', click: () => app.quit() },
    ]),
  );
}

app.on('second-instance', () => {
  const first = [...windows.values()][0]?.win;
  if (first) {
    if (first.isMinimized()) first.restore();
    first.focus();
  }
});
app.on('web-contents-created', (_e, wc) => wc.on('will-attach-webview', (ev) => ev.preventDefault()));
// Closing the windows keeps the app in the tray: exchange goes on in the background.
app.on('window-all-closed', () => undefined);
// Quitting waits for the agents to finish their pass and close the spool cleanly.
let quitting = false;
app.on('before-quit', (e) => {
  if (quitting || !embedded) return;
  e.preventDefault();
  quitting = true;
  void embedded.close().finally(() => app.quit());
});
void app.whenReady().then(ready);
