// The unit's documents as pages laid out like the paper forms: 第6表 (the service grid: services × days
// of the month, one sheet per user) in landscape, and the other forms (第7表, 補足, 第1〜3表) as ruled
// boxes of caption and value, one block per record. Only the receiving provider's rows of 第6表 are
// printed, as on the paper 提供票 a provider gets.
import type { DocumentView } from '../../shared/api/types.js';
import { personOf, table7Forms, type PersonDirectory } from '../../shared/forms/index.js';
import type { UserGrid } from '../../shared/ticket/ticket.js';
import { addPage, cell, fitSize, heading, labelled, line, pageBox, type Layout, type Pdf } from '../pdf/index.js';
import { monthText } from './names.js';
import { drawTable7 } from './table7.js';

/** What the pages need besides the views: the provider they go to, the people's names, each file's records. */
export interface DrawContext {
  partner: string;
  people: PersonDirectory;
  rowsOf: (file: string) => string[][];
}

const WEEKDAY = ['日', '月', '火', '水', '木', '金', '土'];

/** A new page for a document, with its title; returns the y where its content starts. */
function titledPage(doc: Pdf, layout: Layout, title: string, sub: string, first: { used: boolean }): { y: number; box: ReturnType<typeof pageBox> } {
  const box = first.used ? addPage(doc, layout) : pageBox(layout);
  first.used = true;
  const y = heading(doc, title, box.left, box.top, box.right - box.left, 14);
  line(doc, sub, box.left, y - 4, box.right - box.left, fitSize(doc, sub, box.right - box.left, 8), 'right');
  return { y: y + 8, box };
}

function time(hhmm: string): string {
  return /^\d{4}$/.test(hhmm) ? `${hhmm.slice(0, 2)}:${hhmm.slice(2)}` : hhmm;
}

function gridPage(doc: Pdf, title: string, g: UserGrid, c: DrawContext, first: { used: boolean }): void {
  const partner = c.partner;
  const rows = g.rows.some((r) => r.provider === partner) ? g.rows.filter((r) => r.provider === partner) : g.rows;
  const { y: top, box } = titledPage(doc, 'landscape', title, `${monthText(g.month)}分`, first);
  const w = box.right - box.left;
  labelled(doc, box.left, top, w * 0.25, 24, '被保険者氏名', personOf(c.people, g.insurer, g.insured).name);
  labelled(doc, box.left + w * 0.25, top, w * 0.125, 24, '保険者番号', g.insurer);
  labelled(doc, box.left + w * 0.375, top, w * 0.125, 24, '被保険者番号', g.insured);
  labelled(doc, box.left + w * 0.5, top, w * 0.2, 24, '対象年月', monthText(g.month));
  labelled(doc, box.left + w * 0.7, top, w * 0.3, 24, 'サービス事業所', `${rows[0]?.providerName ?? ''} ${partner}`);
  // Columns: time, service code, then one narrow column per day, then total and units.
  const fixed = [62, 62];
  const tail = [34, 44];
  const dayW = (w - fixed[0]! - fixed[1]! - tail[0]! - tail[1]!) / 31;
  let y = top + 32;
  const year = Number(g.month.slice(0, 4));
  const month = Number(g.month.slice(4, 6));
  const headerCells = (label: (d: number) => string, h: number, captions: [string, string, string, string]) => {
    let x = box.left;
    cell(doc, x, y, fixed[0]!, h, captions[0], { size: 7, align: 'center', fill: '#e8e8e8' });
    cell(doc, (x += fixed[0]!), y, fixed[1]!, h, captions[1], { size: 7, align: 'center', fill: '#e8e8e8' });
    x += fixed[1]!;
    for (let d = 1; d <= 31; d++, x += dayW) cell(doc, x, y, dayW, h, d <= g.daysInMonth ? label(d) : '', { size: 7, align: 'center', fill: d <= g.daysInMonth ? '#e8e8e8' : '#bbb' });
    cell(doc, x, y, tail[0]!, h, captions[2], { size: 7, align: 'center', fill: '#e8e8e8' });
    cell(doc, x + tail[0]!, y, tail[1]!, h, captions[3], { size: 7, align: 'center', fill: '#e8e8e8' });
    y += h;
  };
  headerCells((d) => String(d), 14, ['提供時間帯', 'サービスコード', '合計', '単位数']);
  headerCells((d) => WEEKDAY[new Date(year, month - 1, d).getDay()]!, 12, ['', '', '回数', '']);
  for (const r of rows) {
    if (y + 16 > box.bottom) break; // more services than one sheet holds: the rest on the care software's print
    let x = box.left;
    cell(doc, x, y, fixed[0]!, 16, `${time(r.start)}〜${time(r.end)}`, { size: 7 });
    cell(doc, (x += fixed[0]!), y, fixed[1]!, 16, r.serviceCode, { size: 8, align: 'center' });
    x += fixed[1]!;
    for (let d = 0; d < 31; d++, x += dayW) cell(doc, x, y, dayW, 16, r.days[d] ? String(r.days[d]) : '', { size: 7, align: 'center', ...(d >= g.daysInMonth ? { fill: '#bbb' } : {}) });
    cell(doc, x, y, tail[0]!, 16, String(r.total), { size: 8, align: 'right' });
    cell(doc, x + tail[0]!, y, tail[1]!, 16, r.units.toLocaleString('ja-JP'), { size: 8, align: 'right' });
    y += 16;
  }
}

function formPages(doc: Pdf, v: Extract<DocumentView, { kind: 'form' }>, first: { used: boolean }): void {
  const perRow = 4;
  const boxH = 26;
  let { y, box } = titledPage(doc, 'portrait', v.title, v.file, first);
  const w = (box.right - box.left) / perRow;
  for (const r of v.records) {
    const fields = r.fields.filter((f) => f.value.trim() !== '');
    const height = 16 + Math.ceil(fields.length / perRow) * boxH;
    if (y + Math.min(height, 16 + boxH * 3) > box.bottom) ({ y, box } = titledPage(doc, 'portrait', v.title, v.file, first));
    cell(doc, box.left, y, box.right - box.left, 16, r.title, { size: 9, fill: '#e8e8e8' });
    y += 16;
    fields.forEach((f, i) => {
      if (i % perRow === 0 && i > 0) y += boxH;
      if (i % perRow === 0 && y + boxH > box.bottom) ({ y, box } = titledPage(doc, 'portrait', v.title, v.file, first));
      labelled(doc, box.left + (i % perRow) * w, y, w, boxH, `${f.no}. ${f.name}`, f.value, { size: 9 });
    });
    y += boxH + 8;
  }
}

/** 第1〜3表, 第6表, 第7表, then the rest (unknown types last, by name). */
export function inFilingOrder(views: DocumentView[]): DocumentView[] {
  const rank = (t: string) => ['UP1KYO', 'UP2KYO', 'UP3KYO', 'UPPLAN', 'UPSIKYU', 'UPHOSOKU'].indexOf(t) >>> 0;
  return [...views].sort((a, b) => rank(a.fileType) - rank(b.fileType) || a.file.localeCompare(b.file));
}

/**
 * Draws the documents; the first one goes on the current page when `first.used` is false. Order: 第1〜3表,
 * 第6表, 第7表, then the rest, as a care manager files them.
 */
export function drawDocuments(doc: Pdf, views: DocumentView[], c: DrawContext, first: { used: boolean }): void {
  for (const v of inFilingOrder(views)) {
    if (v.kind === 'grid') for (const g of v.grids) gridPage(doc, v.title, g, c, first);
    else if (v.fileType === 'UPSIKYU') {
      for (const f of table7Forms(c.rowsOf(v.file), c.people)) {
        const { y, box } = titledPage(doc, 'landscape', v.title, `${f.month}分`, first);
        drawTable7(doc, f, c.partner, box, y, () => titledPage(doc, 'landscape', v.title, `${f.month}分`, first).y);
      }
    } else formPages(doc, v, first);
  }
}
