// Drawing helpers for forms laid out like the paper ones: ruled cells whose text shrinks to fit (a paper
// form's boxes do not grow), labelled boxes (a small caption over the value), and tables that continue
// on a new page with their header repeated.
import type { Pdf } from './document.js';
import { FONT } from './font.js';

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
  // A text's width is proportional to its size: one measurement (shaping CJK text is the slow part).
  const w = doc.font(FONT).fontSize(size).widthOfString(text);
  if (w <= width) return size;
  return Math.max(MIN_SIZE, Math.floor(((size * width) / w) * 2) / 2);
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
    // The height grows about with the square of the size (taller lines, fewer characters per line):
    // a first guess from one measurement, then half-point steps down (each one is a full layout).
    let s = size;
    let th = doc.fontSize(s).heightOfString(text, { width: inner });
    if (th > h - PAD * 2) {
      s = Math.max(MIN_SIZE, Math.floor(s * Math.sqrt((h - PAD * 2) / th) * 2) / 2);
      th = doc.fontSize(s).heightOfString(text, { width: inner });
      while (s > MIN_SIZE && th > h - PAD * 2) th = doc.fontSize((s -= 0.5)).heightOfString(text, { width: inner });
    }
    const ty = valign === 'top' ? y + PAD : y + Math.max(PAD, (h - th) / 2);
    doc.text(text, x + PAD, ty, { width: inner, height: h - PAD, align, lineGap: 0 });
  } else {
    const s = fitSize(doc, text, inner, size);
    line(doc, text, x + PAD, valign === 'top' ? y + PAD : y + (h - s * 1.2) / 2, inner, s, align);
  }
  doc.restore();
}

/**
 * One line of text at a size, placed in a width by its measured width. PDFKit wraps any text given a
 * width, even with lineBreak false, so the width is never passed: the caller clips or fits.
 */
export function line(doc: Pdf, text: string, x: number, y: number, width: number, size: number, align: Align = 'left'): void {
  const w = doc.font(FONT).fontSize(size).widthOfString(text);
  const dx = align === 'left' ? 0 : align === 'center' ? (width - w) / 2 : width - w;
  doc.text(text, x + Math.max(0, dx), y, { lineBreak: false });
}

/** A box with a small caption in its top-left corner and the value below it, as on the paper forms. */
export function labelled(doc: Pdf, x: number, y: number, w: number, h: number, caption: string, value: string, style: CellStyle = {}): void {
  cell(doc, x, y, w, h, '', style);
  doc.save().rect(x, y, w, 8).clip().fillColor('#333');
  line(doc, caption, x + PAD, y + 1.5, w - PAD * 2, fitSize(doc, caption, w - PAD * 2, 6));
  doc.restore().fillColor('#000');
  cell(doc, x, y + 8, w, h - 8, value, { ...style, border: false, fill: undefined });
}

/** A heading centred over a width. */
export function heading(doc: Pdf, text: string, x: number, y: number, width: number, size = 14): number {
  doc.fillColor('#000');
  line(doc, text, x, y, width, fitSize(doc, text, width, size), 'center');
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
