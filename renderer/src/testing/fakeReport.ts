// The fake back end's answers for the paper-実績 and 効果レポート screens: a plan sent to a provider
// with two weekly rows, and a report month with data and paper sends over a half-year trend.
import type { AppApi } from '../../../shared/api/methods.js';
import type { EffectReport, PaperActualSource } from '../../../shared/api/types.js';
import { DEFAULT_ASSUMPTIONS } from '../../../shared/effect/assumptions.js';
import type { UserGrid } from '../../../shared/ticket/ticket.js';

export const PAPER_PLAN = 'UPPLAN_202504_1310000011_43_1310000037_15_20250425120002.CSV';

export const paperSource: PaperActualSource = {
  planFile: PAPER_PLAN,
  month: '202504',
  sequence: '20250425120002',
  provider: { office: '1310000037', serviceType: '15', name: 'さくらデイサービス' },
  users: [
    { insurer: '131010', insured: '1000000000' },
    { insurer: '131011', insured: '1000007919' },
  ],
};

const week = (weekday: number): number[] => Array.from({ length: 31 }, (_, i) => (i < 30 && (i + 2) % 7 === weekday % 7 ? 1 : 0));

export const paperGrid: UserGrid = {
  insurer: '131010',
  insured: '1000000000',
  month: '202504',
  daysInMonth: 30,
  rows: [
    { key: '1310000037|151111|0930|1630', provider: '1310000037', providerName: 'さくらデイサービス', serviceCode: '151111', start: '0930', end: '1630', days: week(4), total: week(4).reduce((a, b) => a + b, 0), units: 655 * 4 },
  ],
};

const month = (m: string, dataUnits: number, paperUnits: number, linked: string[], unlinked: string[], actuals: number) => ({
  month: m,
  data: { units: dataUnits, sheets: dataUnits * 3 },
  paper: { units: paperUnits, sheets: paperUnits * 3 },
  linked,
  unlinked,
  faxRecipients: linked.length,
  transcriptionAvoided: { units: actuals, users: actuals * 2, records: actuals * 12 },
});

export const effectReport: EffectReport = {
  office: '1310000011',
  officeName: 'ケアプランリンク居宅介護支援センター',
  month: '202504',
  generatedAt: '2025-04-30T01:00:00.000Z',
  trend: [
    month('202411', 0, 3, [], ['1310000029', '1310000037', '1310000045'], 0),
    month('202412', 0, 3, [], ['1310000029', '1310000037', '1310000045'], 0),
    month('202501', 1, 2, ['1310000029'], ['1310000037', '1310000045'], 1),
    month('202502', 1, 2, ['1310000029'], ['1310000037', '1310000045'], 1),
    month('202503', 2, 1, ['1310000029', '1310000045'], ['1310000037'], 1),
    month('202504', 2, 1, ['1310000029', '1310000045'], ['1310000037'], 2),
  ],
  current: month('202504', 2, 1, ['1310000029', '1310000045'], ['1310000037'], 2),
  estimate: { dataShare: 2 / 3, sheetsSaved: 6, faxPagesSaved: 8, minutesSaved: 15.3, yenSaved: 1445 },
  assumptions: { ...DEFAULT_ASSUMPTIONS },
};

export const fakeReportApi = {
  paperActualSources: async () => [structuredClone(paperSource)],
  paperActualGrid: async () => structuredClone(paperGrid),
  exportPaperActuals: async ({ planFile }) => ({ file: planFile.replace('UPPLAN', 'UPJSK'), path: `C:\\CareSoft\\import\\${planFile.replace('UPPLAN', 'UPJSK')}`, records: 4, errors: 0, warnings: 0 }),
  effectReport: async () => structuredClone(effectReport),
  effectReportCsv: async () => ({ fileName: 'careplan-link-効果レポート-1310000011-202504.csv', csv: '\uFEFF効果レポート,2025年4月\r\n' }),
  // "%PDF-" and nothing more: the screen only hands the bytes to the browser.
  effectReportPdf: async () => ({ fileName: 'careplan-link-効果レポート-1310000011-202504.pdf', base64: 'JVBERi0=' }),
  saveEffectAssumptions: async (a) => ({ ...a }),
} satisfies Pick<AppApi, 'paperActualSources' | 'paperActualGrid' | 'exportPaperActuals' | 'effectReport' | 'effectReportCsv' | 'effectReportPdf' | 'saveEffectAssumptions'>;
