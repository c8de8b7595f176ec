// The desktop app's back end: the handlers behind every method of the typed app API. Electron's main
// process (over IPC) and the web bridge (over HTTP on 127.0.0.1) both call these, with payloads
// already checked against shared/api/methods.ts. It runs the same core as `careplan-link agent` —
// the agent itself does the watching, sending and receiving; this adds what a person asks for.
//
// This class only composes the parts, each in its own module over one shared context and one cached
// reader of the spool's records: the office session (session.ts), sending (sending.ts), receiving and
// documents (receiving.ts), plan against actual (comparisons.ts), partners (partners.ts), the history
// (history.ts), and the app's state, home screen and background upkeep (status.ts).
import type { Handlers } from '../../shared/api/methods.js';
import { Comparisons } from './comparisons.js';
import { BackendContext, type BackendOptions } from './context.js';
import { EffectReports } from './effectReport.js';
import { paperSendsIn } from './effectSources.js';
import { History } from './history.js';
import { Partners } from './partners.js';
import type { Profile } from './profile.js';
import { Receiving } from './receiving.js';
import { Sending } from './sending.js';
import { PaperActuals } from './paperActuals.js';
import { OfficeSession } from './session.js';
import { Status } from './status.js';

export type { AppEvent, BackendOptions, DemoOfficeOffer } from './context.js';
export { toApiError } from './errors.js';

export class AppBackend {
  readonly profile: Profile;
  readonly handlers: Handlers;
  private readonly session: OfficeSession;
  private readonly status: Status;

  constructor(opts: BackendOptions) {
    const ctx = new BackendContext(opts);
    this.profile = ctx.profile;
    const refresh = () => this.refresh();
    const partners = new Partners(ctx);
    const history = new History(ctx, partners);
    const receiving = new Receiving(ctx, partners, refresh);
    this.status = new Status(ctx, partners, history, receiving);
    this.session = new OfficeSession(ctx, this.status, receiving);
    const sending = new Sending(ctx, partners, refresh);
    const comparisons = new Comparisons(ctx, partners, receiving);
    // What went on paper is in the paper path's record (spool/paper/): its 予定 files and its units.
    const paperSends = () => paperSendsIn(ctx.need().s.spool.root);
    const paperActuals = new PaperActuals(ctx, partners, receiving, () => paperSends().flatMap((p) => p.files.flatMap((f) => (f.path ? [{ name: f.name, path: f.path }] : []))));
    const effect = new EffectReports(ctx, paperSends);
    this.handlers = {
      ...this.status.handlers,
      ...this.session.handlers,
      ...sending.handlers,
      ...receiving.handlers,
      ...comparisons.handlers,
      ...partners.handlers,
      ...history.handlers,
      ...paperActuals.handlers,
      ...effect.handlers,
    };
  }

  /** Opens the office if it is configured and its password is known; otherwise the app asks. */
  start(): Promise<void> {
    return this.session.start();
  }

  stop(): Promise<void> {
    return this.session.stop();
  }

  /**
   * Background upkeep, called every few seconds by the shell: connection state, the relay's view
   * of what we sent, names from the directory, copies of arrivals, and notifications.
   */
  refresh(): Promise<void> {
    return this.status.refresh();
  }
}
