// One partner's PDF for one month: the 送付状, then the documents of every unit that went to that
// partner on paper in that month. Made again whole when another unit joins the sheet, so there is
// always one PDF per partner per month to print or fax.
import type { DocumentView } from '../../shared/api/types.js';
import { personDirectory } from '../../shared/forms/index.js';
import { readRecords } from '../../shared/ticket/records.js';
import type { SpecCatalog } from '../../shared/spec/model.js';
import { parseFileName } from '../../shared/validator/fileName.js';
import { documentView } from '../app/views.js';
import { decodeMs932 } from '../check/ms932.js';
import { finish, numberPages, openPdf, pageCount } from '../pdf/index.js';
import { drawCover } from './cover.js';
import { drawDocuments, inFilingOrder } from './forms.js';
import { monthText } from './names.js';

export interface SheetInput {
  sender: { office: string; name: string | null; contact: string | null };
  receiver: { office: string; name: string | null };
  month: string;
  files: { name: string; data: Buffer }[];
  made: Date;
}

/** Each file as people read it (第6表 as the grid, the rest as forms). */
export function viewsOf(files: { name: string; data: Buffer }[], catalog: SpecCatalog): DocumentView[] {
  return files.flatMap((f) => {
    const meta = parseFileName(f.name, catalog).meta;
    return meta && /\.csv$/i.test(f.name) ? [documentView(f.name, meta.kind, f.data, catalog)] : [];
  });
}

function detail(v: DocumentView): string {
  return v.kind === 'grid' ? `利用者 ${v.grids.length} 名` : `${v.records.length} 件`;
}

export async function makeSheetPdf(input: SheetInput, catalog: SpecCatalog): Promise<{ pdf: Buffer; pages: number }> {
  const views = viewsOf(input.files, catalog);
  const doc = openPdf({
    timestamp: input.made,
    title: `${monthText(input.month)}分 ${input.receiver.name ?? input.receiver.office} 御中`,
    author: input.sender.name ?? input.sender.office,
    subject: 'サービス提供票等の送付（ケアプランデータ連携 未連携の事業所あて）',
  });
  // Page 1 stays free for the cover, drawn once the pages behind it are counted.
  const first = { used: true };
  const rows = new Map(input.files.map((f) => [f.name, readRecords(f.data, decodeMs932)]));
  const people = personDirectory(input.files.filter((f) => f.name.startsWith('UPHOSOKU_')).flatMap((f) => rows.get(f.name)!));
  const ctx = { partner: input.receiver.office, people, rowsOf: (file: string) => rows.get(file) ?? [] };
  const contents: { title: string; detail: string; pages: number }[] = [];
  for (const v of inFilingOrder(views)) {
    const before = pageCount(doc);
    drawDocuments(doc, [v], ctx, first);
    contents.push({ title: v.title, detail: detail(v), pages: pageCount(doc) - before });
  }
  const pages = pageCount(doc);
  drawCover(doc, { ...input, pages, contents });
  numberPages(doc, `${input.sender.name ?? input.sender.office} → ${input.receiver.name ?? input.receiver.office}\u3000${monthText(input.month)}分`);
  return { pdf: await finish(doc), pages };
}
