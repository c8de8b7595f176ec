// The 効果レポート as a CSV a clerk opens in Excel on a Japanese Windows: UTF-8 with a BOM (without
// one Excel reads it as Shift_JIS), CRLF, Japanese headers, times on the PC's clock. Three blocks:
// the office and when, the months (the trend, the report month last), and the estimate with the
// assumptions it used and where each comes from.
import { localDateTimeText } from '../time.js';
import { ASSUMPTION_SOURCES, type AssumptionKey } from './assumptions.js';
import type { EffectReport } from './report.js';

/** A field, quoted when it holds a comma, a quote or a line break; a leading = + - @ is made plain text for Excel. */
function cell(v: string | number): string {
  const s = typeof v === 'number' ? String(v) : /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Digits Excel would turn into a number (dropping a leading 0): kept as text with ="…". */
const digits = (v: string): string => `"=""${v}"""`;

export const monthLabel = (m: string): string => `${m.slice(0, 4)}年${Number(m.slice(4, 6))}月`;

const MONTH_HEADER = ['対象年月', 'データで送った送信単位', 'データで送った枚数', '紙で送った送信単位', '紙で送った枚数', '連携中の相手', '未連携の相手', 'データで届いた実績（送信単位）', 'データで届いた実績（利用者）', 'データで届いた実績（明細）'];

const ASSUMPTION_LABEL: Record<AssumptionKey, string> = {
  minutesPerMonth: 'データ連携で減る時間（分／月）',
  yenPerMonth: 'データ連携で減る費用（円／月）',
  sheetsPerUserForm: '様式1つあたりの枚数（利用者1人）',
  coverPagesPerFax: 'FAX 1回の送付状の枚数',
};

export function effectReportCsv(r: EffectReport): string {
  const e = r.estimate;
  const rows: (string | number)[][] = [
    ['効果レポート', monthLabel(r.month)],
    ['事業所番号', r.office],
    ['事業所名', r.officeName ?? ''],
    ['作成日時', localDateTimeText(new Date(r.generatedAt))],
    [],
    MONTH_HEADER,
    ...r.trend.map((m) => [monthLabel(m.month), m.data.units, m.data.sheets, m.paper.units, m.paper.sheets, m.linked.length, m.unlinked.length, m.transcriptionAvoided.units, m.transcriptionAvoided.users, m.transcriptionAvoided.records]),
    [],
    ['試算（' + monthLabel(r.month) + '）', '値'],
    ['データで送った割合（％）', Math.round(e.dataShare * 1000) / 10],
    ['印刷しなかった枚数', e.sheetsSaved],
    ['送らずに済んだ FAX ページ', e.faxPagesSaved],
    ['減った時間（分）', e.minutesSaved],
    ['減った費用（円）', e.yenSaved],
    [],
    ['試算の前提', '値', '出典'],
    ...(Object.keys(ASSUMPTION_LABEL) as AssumptionKey[]).map((k) => [ASSUMPTION_LABEL[k], r.assumptions[k], ASSUMPTION_SOURCES[k].ja]),
  ];
  const lines = rows.map((row) => row.map((v, i) => (row[0] === '事業所番号' && i === 1 ? digits(String(v)) : cell(v))).join(','));
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

/** The CSV's file name: the office and the month, as a clerk finds it again in Downloads. */
export const effectReportFileName = (r: EffectReport, ext: 'csv' | 'pdf' | 'json'): string => `careplan-link-効果レポート-${r.office}-${r.month}.${ext}`;
