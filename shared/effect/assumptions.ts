// The figures the 効果レポート's estimate rests on, each with where it comes from. A clerk may change
// them in the app (they are kept in the app's settings file); the report always prints the values it
// used beside the estimate, so a reader can see what the numbers mean. docs/effect-report.md says the same,
// and says what is not yet checked: the study's two figures are taken as issue 14 cites them.
import { z } from 'zod';

export interface EffectAssumptions {
  /** Minutes an office saves per month when it shares 予定/実績 by data (the study's average). */
  minutesPerMonth: number;
  /** Yen an office spends less per month on sharing 予定 when it shares by data (the study's average). */
  yenPerMonth: number;
  /** Paper sheets one form (第6表, 第7表, 第1表 …) takes for one user. */
  sheetsPerUserForm: number;
  /** Cover pages (送付状) a FAX carries, one FAX per partner per month. */
  coverPagesPerFax: number;
}

export type AssumptionKey = keyof EffectAssumptions;

/** Where each default comes from, in the words the report and the settings show. */
export const ASSUMPTION_SOURCES: Record<AssumptionKey, { ja: string; en: string }> = {
  minutesPerMonth: {
    ja: '厚生労働省の委託による2025年の調査研究（ケアプランデータ連携の地域単位での導入）: 効果のあった事業所で、平均して月23分の削減',
    en: 'The MHLW-commissioned 2025 study of area-wide adoption of ケアプランデータ連携: where savings came, 23 minutes a month saved on average',
  },
  yenPerMonth: {
    ja: '同じ調査研究: 予定の共有にかかる費用が平均して月2,167円の削減',
    en: 'The same study: on average 2,167 yen a month less spent on sharing 予定',
  },
  sheetsPerUserForm: {
    ja: 'careplan-link の仮定: 紙の様式（第6表・第7表など）は利用者1人につき1枚',
    en: "careplan-link's assumption: a paper form (第6表, 第7表 …) takes one sheet per user",
  },
  coverPagesPerFax: {
    ja: 'careplan-link の仮定: 相手ごと・月ごとに送付状1枚を付けて FAX する（紙で送る書類と同じ作り）',
    en: "careplan-link's assumption: one cover sheet per partner per month, as the paper documents careplan-link makes",
  },
};

export const DEFAULT_ASSUMPTIONS: EffectAssumptions = { minutesPerMonth: 23, yenPerMonth: 2167, sheetsPerUserForm: 1, coverPagesPerFax: 1 };

const figure = (max: number) => z.number().min(0).max(max);

/** What a request or the settings screen may set: each figure bounded, so a slip cannot make nonsense of the report. */
export const assumptionsSchema = z
  .object({
    minutesPerMonth: figure(10_000),
    yenPerMonth: figure(10_000_000),
    sheetsPerUserForm: figure(100),
    coverPagesPerFax: figure(100),
  })
  .strict() satisfies z.ZodType<EffectAssumptions>;

/** Reads stored assumptions: each figure that does not fit falls back to its default (a damaged file must not cost the rest). */
export const storedAssumptionsSchema = z
  .object({
    minutesPerMonth: figure(10_000).catch(DEFAULT_ASSUMPTIONS.minutesPerMonth),
    yenPerMonth: figure(10_000_000).catch(DEFAULT_ASSUMPTIONS.yenPerMonth),
    sheetsPerUserForm: figure(100).catch(DEFAULT_ASSUMPTIONS.sheetsPerUserForm),
    coverPagesPerFax: figure(100).catch(DEFAULT_ASSUMPTIONS.coverPagesPerFax),
  })
  .catch(() => ({ ...DEFAULT_ASSUMPTIONS }));
