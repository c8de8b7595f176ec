// Main's side of the MessagePort to the back end's utility process: each typed API call is checked
// against the shared schemas here (what fails never leaves main), sent with an id, and answered with
// the back end's Result envelope, itself checked on arrival. The back end's other messages become
// calls on `events`. If the process goes away, every waiting call is answered with an error, so no
// window waits for ever.
import { parseRequest } from '../../shared/api/methods.js';
import { failed, LocalizedError, ok, type Result } from '../../shared/errors.js';
import { fromBackendSchema, type FromBackend, type OfficeStatus, type PortLike, type ToBackend } from '../port/protocol.js';

export interface BackendEvents {
  notify(office: number | null, event: Extract<FromBackend, { type: 'notify' }>['event']): void;
  status(offices: OfficeStatus[]): void;
  /** Keep (a string) or forget (null) the certificate password. */
  secret(office: number, password: string | null): void;
  loginItem(openAtLogin: boolean): void;
  openPath(path: string): Promise<boolean>;
}

const gone = () =>
  new LocalizedError('backend_stopped', {
    ja: 'アプリの本体が止まりました。少し待ってから、もう一度試してください。',
    en: 'The app back end stopped. Wait a moment and try again.',
  });

export class BackendClient {
  /** The offices the back end serves, once it has started them; rejected with its words if it could not. */
  readonly ready: Promise<{ id: string; name: string }[]>;
  private resolveReady!: (offices: { id: string; name: string }[]) => void;
  private rejectReady!: (e: LocalizedError) => void;
  private readonly pending = new Map<number, (r: Result<unknown>) => void>();
  private nextId = 0;
  private closed = false;
  private onStopped: (() => void) | null = null;

  constructor(
    private readonly port: PortLike,
    private readonly events: BackendEvents,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // A start that fails is reported by whoever awaits `ready`; nobody else must see it unhandled.
    this.ready.catch(() => undefined);
    port.on('message', (e) => this.receive(e.data));
    port.on('close', () => this.gone());
    port.start();
  }

  private post(m: ToBackend): void {
    this.port.postMessage(m);
  }

  private receive(data: unknown): void {
    const parsed = fromBackendSchema.safeParse(data);
    if (!parsed.success) {
      // Never printed: it could hold anything, a password included.
      process.stderr.write('careplan-link: a message from the back end did not fit its schema and was dropped\n');
      return;
    }
    const m = parsed.data;
    switch (m.type) {
      case 'ready':
        return this.resolveReady(m.offices);
      case 'failed':
        return this.rejectReady(LocalizedError.fromBody(m.error));
      case 'result':
        // A result of `undefined` is absent after the copy: still a success.
        this.pending.get(m.id)?.(m.envelope.ok ? ok(m.envelope.result) : m.envelope);
        this.pending.delete(m.id);
        return;
      case 'notify':
        return this.events.notify(m.office, m.event);
      case 'status':
        return this.events.status(m.offices);
      case 'secret':
        return this.events.secret(m.office, m.password);
      case 'loginItem':
        return this.events.loginItem(m.openAtLogin);
      case 'openPath':
        void this.events
          .openPath(m.path)
          .catch(() => false)
          .then((opened) => this.post({ type: 'opened', id: m.id, opened }));
        return;
      case 'stopped':
        return this.onStopped?.();
    }
  }

  /** One API call from a window of `office`, answered with an envelope; never throws. */
  call(office: number, method: string, payload: unknown): Promise<Result<unknown>> {
    const parsed = parseRequest(method, payload);
    if (!parsed.ok) return Promise.resolve(failed(parsed.error));
    if (this.closed) return Promise.resolve(failed(gone()));
    return new Promise((done) => {
      const id = this.nextId++;
      this.pending.set(id, done);
      this.post({ type: 'call', id, office, method: parsed.method, payload: parsed.value });
    });
  }

  /** Asks the back end to finish its pass and close the spool; settles when it has, or after `timeoutMs`. */
  stop(timeoutMs = 15_000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise<void>((done) => {
      const timer = setTimeout(done, timeoutMs);
      this.onStopped = () => {
        clearTimeout(timer);
        done();
      };
      this.post({ type: 'stop' });
    });
  }

  /** The process is gone (it exited, or the port closed): answer whatever still waits. */
  gone(): void {
    if (this.closed) return;
    this.closed = true;
    this.rejectReady(gone());
    for (const done of this.pending.values()) done(failed(gone()));
    this.pending.clear();
    this.onStopped?.();
  }
}
