// Loaded with `node -r` before the bundled main process (dist/electron-main/main.cjs): answers
// require('electron') with a recording fake, then reports what main registered and exits.
const Module = require('node:module');
const seen = { channels: [], windows: [], ready: false };
const done = () => {
  process.stdout.write(JSON.stringify(seen) + '\n');
  process.exit(0);
};
class BrowserWindow {
  constructor(options) {
    seen.windows.push(options.webPreferences);
    this.webContents = { id: seen.windows.length, on() {}, setWindowOpenHandler() {} };
  }
  on() {}
  loadURL(url) {
    seen.url = url;
    return Promise.resolve();
  }
}
const electron = {
  app: {
    requestSingleInstanceLock: () => true,
    whenReady: () => Promise.resolve(),
    on() {},
    quit() {},
    getPath: (name) => require('node:path').join(process.env.CPL_FAKE_USERDATA, name),
    getVersion: () => '0.0.0',
    setLoginItemSettings() {},
  },
  BrowserWindow,
  ipcMain: { handle: (ch) => seen.channels.push(ch) },
  protocol: { registerSchemesAsPrivileged() {}, handle() {} },
  session: { defaultSession: { setPermissionRequestHandler() {}, webRequest: { onHeadersReceived() {} } } },
  Menu: { buildFromTemplate: (t) => t, setApplicationMenu() {} },
  Tray: class {
    setToolTip() {}
    setContextMenu() {
      // The tray is the last thing ready() sets up.
      seen.ready = true;
      setTimeout(done, 50);
    }
  },
  nativeImage: { createFromPath: () => ({}) },
  Notification: class {
    static isSupported() {
      return false;
    }
  },
  safeStorage: { isEncryptionAvailable: () => false },
  shell: { openPath: async () => '' },
  dialog: { showMessageBox: async () => ({}) },
};
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'electron') return electron;
  if (request === 'better-sqlite3') throw new Error('the Electron main process must not load better-sqlite3');
  return load.call(this, request, ...rest);
};
setTimeout(() => {
  process.stdout.write(JSON.stringify({ ...seen, timeout: true }) + '\n');
  process.exit(1);
}, 20_000);
