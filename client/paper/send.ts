// Sending on paper: the send step's other branch, for a unit addressed to a partner that is not linked
// (client/paper/link.ts). The unit's files are kept in the spool, the partner's PDF for the month is
// made again with it (送付状 + the forms), and written to the export folder's 印刷・FAX/YYYYMM/ for a
// person to print or fax. The app and the agent both call this; neither fails the unit.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { localMonth } from '../../shared/time.js';
import { unlinkWithRetrySync, writeDurable } from '../../platform/fs.js';
import type { PreparedUnit } from '../transport/sender.js';
import type { Session } from '../transport/session.js';
import { routeOf } from './link.js';
import { fileNamePart, nameInDocuments } from './names.js';
import { makeSheetPdf, viewsOf } from './sheet.js';
import { PaperStore, type PaperSheet, type PaperUnit } from './store.js';

/** The sender's contact line for the cover, if the office config has one (`contact`, free text). */
export function contactOf(s: Session): string | null {
  const c = (s.config as { contact?: unknown }).contact;
  return typeof c === 'string' && c.trim() ? c.trim() : null;
}

/** The unit's key as the rest of the app writes it: sender#receiver#sequence. */
export function unitKeyOf(u: PreparedUnit): string {
  return `${u.header.sender.office}#${u.header.receiver.office}#${u.header.sequence}`;
}

/** 202612_ひまわり訪問介護_1310000029.pdf (a second sheet of the month, after the first was faxed: _2). */
function pdfName(month: string, name: string | null, partner: string, n: number): string {
  return `${month}_${fileNamePart(name ?? '事業所')}_${partner}${n > 1 ? `_${n}` : ''}.pdf`;
}

/**
 * Puts the unit on its partner's sheet for the month and (re)writes that PDF. The same unit twice is
 * one unit (its message id). Returns the sheet.
 */
export async function sendOnPaper(s: Session, u: PreparedUnit, now: Date = new Date()): Promise<PaperSheet> {
  const store = new PaperStore(s);
  const sheets = store.sheets();
  const already = sheets.find((x) => x.units.some((p) => p.messageId === u.header.messageId));
  if (already) return already;
  const partner = u.header.receiver.office;
  // A plan unit (第1〜3表) has no month: it joins the partner's open sheet, or this month's.
  const open = sheets.filter((x) => x.partner === partner && x.faxedAt === null).sort((a, b) => b.month.localeCompare(a.month))[0];
  const month = u.header.month ?? open?.month ?? localMonth(now);
  const unit: PaperUnit = { key: unitKeyOf(u), messageId: u.header.messageId, sequence: u.header.sequence, kinds: u.header.kinds, files: u.files.map((f) => f.name), at: now.toISOString() };
  store.keepFiles(unit, u.files);
  // The open sheet for this partner and month; a faxed one is closed (what was faxed stays as it was).
  const same = sheets.filter((x) => x.partner === partner && x.month === month);
  let sheet = same.find((x) => x.faxedAt === null);
  if (!sheet) {
    const n = same.length + 1;
    sheet = { id: `${month}-${partner}-${n}`, month, partner, partnerName: null, units: [], pdf: join(store.folder(), month, pdfName(month, null, partner, n)), pages: 0, madeAt: now.toISOString(), faxedAt: null };
    sheets.push(sheet);
  }
  sheet.units.push(unit);
  const files = sheet.units.flatMap((x) => store.readFiles(x));
  // The plan unit (第1〜3表) does not name the provider; the 第6表 of a later unit does: the file is renamed.
  if (!sheet.partnerName) {
    sheet.partnerName = nameInDocuments(viewsOf(files, s.catalog), partner);
    const renamed = join(dirname(sheet.pdf), pdfName(month, sheet.partnerName, partner, Number(sheet.id.split('-')[2])));
    if (renamed !== sheet.pdf && existsSync(sheet.pdf)) unlinkWithRetrySync(sheet.pdf); // our own, superseded
    sheet.pdf = renamed;
  }
  const made = await makeSheetPdf(
    { sender: { office: s.config.office, name: s.config.name ?? null, contact: contactOf(s) }, receiver: { office: partner, name: sheet.partnerName }, month, files, made: now },
    s.catalog,
  );
  // Our own file, made again whole: written beside itself (tmp + rename), readable by the person's viewer.
  mkdirSync(dirname(sheet.pdf), { recursive: true });
  writeDurable(sheet.pdf, made.pdf, { mode: 0o644 });
  sheet.pages = made.pages;
  sheet.madeAt = now.toISOString();
  store.save(sheets);
  return sheet;
}

/** The send step's hook: when the unit's partner is not linked, puts it on paper and says so. */
export async function sentOnPaper(s: Session, u: PreparedUnit, now: Date = new Date()): Promise<PaperSheet | null> {
  if ((await routeOf(s, u.header.messageId, u.header.receiver.office)) !== 'paper') return null;
  return sendOnPaper(s, u, now);
}
