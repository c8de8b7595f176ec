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
import type { ValidationView } from '../../shared/api/types.js';
import { Comparisons } from './comparisons.js';
import { BackendContext, type BackendOptions } from './context.js';
import { ErrorUnits } from './errorUnits.js';
import { ExportFolder } from './exportFolder.js';
import { EffectReports } from './effectReport.js';
import { paperSendsIn } from './effectSources.js';
import { History } from './history.js';
import { Paper } from './paper.js';
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
    const receiving = new Receiving(ctx, partners, refresh);
    const history = new History(ctx, partners, (open) => receiving.people.resolver(open));
    const sending = new Sending(ctx, partners, refresh);
    const errors = new ErrorUnits(ctx, partners, (open, paths) => sending.sendPaths(open, paths, false));
    this.status = new Status(ctx, partners, history, receiving, errors);
    this.session = new OfficeSession(ctx, this.status, receiving);
    const exportFolder = new ExportFolder(ctx, history, errors);
    const comparisons = new Comparisons(ctx, partners, receiving);
    // Findings name the person of their record (「行 1（山田 花子 様）」) on every checked view.
    const named = (v: ValidationView) => receiving.people.nameFindings(v);
    const send = sending.handlers;
    // What went on paper is in the paper path's record (spool/paper/): its 予定 files and its units.
    const paperSends = () => paperSendsIn(ctx.need().s.spool.root);
    const paperActuals = new PaperActuals(
      ctx,
      partners,
      receiving,
      () => paperSends().flatMap((p) => p.files.flatMap((f) => (f.path ? [{ name: f.name, path: f.path }] : []))),
      (office) => paperSends().find((p) => p.partner === office && p.partnerName)?.partnerName ?? null,
    );
    const effect = new EffectReports(ctx, paperSends);
    const paper = new Paper(ctx, partners);
    this.handlers = {
      ...this.status.handlers,
      ...this.session.handlers,
      ...sending.handlers,
      ...errors.handlers,
      ...exportFolder.handlers,
      listExportFiles: async (r) => named(await send.listExportFiles(r)),
      validateUploads: async (r) => named(await send.validateUploads(r)),
      sendStaged: async (r) => {
        const x = await send.sendStaged(r);
        return { ...x, validation: named(x.validation) };
      },
      sendExportFiles: async (r) => {
        const x = await send.sendExportFiles(r);
        return { ...x, validation: named(x.validation) };
      },
      ...receiving.handlers,
      ...comparisons.handlers,
      ...partners.handlers,
      ...history.handlers,
      ...receiving.people.handlers,
      ...receiving.opened.handlers,
      ...paperActuals.handlers,
      ...effect.handlers,
      ...paper.handlers,
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
