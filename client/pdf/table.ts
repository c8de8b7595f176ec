// Drawing helpers for forms laid out like the paper ones: ruled cells whose text shrinks to fit (a paper
// form's boxes do not grow), labelled boxes (a small caption over the value), and tables that continue
// on a new page with their header repeated.
import { FONT, type Pdf } from './document.js';

export type Align = 'left' | 'center' | 'right';

export interface CellStyle {
  size?: number;
  align?: Align;
  /** Vertical placement; forms centre most cells, free-text boxes start at the top. */
  valign?: 'top' | 'middle';
  fill?: string;
  /** May the text wrap to more lines (free text), or must it stay on one line (codes, numbers)? */
  wrap?: boolean;
  border?: boolean;
}

/** The smallest text size a FAX still carries legibly. */
export const MIN_SIZE = 5;
const PAD = 2;

/** The largest size ≤ size at which text fits width on one line (never below {@link MIN_SIZE}). */
export function fitSize(doc: Pdf, text: string, width: number, size: number): number {
  let s = size;
  doc.font(FONT);
  while (s > MIN_SIZE && doc.fontSize(s).widthOfString(text) > width) s -= 0.5;
  return s;
}

/** One ruled cell with its text fitted inside it (clipped, never spilling into the neighbour). */
export function cell(doc: Pdf, x: number, y: number, w: number, h: number, text: string, style: CellStyle = {}): void {
  const { size = 9, align = 'left', valign = 'middle', fill, wrap = false, border = true } = style;
  if (fill) doc.save().rect(x, y, w, h).fill(fill).restore();
  if (border) doc.save().lineWidth(0.5).strokeColor('#000').rect(x, y, w, h).stroke().restore();
  if (!text) return;
  const inner = w - PAD * 2;
  doc.save().rect(x, y, w, h).clip();
  doc.font(FONT).fillColor('#000');
  if (wrap) {
    // Free text: wrapped at the given size, shrunk while it is taller than the box.
    let s = size;
    while (s > MIN_SIZE && doc.fontSize(s).heightOfString(text, { width: inner }) > h - PAD * 2) s -= 0.5;
    doc.fontSize(s);
    const th = doc.heightOfString(text, { width: inner });
    const ty = valign === 'top' ? y + PAD : y + Math.max(PAD, (h - th) / 2);
    doc.text(text, x + PAD, ty, { width: inner, height: h - PAD, align, lineGap: 0 });
  } else {
    const s = fitSize(doc, text, inner, size);
    doc.fontSize(s);
    const ty = valign === 'top' ? y + PAD : y + (h - s * 1.2) / 2;
    doc.text(text, x + PAD, ty, { width: inner, align, lineBreak: false });
  }
  doc.restore();
}

/** A box with a small caption in its top-left corner and the value below it, as on the paper forms. */
export function labelled(doc: Pdf, x: number, y: number, w: number, h: number, caption: string, value: string, style: CellStyle = {}): void {
  cell(doc, x, y, w, h, '', style);
  doc.font(FONT).fontSize(6).fillColor('#333').text(caption, x + PAD, y + 1.5, { width: w - PAD * 2, lineBreak: false });
  doc.fillColor('#000');
  cell(doc, x, y + 8, w, h - 8, value, { ...style, border: false, fill: undefined });
}

/** A heading centred over a width. */
export function heading(doc: Pdf, text: string, x: number, y: number, width: number, size = 14): number {
  doc.font(FONT).fontSize(size).fillColor('#000').text(text, x, y, { width, align: 'center', lineBreak: false });
  return y + size * 1.5;
}

export interface Column {
  header: string;
  width: number;
  align?: Align;
  /** Free text that may wrap inside its row. */
  wrap?: boolean;
}

export interface TableOptions {
  x: number;
  y: number;
  columns: Column[];
  rows: string[][];
  rowHeight?: number;
  headerHeight?: number;
  size?: number;
  /** Where the page ends: a row that would cross it goes to a new page. */
  bottom: number;
  /** Starts the next page and returns the y where the table continues (after any page heading). */
  newPage: () => number;
}

/** A table with a shaded header row, repeated on each page it continues on. Returns the y under it. */
export function table(doc: Pdf, o: TableOptions): number {
  const { rowHeight = 16, headerHeight = rowHeight, size = 8 } = o;
  const header = (top: number): number => {
    let x = o.x;
    for (const c of o.columns) {
      cell(doc, x, top, c.width, headerHeight, c.header, { size, align: 'center', fill: '#e8e8e8', wrap: true });
      x += c.width;
    }
    return top + headerHeight;
  };
  let y = header(o.y);
  for (const row of o.rows) {
    if (y + rowHeight > o.bottom) y = header(o.newPage());
    let x = o.x;
    o.columns.forEach((c, i) => {
      cell(doc, x, y, c.width, rowHeight, row[i] ?? '', { size, align: c.align ?? 'left', wrap: c.wrap ?? false });
      x += c.width;
    });
    y += rowHeight;
  }
  return y;
}

/** Column widths that fill total in the given proportions (the last column takes the rounding). */
export function widths(total: number, parts: number[]): number[] {
  const sum = parts.reduce((a, b) => a + b, 0);
  const out = parts.map((p) => Math.floor((total * p * 100) / sum) / 100);
  out[out.length - 1] = Math.round((total - out.slice(0, -1).reduce((a, b) => a + b, 0)) * 100) / 100;
  return out;
}
