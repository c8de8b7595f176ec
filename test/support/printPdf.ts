// 印刷 in the browser tests: the print dialog stubbed (headless Chromium has none), then Chromium's own
// printToPDF (page.pdf, the engine of Electron's 「PDFで保存」) on the print CSS, measured with poppler.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Page } from 'playwright-core';

export interface PrintedPdf {
  pages: number;
  /** Each page's orientation, 'portrait' or 'landscape'. */
  sizes: string[];
  /** Whether each page is A4 (595×842 pt either way round). */
  a4: boolean[];
  /** Each page's first line of text (the form's title and the person it is for). */
  heads: string[];
}

/** Presses 印刷 on `p`, writes `<dir>/<name>.pdf` and its pages as PNGs (`-r` dpi), and measures it. */
export async function printToPdf(p: Page, dir: string, name: string, dpi = 60): Promise<PrintedPdf> {
  // Strings, not functions: the tests are type-checked without the DOM library.
  await p.evaluate('window.print = () => undefined');
  await p.getByTestId('print-button').click();
  const path = join(dir, `${name}.pdf`);
  await p.pdf({ path, preferCSSPageSize: true, printBackground: true });
  await p.evaluate("window.dispatchEvent(new Event('afterprint'))");
  execFileSync('pdftoppm', ['-png', '-r', String(dpi), path, join(dir, name)]);
  const info = execFileSync('pdfinfo', ['-l', '99', path]).toString();
  const dims = [...info.matchAll(/Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
  const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
  const heads = Array.from({ length: pages }, (_, i) => execFileSync('pdftotext', ['-f', `${i + 1}`, '-l', `${i + 1}`, path, '-']).toString().split('\n')[0]!);
  return {
    pages,
    sizes: dims.map(([w, h]) => (w > h ? 'landscape' : 'portrait')),
    a4: dims.map(([w, h]) => Math.abs(Math.min(w, h) - 595) < 3 && Math.abs(Math.max(w, h) - 842) < 3),
    heads,
  };
}
