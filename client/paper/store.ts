// What went on paper, kept in the office's spool (the app and the agent share it): one sheet (one PDF)
// per partner per month, the units it holds, and whether someone marked it as faxed. The units' files
// are kept beside the records so the month's PDF can be made again when another unit for the same
// partner and month arrives. A sheet already faxed is never changed: later units start a new one.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ensurePrivateDir, writeDurable } from '../../platform/fs.js';
import type { Session } from '../transport/session.js';

export const PAPER_FOLDER = '印刷・FAX';

const paperUnitSchema = z.object({
  key: z.string(),
  messageId: z.string(),
  sequence: z.string(),
  kinds: z.array(z.string()),
  files: z.array(z.string()),
  at: z.string(),
});

export const paperSheetSchema = z.object({
  id: z.string(),
  month: z.string(),
  partner: z.string(),
  partnerName: z.string().nullable(),
  units: z.array(paperUnitSchema),
  /** The PDF's full path (in the export folder's 印刷・FAX/YYYYMM/). */
  pdf: z.string(),
  pages: z.number().int(),
  madeAt: z.string(),
  faxedAt: z.string().nullable(),
});
export type PaperSheet = z.infer<typeof paperSheetSchema>;
export type PaperUnit = z.infer<typeof paperUnitSchema>;

/** spool/paper/sheets.json; the 効果レポート (client/app/effectSources.ts) reads it with this same schema. */
export const paperIndexSchema = z.object({ sheets: z.array(paperSheetSchema) });

export class PaperStore {
  readonly root: string;
  constructor(private readonly s: Session) {
    this.root = join(s.spool.root, 'paper');
  }

  /** The user-visible folder for the PDFs. */
  folder(): string {
    return join(this.s.config.folders.export, PAPER_FOLDER);
  }

  private get indexPath(): string {
    return join(this.root, 'sheets.json');
  }

  sheets(): PaperSheet[] {
    if (!existsSync(this.indexPath)) return [];
    return paperIndexSchema.parse(JSON.parse(readFileSync(this.indexPath, 'utf8'))).sheets;
  }

  save(sheets: PaperSheet[]): void {
    ensurePrivateDir(this.root);
    writeDurable(this.indexPath, JSON.stringify({ sheets }, null, 2), { tmpDir: this.s.spool.tmp });
  }

  /** Where a unit's files are kept. */
  unitDir(u: PaperUnit): string {
    return join(this.root, 'units', u.messageId);
  }

  keepFiles(u: PaperUnit, files: { name: string; data: Buffer }[]): void {
    ensurePrivateDir(this.root);
    ensurePrivateDir(join(this.root, 'units'));
    ensurePrivateDir(this.unitDir(u));
    for (const f of files) writeDurable(join(this.unitDir(u), f.name), f.data, { tmpDir: this.s.spool.tmp });
  }

  readFiles(u: PaperUnit): { name: string; data: Buffer }[] {
    return u.files.map((name) => ({ name, data: readFileSync(join(this.unitDir(u), name)) }));
  }

  markFaxed(id: string, faxed: boolean, now: Date = new Date()): PaperSheet {
    const sheets = this.sheets();
    const sheet = sheets.find((x) => x.id === id);
    if (!sheet) throw new Error(`unknown paper sheet ${id}`);
    sheet.faxedAt = faxed ? now.toISOString() : null;
    this.save(sheets);
    return sheet;
  }
}
