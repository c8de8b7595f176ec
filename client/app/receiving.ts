// Receiving and the documents a person can open: what arrived (and a copy of it kept in the app's
// folder, so it can still be opened after the care software took it out of the import folder), what
// we sent, receiving on request, and opening a file or a folder.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { copyDurable, ensurePrivateDir } from '../../platform/fs.js';
import { ApiError, type Handlers } from '../../shared/api/methods.js';
import type { Arrival, DocumentEntry } from '../../shared/api/types.js';
import { parseFileName } from '../../shared/validator/fileName.js';
import type { Session } from '../transport/session.js';
import { t, type BackendContext, type Open } from './context.js';
import { docKey, OpenedStore } from './opened.js';
import type { Partners } from './partners.js';
import { People } from './people.js';
import type { SpoolRecords } from './spoolRecords.js';
import { arrivalOf, documentView } from './views.js';

export interface DocFile {
  ref: { source: 'arrival' | 'sent'; file: string };
  path: string;
  at: string;
}

export class Receiving {
  /** Who the files are about (names from 利用者補足情報), read from the documents below. */
  readonly people: People;
  /** What the clerk has opened: the rest is marked 新着. */
  readonly opened: OpenedStore;

  constructor(
    private readonly ctx: BackendContext,
    private readonly partners: Partners,
    /** The background refresh, run after receiving so the home screen and notifications catch up. */
    private readonly refresh: () => Promise<void>,
  ) {
    this.people = new People(ctx, this);
    this.opened = new OpenedStore(ctx.profile);
  }

  /** An arrival is new until each of its files has been opened (on 受信 or 帳票). A quarantined one has nothing to open. */
  private arrivalIsNew(files: string[], state: string): boolean {
    return state === 'imported' && files.some((f) => !this.opened.has(docKey('arrival', f)));
  }

  /**
   * Copies what was imported into the app's archive (once per file): whole or not at all, owner-only
   * (a care record). The care software may hold a file it is importing: that one is copied at a later
   * refresh, after a short wait (this runs on the back end's only thread), and the others go on.
   */
  archiveArrivals(s: Session, records: SpoolRecords): void {
    for (const r of records.inbox('received')) {
      const dir = this.ctx.profile.archiveDir(r.messageId);
      for (const f of r.importedFiles) {
        const src = join(s.config.folders.import, f);
        const dst = join(dir, f);
        if (existsSync(dst) || !existsSync(src)) continue;
        ensurePrivateDir(dir);
        try {
          copyDurable(src, dst, { maxWaitMs: 500 });
        } catch (e) {
          // Held, or taken out of the import folder by the care software just now (then it cannot be copied).
          const code = (e as { code?: unknown }).code;
          if (code !== 'FILE_BUSY' && code !== 'ENOENT') throw e;
        }
      }
    }
  }

  private arrivals(open: Open): Arrival[] {
    const { records } = open;
    const people = this.people.resolver(open);
    const all = [...records.inbox('received'), ...records.inbox('quarantine'), ...records.inbox('inbox')];
    return all
      .map((r) => arrivalOf(r, this.partners.nameOf))
      .map((a) => ({ ...a, people: people.ofFiles(a.files), isNew: this.arrivalIsNew(a.files, a.state) }))
      .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt) || b.sequence.localeCompare(a.sequence));
  }

  /** Files a person can open: what we sent (sent/YYYYMM/) and what arrived (archive, import folder, quarantine). */
  documents({ s, records }: Open): DocFile[] {
    const docs: DocFile[] = [];
    const seen = new Set<string>();
    const add = (source: 'arrival' | 'sent', path: string) => {
      const file = basename(path);
      const key = `${source}:${file}`;
      if (seen.has(key) || !/\.csv$/i.test(file) || parseFileName(file, s.catalog).meta === null) return;
      seen.add(key);
      docs.push({ ref: { source, file }, path, at: statSync(path).mtime.toISOString() });
    };
    const sentRoots = [this.ctx.folders(s).sent, ...(this.ctx.prefs.previousExportDirs ?? []).map((d) => join(d, this.ctx.agent!.settings.folders.sent))];
    for (const sentRoot of sentRoots) {
      if (!existsSync(sentRoot)) continue;
      for (const m of readdirSync(sentRoot).sort().reverse()) if (statSync(join(sentRoot, m)).isDirectory()) for (const n of readdirSync(join(sentRoot, m))) add('sent', join(sentRoot, m, n));
    }
    for (const r of records.inbox('received')) {
      for (const f of r.importedFiles) {
        const archived = join(this.ctx.profile.archiveDir(r.messageId), f);
        const inImport = join(s.config.folders.import, f);
        if (existsSync(archived)) add('arrival', archived);
        else if (existsSync(inImport)) add('arrival', inImport);
      }
    }
    for (const id of s.spool.list('quarantine')) {
      const dir = s.spool.path('quarantine', id);
      if (existsSync(dir) && statSync(dir).isDirectory()) for (const n of readdirSync(dir)) add('arrival', join(dir, n));
    }
    return docs.sort((a, b) => b.at.localeCompare(a.at));
  }

  readonly handlers: Pick<Handlers, 'listArrivals' | 'receiveNow' | 'openFolder' | 'listDocuments' | 'openDocument'> = {
    listArrivals: async () => this.arrivals(this.ctx.need()),

    receiveNow: async () => {
      const { agent } = this.ctx.need();
      this.ctx.activity = { label: t('受信しています', 'Receiving'), done: 0, total: 0 };
      try {
        const r = await agent.receiveNow();
        // Senders by name on 受信, also one that joined after this office last read the directory.
        await this.partners.learnNames(this.ctx.need().s, r.imported.map((u) => u.sender));
        await this.refresh();
        const n = r.imported.length;
        const q = r.quarantined.length;
        const message =
          n + q === 0 && r.pending.length === 0
            ? t('新しく届いたものはありません', 'Nothing new')
            : t(`${n} 件を取り込みました${q ? `・${q} 件を隔離しました` : ''}${r.pending.length ? `・${r.pending.length} 件は次回やり直します` : ''}`, `${n} imported${q ? `, ${q} quarantined` : ''}${r.pending.length ? `, ${r.pending.length} to retry` : ''}`);
        return { imported: n, quarantined: q, pending: r.pending.length, message };
      } finally {
        this.ctx.activity = null;
      }
    },

    openFolder: async ({ which }) => {
      const { s } = this.ctx.need();
      const path = this.ctx.folders(s)[which];
      mkdirSync(path, { recursive: true });
      const opened = this.ctx.opts.openPath ? await this.ctx.opts.openPath(path) : false;
      return { path, opened };
    },

    listDocuments: async () => {
      const open = this.ctx.need();
      const { s } = open;
      const people = this.people.resolver(open);
      return this.documents(open).map((d): DocumentEntry => {
        const meta = parseFileName(d.ref.file, s.catalog).meta!;
        const partner = d.ref.source === 'sent' ? meta.receiver.office : meta.sender.office;
        const partnerName = this.partners.nameOf(partner);
        return {
          ref: d.ref,
          fileType: meta.kind,
          title: meta.title,
          partner: `${partnerName ?? ''} ${partner}`.trim(),
          partnerOffice: partner,
          partnerName,
          month: meta.serviceMonth,
          at: d.at,
          people: people.ofFiles([d.ref.file]),
          // What we sent ourselves is never news.
          isNew: d.ref.source === 'arrival' && !this.opened.has(docKey('arrival', d.ref.file)),
        };
      });
    },

    openDocument: async (ref) => {
      const open = this.ctx.need();
      const { s } = open;
      const doc = this.documents(open).find((d) => d.ref.source === ref.source && d.ref.file === ref.file);
      if (!doc) throw new ApiError('no_document', `ファイルが見つかりません: ${ref.file}`, `File not found: ${ref.file}`);
      const meta = parseFileName(ref.file, s.catalog).meta;
      if (!meta || meta.extension.toUpperCase() !== 'CSV') throw new ApiError('not_csv', 'この種類のファイルは表示できません', 'This kind of file cannot be shown');
      const view = documentView(ref.file, meta.kind, readFileSync(doc.path), s.catalog);
      // Opened on any screen: no longer 新着 on 受信 and 帳票.
      if (ref.source === 'arrival') this.opened.add([docKey('arrival', ref.file)]);
      if (view.kind !== 'grid') return view;
      const people = this.people.resolver(open);
      return { ...view, grids: view.grids.map((g) => ({ ...g, person: people.person(g.insurer, g.insured), ownOffice: s.config.office })) };
    },
  };
}
