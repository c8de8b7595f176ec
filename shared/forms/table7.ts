// 第7表 サービス利用票別表 (区分支給限度管理・利用者負担計算) as a table: one line per UPSIKYU record,
// grouped per person and month. Subtotal and total rows carry pseudo service codes (xxAAAA 区分支給
// 対象, xxEEEE 区分支給対象外, xxZZZZ 30日超過分, 999999 合計; specs/202407/UPSIKYU.json) and are named.
import { serviceTypeName } from '../spec/labels.js';
import { codeText } from './codes.js';
import { formatMonth, formatNumber } from './format.js';
import { col, formsPerPerson, type PersonDirectory, type PersonHeader } from './person.js';

export type Table7LineKind = 'detail' | 'subtotal' | 'total';

export interface Table7Line {
  kind: Table7LineKind;
  office: string;
  officeCode: string;
  /** The service code, or for subtotal rows 「11 訪問介護 区分支給限度対象 計」, for the total 「合計」. */
  service: string;
  item: string;
  units: string;
  discountRate: string;
  discountedUnits: string;
  count: string;
  serviceUnits: string;
  typeOver: string;
  typeWithin: string;
  classOver: string;
  classWithin: string;
  unitPrice: string;
  totalCost: string;
  benefitRate: string;
  claim: string;
  userShare: string;
  userFull: string;
  over30: string;
}

export interface Table7Form {
  kind: 'table7';
  person: PersonHeader;
  month: string;
  created: string;
  lines: Table7Line[];
}

const SUBTOTALS: Record<string, string> = { AAAA: '区分支給限度対象 計', EEEE: '区分支給限度対象外 計', ZZZZ: '30日超過分 計' };

function lineKind(code: string): Table7LineKind {
  if (code === '999999') return 'total';
  return SUBTOTALS[code.slice(2)] ? 'subtotal' : 'detail';
}

function serviceText(code: string, kind: Table7LineKind): string {
  if (kind === 'total') return '合計';
  if (kind === 'subtotal') return `${serviceTypeName(code.slice(0, 2), 'ja')} ${SUBTOTALS[code.slice(2)]}`;
  return code;
}

export function table7Line(r: readonly string[]): Table7Line {
  const code = col(r, 9).trim();
  const kind = lineKind(code);
  const n = (no: number) => formatNumber(col(r, no));
  const over30 = codeText('UPSIKYU', 33, col(r, 33));
  return {
    kind,
    office: kind === 'total' ? '' : col(r, 6),
    officeCode: kind === 'total' ? '' : col(r, 7),
    service: serviceText(code, kind),
    item: [col(r, 12), col(r, 10) || col(r, 11)].filter((s) => s.trim()).join(' '),
    units: n(13),
    discountRate: n(14),
    discountedUnits: n(15),
    count: n(16),
    serviceUnits: n(17),
    typeOver: n(19),
    typeWithin: n(20),
    classOver: n(21),
    classWithin: n(22),
    unitPrice: col(r, 23),
    totalCost: n(24),
    benefitRate: n(25),
    claim: n(26),
    userShare: n(28),
    userFull: n(29),
    // Only 該当 is worth a mark; 非該当 is the normal case and would fill the column with noise.
    over30: over30.code === '1' ? over30.label : '',
  };
}

/** Every 第7表 of a file: one per person and month, lines in the file's order. */
export function table7Forms(rows: readonly (readonly string[])[], people?: PersonDirectory): Table7Form[] {
  return formsPerPerson(rows, people, (group, head) => ({ kind: 'table7', person: head.person, month: formatMonth(head.link), created: head.created, lines: group.map(table7Line) }));
}
