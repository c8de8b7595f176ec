// The 印刷・FAX screen's back end: the PDFs made for partners not yet linked (one per partner per month),
// opening one to print, marking it faxed, the month's overview of what went by data and what on paper,
// the partner status the screens show (連携中 / 未連携) and the invitation letter.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ApiError, type Handlers } from '../../shared/api/methods.js';
import type { MonthSending, OpenedFile, PaperView } from '../../shared/api/types.js';
import { localMonth } from '../../shared/time.js';
import { PaperStore, writeInvitation, type PaperSheet } from '../paper/index.js';
import type { BackendContext } from './context.js';
import type { Partners } from './partners.js';

export class Paper {
  constructor(
    private readonly ctx: BackendContext,
    private readonly partners: Partners,
  ) {}

  private store(): PaperStore {
    return new PaperStore(this.ctx.need().s);
  }

  /** Opens a file for the person (Electron), or hands its bytes to the page (the browser opens them). */
  private async open(path: string, bytes: boolean): Promise<OpenedFile> {
    const opened = this.ctx.opts.openPath ? await this.ctx.opts.openPath(path) : false;
    return opened || !bytes ? { path, opened } : { path, opened, base64: readFileSync(path).toString('base64') };
  }

  /** Per month: units sent by data (the spool's sent and waiting records) and units sent on paper. */
  private months(sheets: PaperSheet[]): MonthSending[] {
    const months = new Map<string, MonthSending>();
    const at = (m: string) => months.get(m) ?? (months.set(m, { month: m, byData: { units: 0, partners: [] }, byPaper: { units: 0, partners: [] } }), months.get(m)!);
    const add = (list: string[], p: string) => list.includes(p) || list.push(p);
    const records = this.ctx.need().records;
    for (const state of ['sent', 'outbox'] as const) {
      for (const r of records.outbox(state)) {
        // A plan unit (第1〜3表) has no month of its own: the month it was sent in.
        const m = at(r.header.month ?? localMonth(new Date(r.createdAt)));
        m.byData.units++;
        add(m.byData.partners, r.header.receiver.office);
      }
    }
    for (const sh of sheets) {
      const m = at(sh.month);
      m.byPaper.units += sh.units.length;
      add(m.byPaper.partners, sh.partner);
    }
    return [...months.values()].sort((a, b) => b.month.localeCompare(a.month));
  }

  private view(): PaperView {
    const store = this.store();
    const sheets = store.sheets();
    return {
      folder: store.folder(),
      sheets: sheets
        .map((x) => ({ id: x.id, month: x.month, partner: { office: x.partner, name: x.partnerName }, units: x.units.length, kinds: [...new Set(x.units.flatMap((u) => u.kinds))], pages: x.pages, fileName: basename(x.pdf), madeAt: x.madeAt, faxedAt: x.faxedAt }))
        .sort((a, b) => b.month.localeCompare(a.month) || a.partner.office.localeCompare(b.partner.office) || a.id.localeCompare(b.id)),
      months: this.months(sheets),
    };
  }

  private sheet(id: string): PaperSheet {
    const found = this.store().sheets().find((x) => x.id === id);
    if (!found) throw new ApiError('unknown_sheet', 'この書類は見つかりません。画面を開き直してください', 'This document was not found; open the screen again');
    return found;
  }

  readonly handlers: Pick<Handlers, 'partnerLinks' | 'listPaper' | 'openPaper' | 'setPaperFaxed' | 'makeInvitation'> = {
    partnerLinks: async ({ offices }) => {
      const names = this.store().sheets().map((x) => ({ office: x.partner, name: x.partnerName }));
      return this.partners.partnerLinks(offices, names);
    },
    listPaper: async () => this.view(),
    openPaper: async ({ id }) => (id ? this.open(this.sheet(id).pdf, true) : this.open(this.store().folder(), false)),
    setPaperFaxed: async ({ id, faxed }) => {
      this.sheet(id);
      this.store().markFaxed(id, faxed);
      return this.view();
    },
    makeInvitation: async ({ office, name }) => {
      const { s } = this.ctx.need();
      const known = this.store().sheets().find((x) => x.partner === office)?.partnerName ?? null;
      const path = await writeInvitation(s, { office, name: name?.trim() || this.partners.nameOf(office) || known });
      return this.open(path, true);
    },
  };
}
