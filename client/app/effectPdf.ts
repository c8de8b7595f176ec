// The 効果レポート as an A4 PDF an office manager hands to a municipality or a partner: the month's
// counts, the trend as bars and as a table, the estimate, and every assumption with its source. Drawn
// with the project's Chromium-free PDF module (client/pdf/: PDFKit and the embedded Noto Sans JP); the
// report's own generatedAt is the document's timestamp, so the same report is the same bytes.
import { ASSUMPTION_SOURCES, type AssumptionKey } from '../../shared/effect/assumptions.js';
import { monthLabel } from '../../shared/effect/csv.js';
import type { EffectMonth, EffectReport } from '../../shared/effect/report.js';
import { localDateTimeText } from '../../shared/time.js';
import { cell, finish, FONT, heading, labelled, numberPages, openPdf, pageBox, table, widths, type Pdf } from '../pdf/index.js';

const DATA = '#0b5cad';
const PAPER = '#c98a00';

const ASSUMPTION_LABEL: Record<AssumptionKey, string> = {
  minutesPerMonth: 'データ連携で減る時間（分／月）',
  yenPerMonth: 'データ連携で減る費用（円／月）',
  sheetsPerUserForm: '様式1つあたりの枚数（利用者1人）',
  coverPagesPerFax: 'FAX 1回の送付状の枚数',
};

/** Bars of data and paper sheets per month, with the value over each bar and the month under it. */
function bars(doc: Pdf, months: EffectMonth[], x: number, y: number, w: number, h: number): void {
  const max = Math.max(1, ...months.flatMap((m) => [m.data.sheets, m.paper.sheets]));
  const slot = w / months.length;
  const bar = Math.min(22, (slot - 12) / 2);
  const base = y + h - 14;
  const plot = h - 30;
  doc.save().lineWidth(0.5).strokeColor('#888').moveTo(x, base).lineTo(x + w, base).stroke().restore();
  months.forEach((m, i) => {
    const x0 = x + i * slot + (slot - bar * 2) / 2;
    [
      [m.data.sheets, DATA],
      [m.paper.sheets, PAPER],
    ].forEach(([v, colour], j) => {
      const bh = ((v as number) / max) * plot;
      const bx = x0 + j * bar;
      if (bh > 0) doc.save().rect(bx, base - bh, bar - 2, bh).fill(colour as string).restore();
      doc.font(FONT).fontSize(7).fillColor('#000').text(String(v), bx - 4, base - bh - 9, { width: bar + 6, align: 'center', lineBreak: false });
    });
    doc.fontSize(7).text(monthLabel(m.month), x + i * slot, base + 3, { width: slot, align: 'center', lineBreak: false });
  });
  // The legend, on the title's line at the right: above the bars, so a tall bar's value never meets it.
  [
    ['データ', DATA],
    ['紙', PAPER],
  ].forEach(([label, colour], i) => {
    const lx = x + w - 110 + i * 55;
    doc.save().rect(lx, y - 13, 8, 8).fill(colour!).restore();
    doc.fontSize(8).fillColor('#000').text(label!, lx + 11, y - 14, { lineBreak: false });
  });
}

export async function effectReportPdf(r: EffectReport): Promise<Buffer> {
  const title = `効果レポート ${monthLabel(r.month)}`;
  const doc = openPdf({ timestamp: new Date(r.generatedAt), title, author: r.officeName ?? r.office, subject: 'ケアプランデータ連携の効果（careplan-link）' });
  const box = pageBox('portrait');
  const width = box.right - box.left;
  let y = heading(doc, title, box.left, box.top, width, 16);
  const third = width / 3;
  labelled(doc, box.left, y, third, 26, '事業所名', r.officeName ?? '');
  labelled(doc, box.left + third, y, third, 26, '事業所番号', r.office);
  labelled(doc, box.left + third * 2, y, third, 26, '作成日時', localDateTimeText(new Date(r.generatedAt)));
  y += 34;

  const c = r.current;
  const quarter = width / 4;
  labelled(doc, box.left, y, quarter, 30, 'データで送った', `${c.data.units} 件・${c.data.sheets} 枚`, { size: 11 });
  labelled(doc, box.left + quarter, y, quarter, 30, '紙で送った', `${c.paper.units} 件・${c.paper.sheets} 枚`, { size: 11 });
  labelled(doc, box.left + quarter * 2, y, quarter, 30, '相手の事業所', `連携中 ${c.linked.length}・未連携 ${c.unlinked.length}`, { size: 11 });
  labelled(doc, box.left + quarter * 3, y, quarter, 30, '転記せずに済んだ実績', `${c.transcriptionAvoided.users} 人分・${c.transcriptionAvoided.records} 行`, { size: 11 });
  y += 40;

  doc.font(FONT).fontSize(10).fillColor('#000').text('月ごとの枚数（データ・紙）', box.left, y, { lineBreak: false });
  bars(doc, r.trend, box.left, y + 14, width, 130);
  y += 152;

  const monthCols = widths(width, [1.3, 1, 1, 1, 1, 1, 1, 1.2]).map((w, i) => ({ header: ['対象年月', 'データ（件）', 'データ（枚）', '紙（件）', '紙（枚）', '連携中', '未連携', '転記不要の実績（行）'][i]!, width: w, align: (i === 0 ? 'left' : 'right') as 'left' | 'right' }));
  const newPage = () => {
    doc.addPage({ size: 'A4', layout: 'portrait' });
    return box.top;
  };
  y = table(doc, { x: box.left, y, columns: monthCols, rows: r.trend.map((m) => [monthLabel(m.month), m.data.units, m.data.sheets, m.paper.units, m.paper.sheets, m.linked.length, m.unlinked.length, m.transcriptionAvoided.records].map(String)), bottom: box.bottom, newPage, size: 8 });
  y += 12;

  const e = r.estimate;
  doc.font(FONT).fontSize(10).text(`試算（${monthLabel(r.month)}）`, box.left, y, { lineBreak: false });
  y += 16;
  const fifth = width / 5;
  [
    ['データで送った割合', `${Math.round(e.dataShare * 100)}%`],
    ['印刷しなかった枚数', `${e.sheetsSaved} 枚`],
    ['送らずに済んだ FAX', `${e.faxPagesSaved} ページ`],
    ['減った時間', `${e.minutesSaved} 分`],
    ['減った費用', `${e.yenSaved.toLocaleString('ja-JP')} 円`],
  ].forEach(([k, v], i) => labelled(doc, box.left + fifth * i, y, fifth, 30, k!, v!, { size: 11 }));
  y += 40;

  const aCols = widths(width, [2.2, 0.8, 5]).map((w, i) => ({ header: ['試算の前提', '値', '出典'][i]!, width: w, align: (i === 1 ? 'right' : 'left') as 'left' | 'right', wrap: i !== 1 }));
  const keys = Object.keys(ASSUMPTION_LABEL) as AssumptionKey[];
  y = table(doc, { x: box.left, y, columns: aCols, rows: keys.map((k) => [ASSUMPTION_LABEL[k], String(r.assumptions[k]), ASSUMPTION_SOURCES[k].ja]), rowHeight: 26, headerHeight: 16, bottom: box.bottom, newPage, size: 8 });
  y += 8;
  const note = '件数・枚数・相手の数・実績の行数は、この事業所の送受信の履歴から数えた実数です。時間と費用は、上の前提に「データで送った割合」を掛けた試算です。';
  cell(doc, box.left, y, width, 26, note, { size: 8, wrap: true, border: false, valign: 'top' });
  numberPages(doc, `${r.officeName ?? r.office}  ${title}`);
  return finish(doc);
}
