// A stand-in for the AppBackend class for main's tests: the real back end host serves it over the
// port, so a call goes window → IPC → main → MessagePort → host → this. It records what it is asked
// (but not the host's own status polling) and uses the hooks main's side provides (login item,
// opening a folder, the password store) the way the real back end does.
import { ApiError, type Handlers } from '../../../shared/api/methods.js';
import type { BackendOptions } from '../../../client/app/backend.js';

export const fakeBackend = {
  calls: [] as [string, unknown][],
  instances: [] as FakeAppBackend[],
  phase: 'ready' as 'setup' | 'locked' | 'ready',
  autoSend: true,
  /** The home screen's attention items; null: home fails the way a bug would. */
  attention: null as number | null,
  stopped: 0,
};

export class FakeAppBackend {
  readonly handlers: Handlers;
  constructor(readonly opts: BackendOptions) {
    fakeBackend.instances.push(this);
    this.handlers = new Proxy({} as Handlers, { get: (_t, m: string) => (req: unknown) => this.handle(m, req) });
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {
    fakeBackend.stopped++;
  }
  async refresh(): Promise<void> {}

  private async handle(m: string, req: unknown): Promise<unknown> {
    if (m === 'getState') return { phase: fakeBackend.phase, settings: { autoSend: fakeBackend.autoSend } };
    if (m === 'home') {
      if (fakeBackend.attention === null) throw new Error('disk on fire');
      return { attention: new Array(fakeBackend.attention).fill({}) };
    }
    fakeBackend.calls.push([m, req]);
    const r = req as Record<string, unknown>;
    // unlock fails the way the back end words its refusals.
    if (m === 'unlock') throw new ApiError('P12_WRONG_PASSWORD', '証明書ファイルのパスワードが違います', 'Wrong password for the certificate file');
    if (m === 'saveSettings') {
      if (typeof r.autoSend === 'boolean') fakeBackend.autoSend = r.autoSend;
      if (typeof r.startWithWindows === 'boolean') this.opts.setStartWithWindows?.(r.startWithWindows);
      return { autoSend: fakeBackend.autoSend };
    }
    if (m === 'openFolder') return { path: '/office/export', opened: (await this.opts.openPath?.('/office/export')) ?? false };
    if (m === 'receiveNow') return { imported: 1, quarantined: 0, pending: 0, message: { ja: '1 件を受け取り、取り込みました', en: 'Received and imported 1 item' } };
    return { ok: m };
  }
}
