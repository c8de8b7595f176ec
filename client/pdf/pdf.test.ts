// The PDF core: Japanese text that poppler can read back (the font is embedded, so no tofu), A4 pages in
// both orientations, and output that is byte-for-byte reproducible apart from the timestamp.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addPage, finish, numberPages, openPdf, pageBox, table, widths } from './index.js';

async function sample(timestamp: Date): Promise<Buffer> {
  const doc = openPdf({ timestamp, title: 'サービス利用票（試験）', author: 'ケアプラン事業所' });
  const box = pageBox('portrait');
  doc.fontSize(12).text('居宅介護支援事業所 さくら', box.left, box.top);
  const rows = Array.from({ length: 60 }, (_, i) => [`${i + 1}`, `訪問介護 身体介護${i}`, `${(i * 137) % 1000}`]);
  table(doc, {
    x: box.left, y: box.top + 30, columns: widths(box.right - box.left, [1, 6, 2]).map((width, i) => ({ header: ['No', 'サービス内容', '単位数'][i]!, width })), rows,
    bottom: box.bottom, newPage: () => addPage(doc, 'portrait').top,
  });
  const land = addPage(doc, 'landscape');
  doc.fontSize(10).text('横向きの頁：第6表', land.left, land.top);
  numberPages(doc, '送付元 さくら');
  return finish(doc);
}

/** The bytes with the date fields and the file ID (derived from them) blanked, lengths kept. */
function withoutDates(pdf: Buffer): string {
  return pdf
    .toString('latin1')
    .replace(/\(D:\d{14}Z\)/g, '(D:______________Z)')
    .replace(/\/ID \[<[0-9a-f]+> <[0-9a-f]+>\]/g, (m) => m.replace(/[0-9a-f]{32}/g, '_'.repeat(32)));
}

function poppler(tool: string, pdf: Buffer, ...args: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'cpl-pdf-'));
  const file = join(dir, 'x.pdf');
  writeFileSync(file, pdf);
  return execFileSync(tool, [...args, file, ...(tool === 'pdftotext' ? ['-'] : [])], { encoding: 'utf8' });
}

describe('client/pdf', () => {
  it('the same content and timestamp give the same bytes', async () => {
    const t = new Date('2026-12-02T01:02:03Z');
    const [a, b] = [await sample(t), await sample(t)];
    expect(a.equals(b)).toBe(true);
  });

  it('another timestamp changes only the dates and the file ID', async () => {
    const a = await sample(new Date('2026-12-02T01:02:03Z'));
    const b = await sample(new Date('2027-01-15T23:59:59Z'));
    expect(a.equals(b)).toBe(false);
    expect(a.length).toBe(b.length);
    // PDFKit writes the info strings as objects of their own: CreationDate and ModDate, both the timestamp.
    expect(a.toString('latin1').match(/\(D:\d{14}Z\)/g)).toEqual(['(D:20261202010203Z)', '(D:20261202010203Z)']);
    expect(b.toString('latin1').match(/\(D:\d{14}Z\)/g)).toEqual(['(D:20270115235959Z)', '(D:20270115235959Z)']);
    expect(withoutDates(a)).toBe(withoutDates(b));
    // The masking hides only those fields: the bytes differ in at most dates (2 × 14 digits) and IDs (2 × 32 hex).
    let differing = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differing++;
    expect(differing).toBeGreaterThan(0);
    expect(differing).toBeLessThanOrEqual(2 * 14 + 2 * 32);
  });

  it('Japanese text is embedded in Noto Sans JP and reads back; pages are A4 in both orientations', async () => {
    const pdf = await sample(new Date('2026-12-02T01:02:03Z'));
    const text = poppler('pdftotext', pdf, '-layout');
    expect(text).toContain('居宅介護支援事業所 さくら');
    expect(text).toContain('訪問介護 身体介護59');
    expect(text).toContain('横向きの頁：第6表');
    expect(text).toContain('送付元 さくら');
    const info = poppler('pdfinfo', pdf, '-f', '1', '-l', '3');
    expect(info).toMatch(/Pages:\s+3/);
    expect(info).toMatch(/Page\s+1 size:\s+595\.28 x 841\.89/);
    expect(info).toMatch(/Page\s+3 size:\s+841\.89 x 595\.28/);
    expect(info).toMatch(/Title:\s+サービス利用票（試験）/);
    expect(text).toMatch(/3\s*\/\s*3/);
    const fonts = poppler('pdffonts', pdf);
    expect(fonts).toMatch(/NotoSansJP/);
    expect(fonts).not.toMatch(/Helvetica/);
    // Subset: a few hundred KB at most, not the 5 MB font.
    expect(pdf.length).toBeLessThan(400_000);
  });
});
