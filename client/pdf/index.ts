// Chromium-free PDFs (the CLI, the web mode and the app's back end alike): PDFKit with the embedded
// Noto Sans JP, A4 pages, ruled-form helpers, and byte-for-byte reproducible output for a given timestamp.
export { A4, addPage, finish, FONT, MARGIN, numberPages, openPdf, pageBox, pageCount, type Layout, type Pdf, type PdfInfo } from './document.js';
export { FONT_FILE, fontCandidates, notoSansJp } from './font.js';
export { cell, fitSize, heading, labelled, line, MIN_SIZE, table, widths, type Align, type CellStyle, type Column, type TableOptions } from './table.js';
