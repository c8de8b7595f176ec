// The back end's side of the MessagePort, in Electron's utility process: it starts the office (or,
// in development only, the demo offices), answers each typed API call that main forwards with the
// same Result envelope as before, runs the background upkeep, and tells main what only main can act
// on — notifications, the tray's status, the password to keep, the login item, a folder to open.
// Nothing here imports electron: tests serve it over an in-memory port under plain Node.
import { join, resolve } from 'node:path';
import { ApiError, dispatchToResult } from '../../shared/api/methods.js';
import { asLocalizedError, failed } from '../../shared/errors.js';
import { AppBackend, toApiError, type BackendOptions } from '../../client/app/backend.js';
import type { SecretStore } from '../../client/app/profile.js';
import { toBackendSchema, type BackendInit, type FromBackend, type OfficeStatus, type PortLike, type ToBackend } from '../port/protocol.js';

const REFRESH_MS = 5_000;

/** After these calls what the tray shows (attention, locked, paused) may have changed. */
const CHANGES_STATUS = new Set(['completeSetup', 'setupDemo', 'unlock', 'updateProfile', 'saveSettings', 'receiveNow', 'sendStaged', 'sendExportFiles']);

/**
 * The password as the utility process knows it: given by main at start (decrypted there with
 * safeStorage), and every change sent back to main to encrypt. Without safeStorage it stays in memory.
 */
export class PortSecretStore implements SecretStore {
  constructor(
    private value: string | null,
    readonly persistent: boolean,
    private readonly send: (password: string | null) => void,
  ) {}
  get(): string | null {
    return this.value;
  }
  set(password: string): void {
    this.value = password;
    if (this.persistent) this.send(password);
  }
  clear(): void {
    this.value = null;
    if (this.persistent) this.send(null);
  }
}

interface Office {
  id: string;
  name: string;
  backend: AppBackend;
}

type Hooks = (office: number | null) => Partial<BackendOptions>;

async function startOffices(init: BackendInit, hooks: Hooks, send: (m: FromBackend) => void): Promise<{ offices: Office[]; close(): Promise<void> }> {
  if (init.mode === 'demo') {
    // The demo offices (embedded relay, public test PKI) exist only in the development bundle: the
    // installer's bundle is built with CPL_PACKAGED_BUILD=1, which removes this branch and its imports.
    if (process.env.CPL_PACKAGED_BUILD !== '1') {
      const { startDemoOffices } = await import('../../client/app/offices.js');
      const demo = await startDemoOffices({ dataDir: init.dataDir, relayUrl: init.relayUrl ?? 'https://127.0.0.1:8443', shell: 'electron', extra: hooks(null) });
      return { offices: demo.backends, close: () => demo.close() };
    }
    throw new ApiError('demo_unavailable', 'この版ではデモ事業所を使えません', 'Demo offices are not part of this build');
  }
  const secrets = new PortSecretStore(init.password, init.persistentSecrets, (password) => send({ type: 'secret', office: 0, password }));
  // What startOffice (client/app/offices.ts) does, without importing it: that module also carries the
  // demo offices and the relay's development PKI, which the installed app must not contain.
  const backend = new AppBackend({ dataDir: join(resolve(init.dataDir), 'office'), shell: 'electron', secrets, ...(init.setupDefaults ? { setupDefaults: init.setupDefaults } : {}), ...hooks(0) });
  await backend.start();
  return { offices: [{ id: 'office', name: 'ケアプランリンク', backend }], close: () => backend.stop() };
}

/** What each office shows in the tray: its phase, how many things need a person, whether sending is paused. */
async function officeStatus(o: Office): Promise<OfficeStatus> {
  const s = await o.backend.handlers.getState({});
  const home = s.phase === 'ready' ? await o.backend.handlers.home({}).catch(() => null) : null;
  return { phase: s.phase, attention: home?.attention.length ?? 0, autoSend: s.settings.autoSend };
}

function untilStopped(port: PortLike, send: (m: FromBackend) => void): Promise<void> {
  return new Promise<void>((done) => {
    port.on('message', (e) => {
      if (toBackendSchema.safeParse(e.data).data?.type !== 'stop') return;
      send({ type: 'stopped' });
      done();
    });
    port.on('close', done);
    port.start();
  });
}

/** Serves the back end on `port` until main says stop (or the port closes); `closed` settles then. */
export async function serveBackend(init: BackendInit, port: PortLike): Promise<{ closed: Promise<void> }> {
  const send = (m: FromBackend) => port.postMessage(m);
  let nextId = 0;
  const opening = new Map<number, (opened: boolean) => void>();
  const hooks: Hooks = (office) => ({
    notify: (event) => send({ type: 'notify', office, event }),
    openPath: (path) =>
      new Promise<boolean>((done) => {
        const id = nextId++;
        opening.set(id, done);
        send({ type: 'openPath', id, path });
      }),
    setStartWithWindows: (on) => send({ type: 'loginItem', openAtLogin: on }),
  });

  let started: Awaited<ReturnType<typeof startOffices>>;
  try {
    started = await startOffices(init, hooks, send);
  } catch (e) {
    // Main shows these words and quits; until then the port still answers a stop.
    send({ type: 'failed', error: toApiError(e).toBody() });
    return { closed: untilStopped(port, send) };
  }
  const { offices } = started;

  let lastStatus = '';
  let statusRun: Promise<void> = Promise.resolve();
  // One status at a time, sent only when it changed: the tray is redrawn only for news.
  const queueStatus = () =>
    (statusRun = statusRun
      .then(async () => {
        const list: OfficeStatus[] = [];
        for (const o of offices) list.push(await officeStatus(o));
        const text = JSON.stringify(list);
        if (text !== lastStatus) {
          lastStatus = text;
          send({ type: 'status', offices: list });
        }
      })
      .catch(() => undefined));

  let upkeepRunning = false;
  const upkeep = async () => {
    if (upkeepRunning) return;
    upkeepRunning = true;
    try {
      for (const o of offices) await o.backend.refresh().catch(() => undefined);
      await queueStatus();
    } finally {
      upkeepRunning = false;
    }
  };
  const timer = setInterval(() => void upkeep(), init.refreshMs ?? REFRESH_MS);

  const call = async ({ id, office, method, payload }: Extract<ToBackend, { type: 'call' }>) => {
    const o = offices[office];
    const envelope = o ? await dispatchToResult(o.backend.handlers, method, payload, toApiError) : failed(new ApiError('unknown_office', '事業所が見つかりません', 'No such office'));
    send({ type: 'result', id, envelope });
    if (CHANGES_STATUS.has(method)) void queueStatus();
  };

  let resolveClosed!: () => void;
  const closed = new Promise<void>((done) => (resolveClosed = done));
  let stopping: Promise<void> | null = null;
  const stop = (answer: boolean) =>
    (stopping ??= (async () => {
      clearInterval(timer);
      await started.close().catch((e: unknown) => process.stderr.write(`careplan-link back end: stop: ${asLocalizedError(e).en}\n`));
      for (const done of opening.values()) done(false);
      opening.clear();
      if (answer) send({ type: 'stopped' });
      resolveClosed();
    })());

  port.on('message', (e) => {
    // Nothing from main is acted on unchecked; a message that does not fit is dropped.
    const parsed = toBackendSchema.safeParse(e.data);
    if (!parsed.success) return;
    const m = parsed.data;
    if (m.type === 'call') void call(m);
    else if (m.type === 'opened') {
      opening.get(m.id)?.(m.opened);
      opening.delete(m.id);
    } else void stop(true);
  });
  port.on('close', () => void stop(false));
  port.start();
  send({ type: 'ready', offices: offices.map(({ id, name }) => ({ id, name })) });
  void queueStatus();
  return { closed };
}
