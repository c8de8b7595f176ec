// A recording stand-in for the electron module (its binary cannot be installed here, and no test may
// launch it): what main asks of Electron is kept in `rec` for the tests to check. The utility process
// is served in this process: fork() hands the init and the port to the real back end host
// (electron/backend/host.ts) over an in-memory MessageChannel that copies messages like Electron's.
// Use: vi.mock('electron', async () => (await import('./testing/fakeElectron.js')).electron).
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { memoryChannel } from '../../port/memoryChannel.js';
import type { PortLike } from '../../port/protocol.js';

type Fn = (...a: unknown[]) => unknown;

export class FakeWindow extends EventEmitter {
  visible = true;
  minimized = false;
  destroyed = false;
  url: string | null = null;
  openHandler: (() => unknown) | null = null;
  overlays: (string | null)[] = [];
  readonly webContents: { id: number; events: Map<string, Fn>; on: (ev: string, fn: Fn) => void; setWindowOpenHandler: (fn: () => unknown) => void };
  constructor(readonly options: Record<string, unknown>) {
    super();
    rec.windows.push(this);
    const events = new Map<string, Fn>();
    this.webContents = { id: rec.windows.length, events, on: (ev, fn) => events.set(ev, fn), setWindowOpenHandler: (fn) => (this.openHandler = fn) };
  }
  loadURL(url: string): Promise<void> {
    this.url = url;
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {}
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  setOverlayIcon(image: { path: string } | null): void {
    this.overlays.push(image?.path ?? null);
  }
  /** What a click on the window's close box does: `close` (which main may cancel), then `closed`. */
  userCloses(): boolean {
    let cancelled = false;
    this.emit('close', { preventDefault: () => (cancelled = true) });
    if (!cancelled) {
      this.destroyed = true;
      this.emit('closed');
    }
    return !cancelled;
  }
}

export class FakeTray extends EventEmitter {
  tooltip = '';
  image = '';
  menu: { label?: string; type?: string; checked?: boolean; click?: (item: { checked: boolean }) => void }[] = [];
  destroyed = false;
  constructor(image: { path: string }) {
    super();
    this.image = image.path;
    rec.trays.push(this);
  }
  setToolTip(t: string): void {
    this.tooltip = t;
  }
  setImage(image: { path: string }): void {
    this.image = image.path;
  }
  setContextMenu(menu: FakeTray['menu']): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
  item(label: string) {
    const found = this.menu.find((i) => i.label === label);
    if (!found) throw new Error(`no tray item ${label}`);
    return found;
  }
}

class FakeUtility extends EventEmitter {
  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly options: Record<string, unknown>,
  ) {
    super();
  }
  init: Record<string, unknown> | null = null;
  postMessage(message: Record<string, unknown>, transfer: PortLike[] = []): void {
    this.init = message;
    const port = transfer[0]!;
    // The real back end host, as the utility process would run it.
    void import('../../backend/host.js').then(async ({ serveBackend }) => {
      const { backendInitSchema } = await import('../../port/protocol.js');
      const served = await serveBackend(backendInitSchema.parse(message), port);
      await served.closed;
      rec.backendClosed++;
    });
  }
  kill(): void {
    this.emit('exit', 0);
  }
}

export const rec = {
  app: { isPackaged: false, quits: 0, exits: [] as number[], loginItems: [] as unknown[], events: new Map<string, Fn>() },
  userData: '/tmp/careplan-link-main-test',
  windows: [] as FakeWindow[],
  trays: [] as FakeTray[],
  forks: [] as FakeUtility[],
  ipc: new Map<string, (e: unknown, payload: unknown) => Promise<unknown>>(),
  permission: null as null | ((wc: unknown, perm: string, cb: (ok: boolean) => void) => void),
  headers: null as null | ((d: { responseHeaders: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void),
  schemes: [] as unknown[],
  protocolHandler: null as null | ((req: { url: string }) => Response),
  menus: [] as unknown[],
  notifications: [] as { title: string; body: string }[],
  opened: [] as string[],
  dialogs: [] as { parent: unknown; options: Record<string, unknown> }[],
  dialogAnswers: [] as { canceled: boolean; filePaths: string[] }[],
  errorBoxes: [] as string[],
  /** Every plain text given to safeStorage.encryptString. */
  encrypted: [] as string[],
  backendClosed: 0,
};

/** What the fake safeStorage makes of a text: recognisably not the text itself. */
export const fakeCiphertext = (plain: string): Buffer => Buffer.concat([Buffer.from('DPAPI:'), Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)]);
const fakeDecrypt = (c: Buffer): string => {
  if (!c.subarray(0, 6).equals(Buffer.from('DPAPI:'))) throw new Error('not ours');
  return Buffer.from(c.subarray(6).map((b) => b ^ 0x5a)).toString('utf8');
};

class MessageChannelMain {
  readonly port1: PortLike;
  readonly port2: PortLike;
  constructor() {
    ({ port1: this.port1, port2: this.port2 } = memoryChannel());
  }
}

export const electron = {
  app: {
    get isPackaged() {
      return rec.app.isPackaged;
    },
    requestSingleInstanceLock: () => true,
    whenReady: () => Promise.resolve(),
    on: (ev: string, fn: Fn) => rec.app.events.set(ev, fn),
    quit: () => {
      rec.app.quits++;
    },
    exit: (code: number) => rec.app.exits.push(code),
    getPath: (name: string) => join(rec.userData, name === 'userData' ? '' : name),
    getVersion: () => '0.0.0',
    setLoginItemSettings: (s: unknown) => rec.app.loginItems.push(s),
    setAppUserModelId: () => undefined,
  },
  BrowserWindow: FakeWindow,
  ipcMain: { handle: (ch: string, fn: (e: unknown, p: unknown) => Promise<unknown>) => rec.ipc.set(ch, fn) },
  protocol: { registerSchemesAsPrivileged: (s: unknown) => rec.schemes.push(s), handle: (_s: string, fn: (req: { url: string }) => Response) => (rec.protocolHandler = fn) },
  session: { defaultSession: { setPermissionRequestHandler: (fn: typeof rec.permission) => (rec.permission = fn), webRequest: { onHeadersReceived: (fn: typeof rec.headers) => (rec.headers = fn) } } },
  Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: (m: unknown) => rec.menus.push(m) },
  Tray: FakeTray,
  nativeImage: { createFromPath: (path: string) => ({ path: path.split(/[\\/]/).pop() }) },
  Notification: class extends EventEmitter {
    static isSupported = () => true;
    constructor(readonly o: { title: string; body: string }) {
      super();
    }
    show(): void {
      rec.notifications.push(this.o);
    }
  },
  safeStorage: {
    isEncryptionAvailable: () => true,
    encryptString: (plain: string) => (rec.encrypted.push(plain), fakeCiphertext(plain)),
    decryptString: fakeDecrypt,
    getSelectedStorageBackend: () => 'gnome_libsecret',
  },
  shell: { openPath: async (p: string) => (rec.opened.push(p), '') },
  dialog: {
    showMessageBox: async () => ({}),
    showErrorBox: (_title: string, body: string) => rec.errorBoxes.push(body),
    showOpenDialog: async (parent: unknown, options?: Record<string, unknown>) => {
      rec.dialogs.push(options ? { parent, options } : { parent: null, options: parent as Record<string, unknown> });
      return rec.dialogAnswers.shift() ?? { canceled: true, filePaths: [] };
    },
  },
  utilityProcess: {
    fork: (modulePath: string, args: string[] = [], options: Record<string, unknown> = {}) => {
      const child = new FakeUtility(modulePath, args, options);
      rec.forks.push(child);
      return child;
    },
  },
  MessageChannelMain,
};
