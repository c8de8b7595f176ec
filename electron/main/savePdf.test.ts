// 「PDFで保存」 without Electron: a fake save dialog and a fake webContents stand in for the window, the
// PDF is written for real into a temporary folder. Checks what is asked of printToPDF, that a
// cancelled dialog writes nothing, that an existing file is never replaced, and the payload rules.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SaveDialogOptions, SaveDialogReturnValue } from 'electron';
import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../shared/api/methods.js';
import { PDF_OPTIONS, savePdfHandler, type SaveDialogLike } from './savePdf.js';

const PDF = new TextEncoder().encode('%PDF-1.7 fake');

function fakes(answer: (o: SaveDialogOptions) => SaveDialogReturnValue, print: () => Promise<Uint8Array> = async () => PDF) {
  const asked: SaveDialogOptions[] = [];
  const printed: unknown[] = [];
  const dialog: SaveDialogLike = {
    showSaveDialog: async (...args: unknown[]) => {
      const o = args.at(-1) as SaveDialogOptions;
      asked.push(o);
      return answer(o);
    },
  };
  const contents = {
    printToPDF: async (o: unknown) => {
      printed.push(o);
      return print();
    },
  };
  return { dialog, contents, asked, printed };
}

describe('savePdf (Electron main)', () => {
  it('asks where to save, prints this window on the page sizes of its CSS and writes the PDF there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-pdf-'));
    const f = fakes(() => ({ canceled: false, filePath: join(dir, '第1表_佐藤 ハナ.pdf') }));
    const save = savePdfHandler({ dialog: f.dialog, parent: null, contents: f.contents, defaultDir: dir });
    await expect(save({ name: '第1表_佐藤 ハナ.pdf' })).resolves.toEqual({ path: join(dir, '第1表_佐藤 ハナ.pdf') });
    expect(f.asked[0]).toMatchObject({ defaultPath: join(dir, "第1表_佐藤 ハナ.pdf"), filters: [{ name: 'PDF', extensions: ['pdf'] }] });
    expect(f.printed).toEqual([PDF_OPTIONS]);
    expect(PDF_OPTIONS.preferCSSPageSize).toBe(true);
    expect(readFileSync(join(dir, '第1表_佐藤 ハナ.pdf'), 'utf8')).toBe('%PDF-1.7 fake');
  });

  it('writes nothing and prints nothing when the dialog is cancelled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-pdf-'));
    const f = fakes(() => ({ canceled: true, filePath: '' }));
    await expect(savePdfHandler({ dialog: f.dialog, parent: null, contents: f.contents, defaultDir: dir })({ name: 'a.pdf' })).resolves.toEqual({ path: null });
    expect(f.printed).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('never replaces a file that is there: the PDF gets a free name beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-pdf-'));
    writeFileSync(join(dir, '第6表.pdf'), 'the clerk’s own file');
    const f = fakes(() => ({ canceled: false, filePath: join(dir, '第6表') }));
    const r = await savePdfHandler({ dialog: f.dialog, parent: null, contents: f.contents, defaultDir: dir })({ name: '第6表.pdf' });
    expect(r.path).toBe(join(dir, '第6表 (2).pdf'));
    expect(readFileSync(join(dir, '第6表.pdf'), 'utf8')).toBe('the clerk’s own file');
    expect(readFileSync(join(dir, '第6表 (2).pdf'), 'utf8')).toBe('%PDF-1.7 fake');
  });

  it('says in Japanese when Chromium cannot make the PDF, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-pdf-'));
    const f = fakes(
      () => ({ canceled: false, filePath: join(dir, 'x.pdf') }),
      async () => {
        throw new Error('printing failed');
      },
    );
    await expect(savePdfHandler({ dialog: f.dialog, parent: null, contents: f.contents, defaultDir: dir })({ name: 'x.pdf' })).rejects.toMatchObject({ code: 'pdf_failed' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('accepts only a bare .pdf file name as the payload', () => {
    expect(parseRequest('savePdf', { name: '第1表_佐藤 ハナ.pdf' }).ok).toBe(true);
    for (const bad of [{}, { name: '..\\evil.pdf' }, { name: 'C:/x/y.pdf' }, { name: 'report.exe' }, { name: `${'あ'.repeat(130)}.pdf` }, { name: 'a.pdf', landscape: true }]) {
      expect(parseRequest('savePdf', bad).ok, JSON.stringify(bad)).toBe(false);
    }
  });
});
