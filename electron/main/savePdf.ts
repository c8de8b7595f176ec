// 「PDFで保存」 in the desktop app: a save dialog over the window that asked, then Chromium's
// printToPDF of that same window (the page has marked what to print; print.css lays it out on A4,
// portrait or landscape per form, with preferCSSPageSize). The payload is only a suggested file name
// (checked by the API schema); the page cannot say where to write. The PDF is written durably and
// never over an existing file (platform/userFiles.ts): the answer says where it went.
import { join } from 'node:path';
import type { BrowserWindow, SaveDialogOptions, SaveDialogReturnValue } from 'electron';
import { saveBesideExisting } from '../../platform/userFiles.js';
import { ApiError, type Handlers } from '../../shared/api/methods.js';

export interface SaveDialogLike {
  showSaveDialog(window: BrowserWindow, options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
  showSaveDialog(options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
}

/** The part of webContents the PDF needs. */
export interface PrintableContents {
  printToPDF(options: { printBackground: boolean; preferCSSPageSize: boolean; pageSize: 'A4' }): Promise<Uint8Array>;
}

export interface SavePdfDeps {
  dialog: SaveDialogLike;
  parent: BrowserWindow | null;
  contents: PrintableContents;
  /** Where the dialog opens first (the user's Documents folder). */
  defaultDir: string;
  /** Writes the file without replacing one that is there; returns where it went. */
  save?: (path: string, data: Buffer) => Promise<string>;
}

/** Printing options: the page's own @page sizes (A4 portrait / landscape) and its colours. */
export const PDF_OPTIONS = { printBackground: true, preferCSSPageSize: true, pageSize: 'A4' } as const;

export function savePdfHandler(deps: SavePdfDeps): Handlers['savePdf'] {
  const save = deps.save ?? saveBesideExisting;
  return async ({ name }) => {
    const options: SaveDialogOptions = {
      title: 'PDFで保存',
      buttonLabel: '保存',
      defaultPath: join(deps.defaultDir, name),
      filters: [{ name: 'PDF', extensions: ['pdf'] }],
      properties: ['showOverwriteConfirmation', 'createDirectory'],
    };
    const r = deps.parent ? await deps.dialog.showSaveDialog(deps.parent, options) : await deps.dialog.showSaveDialog(options);
    if (r.canceled || !r.filePath) return { path: null };
    const chosen = /\.pdf$/i.test(r.filePath) ? r.filePath : `${r.filePath}.pdf`;
    let pdf: Uint8Array;
    try {
      pdf = await deps.contents.printToPDF(PDF_OPTIONS);
    } catch {
      throw new ApiError('pdf_failed', 'PDFを作れませんでした。もう一度「PDFで保存」を押してください', 'Could not make the PDF: press Save as PDF again');
    }
    return { path: await save(chosen, Buffer.from(pdf)) };
  };
}
