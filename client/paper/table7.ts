// 第7表 サービス利用票別表 as on paper (landscape, one sheet per person and month): the person's head
// and the 区分支給限度管理・利用者負担計算 table, from shared/forms (codes named, numbers and dates as
// people write them). Only the receiving provider's lines are printed, with the subtotals and total.
import type { Table7Form, Table7Line } from '../../shared/forms/index.js';
import { labelled, table, type Column, type Pdf } from '../pdf/index.js';

const COLUMNS: [string, number, keyof Table7Line, 'left' | 'right'][] = [
  ['事業所名', 110, 'office', 'left'],
  ['サービス内容／種類', 110, 'service', 'left'],
  ['単位数', 38, 'units', 'right'],
  ['割引後率％', 34, 'discountRate', 'right'],
  ['割引後単位数', 40, 'discountedUnits', 'right'],
  ['回数', 28, 'count', 'right'],
  ['サービス単位／金額', 48, 'serviceUnits', 'right'],
  ['種類支給限度基準を超える単位数', 44, 'typeOver', 'right'],
  ['種類支給限度基準内単位数', 44, 'typeWithin', 'right'],
  ['区分支給限度基準を超える単位数', 44, 'classOver', 'right'],
  ['区分支給限度基準内単位数', 44, 'classWithin', 'right'],
  ['単位数単価', 34, 'unitPrice', 'right'],
  ['費用総額（保険対象分）', 48, 'totalCost', 'right'],
  ['給付率％', 28, 'benefitRate', 'right'],
  ['保険給付額', 46, 'claim', 'right'],
  ['利用者負担（保険対象分）', 46, 'userShare', 'right'],
  ['利用者負担（全額負担分）', 46, 'userFull', 'right'],
];

/** Draws one person's 第7表 from y on a landscape page; `newPage` continues the table on another. */
export function drawTable7(doc: Pdf, f: Table7Form, partner: string, box: { left: number; right: number; bottom: number }, y: number, newPage: () => number): void {
  const w = box.right - box.left;
  const lines = f.lines.some((l) => l.officeCode === partner) ? f.lines.filter((l) => l.kind !== 'detail' || l.officeCode === partner) : f.lines;
  labelled(doc, box.left, y, w * 0.3, 24, '被保険者氏名', f.person.name || '（氏名は利用者補足情報にあります）');
  labelled(doc, box.left + w * 0.3, y, w * 0.2, 24, '保険者番号', f.person.insurer);
  labelled(doc, box.left + w * 0.5, y, w * 0.2, 24, '被保険者番号', f.person.insured);
  labelled(doc, box.left + w * 0.7, y, w * 0.15, 24, '対象年月', f.month);
  labelled(doc, box.left + w * 0.85, y, w * 0.15, 24, '作成年月日', f.created);
  const scale = w / COLUMNS.reduce((a, c) => a + c[1], 0);
  const columns: Column[] = COLUMNS.map(([header, width, , align]) => ({ header, width: width * scale, align }));
  table(doc, {
    x: box.left, y: y + 32, columns, headerHeight: 30, rowHeight: 18, size: 7.5, bottom: box.bottom, newPage,
    rows: lines.map((l) => COLUMNS.map(([, , key]) => String(l[key] ?? ''))),
  });
}
