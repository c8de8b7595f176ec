// The 送付状 (FAX cover sheet) on the first page of each partner's monthly PDF: who sends to whom, for
// which month, how many pages, what is inside, and how to reach the sender. Drawn last, on the page
// kept free for it, once the pages behind it are counted.
import { localDate } from '../../shared/time.js';
import { cell, heading, labelled, line, pageBox, table, type Pdf } from '../pdf/index.js';
import { monthText } from './names.js';

export interface CoverInfo {
  sender: { office: string; name: string | null; contact: string | null };
  receiver: { office: string; name: string | null };
  month: string;
  pages: number;
  /** Each document in the PDF with the pages it takes. */
  contents: { title: string; detail: string; pages: number }[];
  made: Date;
}

function dateText(d: Date): string {
  const s = localDate(d);
  return `${s.slice(0, 4)}年${Number(s.slice(4, 6))}月${Number(s.slice(6, 8))}日`;
}

export function drawCover(doc: Pdf, c: CoverInfo): void {
  doc.switchToPage(0);
  const box = pageBox('portrait');
  const w = box.right - box.left;
  line(doc, `作成日\u3000${dateText(c.made)}`, box.left, box.top, w, 9, 'right');
  let y = heading(doc, 'FAX 送付状', box.left, box.top + 24, w, 24) + 10;
  labelled(doc, box.left, y, w * 0.55, 52, '宛先（サービス事業所）', `${c.receiver.name ?? '（事業所名）'}\u3000御中`, { size: 14 });
  labelled(doc, box.left + w * 0.55, y, w * 0.45, 52, '事業所番号', c.receiver.office, { size: 12 });
  y += 60;
  labelled(doc, box.left, y, w * 0.55, 40, '送信元（居宅介護支援事業所）', c.sender.name ?? '', { size: 12 });
  labelled(doc, box.left + w * 0.55, y, w * 0.45, 40, '事業所番号', c.sender.office, { size: 11 });
  y += 40;
  labelled(doc, box.left, y, w, 32, '連絡先', c.sender.contact ?? '（電話・FAX 番号をお書きください）', { size: 11 });
  y += 40;
  labelled(doc, box.left, y, w * 0.7, 36, '件名', `${monthText(c.month)}分\u3000サービス提供票等の送付`, { size: 12 });
  labelled(doc, box.left + w * 0.7, y, w * 0.3, 36, '送付枚数', `${c.pages} 枚（本紙を含む）`, { size: 12 });
  y += 48;
  y = table(doc, {
    x: box.left, y, bottom: box.bottom - 150, rowHeight: 20, size: 9,
    columns: [{ header: '書類', width: w * 0.5 }, { header: '内容', width: w * 0.35 }, { header: '枚数', width: w * 0.15, align: 'right' }],
    rows: c.contents.map((x) => [x.title, x.detail, `${x.pages} 枚`]),
    // The cover lists a handful of documents; should it ever overflow, the list stops at the page.
    newPage: () => box.bottom,
  });
  y += 16;
  cell(doc, box.left, y, w, 70, '', {});
  line(doc, '連絡事項', box.left + 2, y + 1.5, w, 6);
  doc
    .fontSize(9.5)
    .text(
      '内容をご確認ください。サービス提供の実績は、月末までにご返送をお願いします。\nご不明な点は上記の連絡先までお問い合わせください。\n' +
        'この書類はケアプランデータ連携でお送りすることもできます（FAX・転記が不要になります）。',
      box.left + 8, y + 12, { width: w - 16, lineGap: 2 },
    );
}
