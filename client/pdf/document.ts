// One PDF document: A4 (portrait or landscape per page), the embedded Japanese font, and output that is the
// same bytes every time for the same content and timestamp. PDFKit's only varying parts are the
// CreationDate (now, unless given), the ModDate and the file ID (an MD5 of the info dictionary, so of the
// dates too); everything else (object order, zlib streams, the font subset's tag) is a function of what was
// drawn. So the timestamp is injected, never read from the clock here.
import PDFDocument from 'pdfkit';
import { FONT, notoSansJp } from './font.js';

export { FONT };
import { fitSize, line } from './table.js';

export type Pdf = PDFKit.PDFDocument;
export type Layout = 'portrait' | 'landscape';

/** A4 in points (PDF units: 1/72 inch). */
export const A4 = { width: 595.28, height: 841.89 } as const;
/** The margin every page keeps (about 12 mm): room for a FAX machine's header line and for punching. */
export const MARGIN = 34;

export interface PdfInfo {
  /** When the document was made: written as CreationDate and ModDate, and the source of the file ID. */
  timestamp: Date;
  title: string;
  author?: string;
  subject?: string;
  /** The first page's orientation (each later page chooses its own). */
  layout?: Layout;
}

/** Page size and usable area for a layout. */
export function pageBox(layout: Layout): { width: number; height: number; left: number; top: number; right: number; bottom: number } {
  const width = layout === 'portrait' ? A4.width : A4.height;
  const height = layout === 'portrait' ? A4.height : A4.width;
  return { width, height, left: MARGIN, top: MARGIN, right: width - MARGIN, bottom: height - MARGIN };
}

/** A new document with the font registered and the first page added. Pages stay buffered (see {@link finish}). */
export function openPdf(info: PdfInfo): Pdf {
  const doc = new PDFDocument({
    size: 'A4',
    layout: info.layout ?? 'portrait',
    margin: MARGIN,
    // Buffered so a cover sheet can state the page count and each page its number once all are drawn.
    bufferPages: true,
    // No default font: PDFKit would load Helvetica (useless for Japanese, and absent from the app's
    // bundle); the Japanese font is registered and chosen right below, parsed once per document.
    font: null as unknown as string,
    compress: true,
    info: {
      Title: info.title,
      ...(info.author ? { Author: info.author } : {}),
      ...(info.subject ? { Subject: info.subject } : {}),
      Creator: 'careplan-link',
      Producer: 'careplan-link (PDFKit)',
      CreationDate: info.timestamp,
      ModDate: info.timestamp,
    },
    displayTitle: true,
    lang: 'ja-JP',
  });
  doc.registerFont(FONT, notoSansJp());
  doc.font(FONT);
  return doc;
}

/** Adds a page in the given orientation and returns its usable box. */
export function addPage(doc: Pdf, layout: Layout): ReturnType<typeof pageBox> {
  doc.addPage({ size: 'A4', layout, margin: MARGIN });
  doc.font(FONT);
  return pageBox(layout);
}

/** Ends the document and resolves with its bytes. */
export function finish(doc: Pdf): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

/** The number of pages drawn so far. */
export function pageCount(doc: Pdf): number {
  return doc.bufferedPageRange().count;
}

/**
 * Writes "n / N" at the foot of every page (for a FAX, where pages get separated), with an optional
 * left-hand label such as the sender's name.
 */
export function numberPages(doc: Pdf, label = ''): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    const { width, height } = doc.page;
    // Writing inside the bottom margin must not start a new page: the margin is lifted for this line.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.fillColor('#444');
    // One line each (PDFKit wraps any text given a width): the label shrunk to fit, the number right-aligned.
    if (label) line(doc, label, MARGIN, height - MARGIN + 10, width - 2 * MARGIN - 90, fitSize(doc, label, width - 2 * MARGIN - 90, 8));
    line(doc, `${i - start + 1} / ${count}`, width - MARGIN - 80, height - MARGIN + 10, 80, 8, 'right');
    doc.page.margins.bottom = bottom;
    doc.fillColor('black');
  }
}
