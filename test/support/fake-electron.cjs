// Loaded with `node -r` before a bundled Electron main process (dist/electron-*/main.cjs): answers
// require('electron') with a recording fake. utilityProcess.fork starts the bundled back end
// (backend.cjs) as a real Node child process with this same file preloaded, where it plays the
// utility process's side: process.parentPort, and the transferred MessagePort carried over Node's
// IPC channel (structured clone). Once main has set up its tray, the fake asks the back end for its
// state through main's own IPC handler, then quits the app the way the tray's 終了 does, and prints
// what it saw as one JSON line.
// Environment: CPL_FAKE_USERDATA (app.getPath root), CPL_FAKE_PACKAGED=1 (app.isPackaged).
const Module = require('node:module');
const { EventEmitter } = require('node:events');
const path = require('node:path');

const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'better-sqlite3') throw new Error('the Electron app must not load better-sqlite3');
  if (request === 'electron') {
    if (process.env.CPL_FAKE_ROLE === 'utility') throw new Error('the back end must not need the electron module');
    return electron;
  }
  return load.call(this, request, ...rest);
};

/** One end of a MessagePort whose other end is across Node's IPC channel. */
class FakePort extends EventEmitter {
  constructor() {
    super();
    this.send = null;
    this.outbox = [];
    this.started = false;
    this.inbox = [];
  }
  link(send) {
    this.send = send;
    for (const m of this.outbox.splice(0)) send(m);
  }
  postMessage(m) {
    if (this.send) this.send(m);
    else this.outbox.push(m);
  }
  deliver(data) {
    if (this.started) this.emit('message', { data, ports: [] });
    else this.inbox.push(data);
  }
  start() {
    this.started = true;
    for (const data of this.inbox.splice(0)) this.emit('message', { data, ports: [] });
  }
  close() {
    this.emit('close');
  }
}

if (process.env.CPL_FAKE_ROLE === 'utility') {
  // The utility process's side.
  const parentPort = new EventEmitter();
  const port = new FakePort();
  port.link((data) => process.send({ kind: 'port', data }));
  process.parentPort = parentPort;
  process.on('message', (m) => {
    if (m.kind === 'init') parentPort.emit('message', { data: m.data, ports: [port] });
    else if (m.kind === 'port') port.deliver(m.data);
  });
  process.on('disconnect', () => port.close());
  return;
}

const seen = { channels: [], windows: [], titles: [], forks: [], loginItems: [], errorBoxes: [], ready: false, childExit: null, state: null };
const report = (extra = {}) => process.stdout.write(JSON.stringify({ ...seen, ...extra }) + '\n');
const handlers = new Map();
const appEvents = new Map();
let child = null;
let quitAskedAt = 0;

class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    seen.windows.push(options.webPreferences);
    seen.titles.push(options.title);
    this.webContents = { id: seen.windows.length, on() {}, setWindowOpenHandler() {} };
  }
  loadURL(url) {
    seen.url = url;
    return Promise.resolve();
  }
  show() {}
  hide() {}
  focus() {}
  isMinimized() {
    return false;
  }
  setOverlayIcon() {}
}

async function script() {
  // A call as the first window makes it: through main's check, the port and the real back end.
  const getState = handlers.get('careplan:getState');
  seen.state = getState ? await getState({ senderFrame: { url: 'app://careplan/index.html' }, sender: { id: 1 } }, {}) : null;
  // 終了 from the tray: before-quit, which waits for the back end to stop its agents.
  quitAskedAt = Date.now();
  appEvents.get('before-quit')({ preventDefault() {} });
}

class UtilityChild extends EventEmitter {
  constructor(modulePath, args) {
    super();
    seen.forks.push(path.basename(modulePath));
    this.proc = require('node:child_process').fork(modulePath, args, {
      execArgv: ['-r', __filename],
      env: { ...process.env, CPL_FAKE_ROLE: 'utility' },
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.proc.on('exit', (code) => {
      seen.childExit = code;
      this.emit('exit', code ?? 0);
    });
  }
  postMessage(init, [transferred]) {
    // The transferred end now lives in the child: main's end (its peer) talks to it over IPC.
    const mainSide = transferred.peer;
    mainSide.link((data) => this.proc.connected && this.proc.send({ kind: 'port', data }));
    this.proc.on('message', (m) => m.kind === 'port' && mainSide.deliver(m.data));
    this.proc.send({ kind: 'init', data: init });
  }
  kill() {
    this.proc.kill();
  }
}

const electron = {
  app: {
    get isPackaged() {
      return process.env.CPL_FAKE_PACKAGED === '1';
    },
    requestSingleInstanceLock: () => true,
    whenReady: () => Promise.resolve(),
    on: (ev, fn) => appEvents.set(ev, fn),
    quit() {
      // Main's own quit, once the back end has answered `stopped` (or after its 15 s grace).
      seen.quitMs = Date.now() - quitAskedAt;
      const finish = () => {
        report();
        process.exit(0);
      };
      if (!child || child.proc.exitCode !== null) finish();
      else child.proc.once('exit', finish);
    },
    exit(code) {
      report({ exitCode: code });
      process.exit(0);
    },
    getPath: (name) => path.join(process.env.CPL_FAKE_USERDATA, name === 'userData' ? '' : name),
    getVersion: () => '0.0.0',
    setLoginItemSettings: (s) => seen.loginItems.push(s),
    setAppUserModelId() {},
  },
  BrowserWindow,
  ipcMain: {
    handle: (ch, fn) => {
      seen.channels.push(ch);
      handlers.set(ch, fn);
    },
  },
  protocol: { registerSchemesAsPrivileged() {}, handle() {} },
  session: { defaultSession: { setPermissionRequestHandler() {}, webRequest: { onHeadersReceived() {} } } },
  Menu: { buildFromTemplate: (t) => t, setApplicationMenu() {} },
  Tray: class extends EventEmitter {
    setToolTip(t) {
      seen.tooltip = t;
    }
    setImage() {}
    setContextMenu(menu) {
      seen.trayMenu = menu.map((i) => i.label ?? i.type);
      if (seen.ready) return;
      // The tray comes just before the windows; then the script runs.
      seen.ready = true;
      setTimeout(() => void script(), 50);
    }
    destroy() {}
  },
  nativeImage: { createFromPath: (p) => ({ path: p }) },
  Notification: class extends EventEmitter {
    static isSupported() {
      return false;
    }
    show() {}
  },
  safeStorage: { isEncryptionAvailable: () => true, encryptString: (s) => Buffer.from(`enc:${s}`), decryptString: (b) => b.toString().slice(4), getSelectedStorageBackend: () => 'gnome_libsecret' },
  shell: { openPath: async () => '' },
  dialog: { showMessageBox: async () => ({}), showErrorBox: (_t, body) => seen.errorBoxes.push(body), showOpenDialog: async () => ({ canceled: true, filePaths: [] }) },
  utilityProcess: {
    fork(modulePath, args) {
      child = new UtilityChild(modulePath, args);
      return child;
    },
  },
  MessageChannelMain: class {
    constructor() {
      this.port1 = new FakePort();
      this.port2 = new FakePort();
      this.port1.peer = this.port2;
      this.port2.peer = this.port1;
    }
  },
};

setTimeout(() => {
  report({ timeout: true });
  process.exit(1);
}, 40_000);
