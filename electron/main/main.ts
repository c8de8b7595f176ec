// Electron's main process, kept thin: windows, the tray, notifications, native dialogs, the single
// instance and the login item. The back end (agent, crypto, file work) runs in a utility process
// (electron/backend/), reached over one MessagePort: every typed API call from a window is checked here
// against the shared schemas and forwarded, and comes back as the back end's Result envelope.
// Bundled twice by scripts/build-electron.mjs: dist/electron-main/ for development (the demo offices,
// CPL_RENDERER_DIR) and dist/electron-app/ for the installer, built with CPL_PACKAGED_BUILD=1, which
// removes both.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, MessageChannelMain, nativeImage, Notification, protocol, safeStorage, session, shell, Tray, utilityProcess, type IpcMainInvokeEvent } from 'electron';
import { ipcChannel, METHOD_NAMES, type MethodName } from '../../shared/api/channels.js';
import { ApiError, parseRequest, type Responses } from '../../shared/api/methods.js';
import { asLocalizedError, failed, ok, type Result } from '../../shared/errors.js';
import { RENDERER_CSP } from '../../shared/api/csp.js';
import type { BackendInit, OfficeStatus } from '../port/protocol.js';
import { BackendClient } from './backendClient.js';
import { dialogHandlers } from './dialogs.js';
import { savePdfHandler } from './savePdf.js';
import { SafeStorageSecretFile } from './secrets.js';
import { PRODUCT, trayLook, trayMenu, type TrayActions } from './tray.js';

// dist/electron-*/ in the bundle (esbuild turns import.meta.url into this file's URL).
const here = dirname(fileURLToPath(import.meta.url));
const SCHEME = 'app';
const ORIGIN = `${SCHEME}://careplan`;
const arg = (name: string, dflt: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
/** Started at login: straight to the tray, no window. */
const hidden = process.argv.includes('--hidden');

protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const primary = app.requestSingleInstanceLock();
if (!primary) app.quit();
// Windows shows notifications only for an app with the installer's AppUserModelID (electron-builder's appId).
if (process.platform === 'win32') app.setAppUserModelId('org.careplan-link.desktop');

let backend: BackendClient | null = null;
let offices: { id: string; name: string }[] = [];
let status: OfficeStatus[] = [];
let secretFile: SafeStorageSecretFile | null = null;
let tray: Tray | null = null;
let quitting = false;
let toldAboutTray = false;
let toldLocked = false;
const crashes: number[] = [];
const windows = new Map<number, { win: BrowserWindow; office: number }>();

function rendererDir(): string {
  // CPL_RENDERER_DIR: the main-process tests point this at a folder of their own. Never in the
  // installed app: what it shows comes from its own package only. (CPL_PACKAGED_BUILD is a constant
  // in the installer's bundle, written out at each use so that esbuild drops the branch.)
  if (process.env.CPL_PACKAGED_BUILD !== '1' && !app.isPackaged && process.env.CPL_RENDERER_DIR) return process.env.CPL_RENDERER_DIR;
  return join(here, '..', 'renderer');
}

/** Icons are copied beside the bundle (build/ is not packed into the app). */
const icon = (name: string) => nativeImage.createFromPath(join(here, name));

function notify(office: number | null, title: string, body: string): void {
  if (!Notification.isSupported()) return;
  const n = new Notification({ title, body });
  n.on('click', () => openWindow(office ?? 0));
  n.show();
}

function createWindow(office: number): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    title: offices.length > 1 ? `${PRODUCT} — ${offices[office]?.name ?? ''}` : PRODUCT,
    webPreferences: { preload: join(here, 'preload.cjs'), contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false },
  });
  const id = win.webContents.id;
  windows.set(id, { win, office });
  win.on('close', (e) => {
    // Closing hides the window: exchange goes on in the tray, and 終了 in the tray's menu quits.
    if (quitting) return;
    e.preventDefault();
    win.hide();
    if (!toldAboutTray) {
      toldAboutTray = true;
      notify(office, `${PRODUCT}は通知領域で動き続けます`, '受け取りと送信はこのまま続きます。終了するには、画面右下の通知領域のアイコンを右クリックして「終了」を選んでください。');
    }
  });
  win.on('closed', () => windows.delete(id));
  // Navigation and new windows are blocked: the app is one page; links to the web open outside.
  win.webContents.on('will-navigate', (ev, url) => {
    if (!url.startsWith(`${ORIGIN}/`)) ev.preventDefault();
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  void win.loadURL(`${ORIGIN}/index.html`);
  showOverlay(win);
  return win;
}

function openWindow(office = 0): void {
  const win = [...windows.values()].find((w) => w.office === office)?.win ?? createWindow(office);
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

function trustedSender(e: IpcMainInvokeEvent): { win: BrowserWindow; office: number } | null {
  const url = e.senderFrame?.url ?? '';
  if (!url.startsWith(`${ORIGIN}/`)) return null;
  return windows.get(e.sender.id) ?? null;
}

async function handle(m: MethodName, e: IpcMainInvokeEvent, payload: unknown): Promise<Result<unknown>> {
  // Every call answers with a Result envelope and never throws: Electron would flatten a thrown
  // error into a message string. Only the readable body crosses: never a stack, never key material.
  const sender = trustedSender(e);
  if (!sender) return failed(new ApiError('untrusted', '許可されていない画面からの呼び出しです', 'call from an untrusted frame'));
  if (m === 'pickFolder' || m === 'pickCertificate' || m === 'savePdf') {
    const parsed = parseRequest(m, payload);
    if (!parsed.ok) return failed(parsed.error);
    const pick = (m === 'savePdf' ? savePdfHandler({ dialog, parent: sender.win, contents: sender.win.webContents, defaultDir: app.getPath('documents') }) : dialogHandlers(dialog, sender.win)[m]) as (r: unknown) => Promise<unknown>;
    try {
      return ok(await pick(parsed.value));
    } catch (err) {
      return failed(asLocalizedError(err));
    }
  }
  if (!backend) return failed(new ApiError('not_started', 'アプリの本体を起動しています。少し待ってください', 'The app back end is starting'));
  return backend.call(sender.office, m, payload);
}

async function receiveNow(): Promise<void> {
  for (const i of offices.keys()) {
    const r = await (backend?.call(i, 'receiveNow', {}) ?? Promise.resolve(null));
    if (r) notify(i, '今すぐ受信', r.ok ? (r.result as Responses['receiveNow']).message.ja : r.error.ja);
  }
}

async function setPaused(paused: boolean): Promise<void> {
  status = status.map((s) => ({ ...s, autoSend: !paused }));
  updateTray();
  for (const i of offices.keys()) await backend?.call(i, 'saveSettings', { autoSend: !paused });
}

const trayActions: TrayActions = { open: openWindow, receiveNow: () => void receiveNow(), setPaused: (p) => void setPaused(p), quit: () => app.quit() };

function showOverlay(win: BrowserWindow): void {
  // The taskbar button's badge (Windows only): the same signal as the tray's icon.
  if (process.platform !== 'win32') return;
  const { attention } = trayLook(status);
  win.setOverlayIcon(attention ? icon('tray-attention.png') : null, attention ? '確認が必要なことがあります' : '');
}

function updateTray(): void {
  if (!tray) return;
  const look = trayLook(status);
  tray.setImage(icon(look.attention ? 'tray-attention.png' : 'tray.png'));
  tray.setToolTip(look.tooltip);
  tray.setContextMenu(Menu.buildFromTemplate(trayMenu(offices, status, trayActions)));
  for (const { win } of windows.values()) showOverlay(win);
}

function onStatus(next: OfficeStatus[]): void {
  status = next;
  updateTray();
  // Started at login with no window: say once that the password is needed, or nothing will move.
  if (hidden && !toldLocked && next.some((s) => s.phase === 'locked')) {
    toldLocked = true;
    notify(next.findIndex((s) => s.phase === 'locked'), PRODUCT, '証明書のパスワードの入力が必要です。通知領域のアイコンから開いてください。');
  }
}

function setLoginItem(openAtLogin: boolean): void {
  // Only the installed app registers itself: a development run would register the bare Electron binary.
  if (!app.isPackaged) return;
  app.setLoginItemSettings({ openAtLogin, args: ['--hidden'] });
}

function startBackend(init: BackendInit): BackendClient {
  const { port1, port2 } = new MessageChannelMain();
  const child = utilityProcess.fork(join(here, 'backend.cjs'), [], { serviceName: `${PRODUCT} 本体`, stdio: 'inherit' });
  // The password travels only in this message, never in argv or the environment.
  child.postMessage(init, [port2]);
  const client = new BackendClient(port1, {
    notify: (office, e) => notify(office, e.title.ja, e.body.ja),
    status: onStatus,
    secret: (_office, password) => secretFile?.write(password),
    loginItem: setLoginItem,
    openPath: async (p) => (await shell.openPath(p)) === '',
  });
  child.on('exit', (code) => {
    client.gone();
    if (quitting || backend !== client) return;
    // A crash: start it again (windows keep working), unless it keeps crashing.
    const now = Date.now();
    crashes.push(now);
    while (crashes.length && crashes[0]! < now - 60_000) crashes.shift();
    if (crashes.length > 3) {
      dialog.showErrorBox(PRODUCT, `アプリの本体が何度も止まりました（終了コード ${code}）。アプリを起動し直してください。`);
      quitting = true;
      app.quit();
      return;
    }
    backend = startBackend(init.mode === 'office' ? { ...init, password: secretFile?.read() ?? null } : init);
  });
  return client;
}

function buildMenu(): void {
  const template = [
    { label: 'ファイル', submenu: [{ label: '今すぐ受信', click: () => void receiveNow() }, { type: 'separator' as const }, { label: '終了', role: 'quit' as const }] },
    { label: '編集', submenu: [{ label: '元に戻す', role: 'undo' as const }, { label: 'やり直し', role: 'redo' as const }, { type: 'separator' as const }, { label: '切り取り', role: 'cut' as const }, { label: 'コピー', role: 'copy' as const }, { label: '貼り付け', role: 'paste' as const }, { label: 'すべて選択', role: 'selectAll' as const }] },
    { label: '表示', submenu: [{ label: '再読み込み', role: 'reload' as const }, { label: '拡大', role: 'zoomIn' as const }, { label: '縮小', role: 'zoomOut' as const }, { label: '実際のサイズ', role: 'resetZoom' as const }] },
    { label: 'ヘルプ', submenu: [{ label: 'ケアプランリンクについて', click: () => void dialog.showMessageBox({ message: `${PRODUCT} ${app.getVersion()}`, detail: 'ケアプランデータ連携のためのオープンなクライアント' }) }] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function refuse(message: string): void {
  process.stderr.write(`careplan-link: ${message}\n`);
  dialog.showErrorBox(PRODUCT, message);
  quitting = true;
  app.exit(2);
}

async function ready(): Promise<void> {
  if (!primary) return;
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

  // `careplan-link app` (npm start) runs the embedded relay in Node and asks for its two demo offices.
  // An installed app serves one real office, set up on first run against its own service.
  const embedded = process.argv.includes('--embedded');
  if (embedded && (process.env.CPL_PACKAGED_BUILD === '1' || app.isPackaged)) return refuse('この版ではデモ事業所（--embedded）は使えません。');
  let init: BackendInit;
  if (process.env.CPL_PACKAGED_BUILD !== '1' && embedded) {
    init = { type: 'init', mode: 'demo', dataDir: arg('data', join(app.getPath('userData'), 'demo')), relayUrl: arg('relay-url', 'https://127.0.0.1:8443'), password: null, persistentSecrets: false };
  } else {
    const dataDir = arg('data', app.getPath('userData'));
    const documents = app.getPath('documents');
    secretFile = new SafeStorageSecretFile(join(dataDir, 'secret.bin'), safeStorage);
    init = {
      type: 'init',
      mode: 'office',
      dataDir,
      setupDefaults: { relayUrl: 'https://', exportDir: join(documents, PRODUCT, '書き出し'), importDir: join(documents, PRODUCT, '取り込み') },
      password: secretFile.read(),
      persistentSecrets: secretFile.available,
    };
  }

  for (const m of METHOD_NAMES) ipcMain.handle(ipcChannel(m), (e, payload: unknown) => handle(m, e, payload));
  backend = startBackend(init);
  try {
    offices = await backend.ready;
  } catch (e) {
    return refuse(`アプリの本体を起動できませんでした: ${asLocalizedError(e).ja}`);
  }
  buildMenu();
  tray = new Tray(icon('tray.png'));
  // Windows: a click on the tray icon opens the window; the menu is on the right button.
  tray.on('click', () => openWindow(0));
  updateTray();
  if (!hidden) offices.forEach((_o, i) => createWindow(i));
}

app.on('second-instance', () => openWindow(0));
app.on('web-contents-created', (_e, wc) => wc.on('will-attach-webview', (ev) => ev.preventDefault()));
// Closing the windows keeps the app in the tray: exchange goes on in the background.
app.on('window-all-closed', () => undefined);
// Quitting waits for the agents to finish their pass and close the spool cleanly.
app.on('before-quit', (e) => {
  if (quitting || !backend) return;
  e.preventDefault();
  quitting = true;
  void backend.stop().finally(() => {
    tray?.destroy();
    app.quit();
  });
});
void app.whenReady().then(ready);
