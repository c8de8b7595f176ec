import { describe, expect, it } from 'vitest';
import { DEFAULT_ASSUMPTIONS, storedAssumptionsSchema } from './assumptions.js';
import { effectReportCsv } from './csv.js';
import { buildEffectReport, monthsUpTo, type EffectUnit } from './report.js';

const unit = (u: Partial<EffectUnit>): EffectUnit => ({ direction: 'sent', via: 'data', month: '202501', partner: '1310000029', kinds: ['UPPLAN'], userForms: 2, actualRecords: 0, actualUsers: 0, ...u });

describe('monthsUpTo', () => {
  it('counts back across the new year', () => {
    expect(monthsUpTo('202502', 4)).toEqual(['202411', '202412', '202501', '202502']);
  });
});

describe('buildEffectReport', () => {
  const units = [
    unit({}),
    unit({ partner: '1310000037', via: 'paper', userForms: 6 }),
    // Received 実績 by data from a partner we only sent to on paper: that partner counts as linked.
    unit({ direction: 'received', partner: '1310000037', kinds: ['UPJSK'], userForms: 1, actualRecords: 12, actualUsers: 1 }),
    unit({ partner: '1310000045', via: 'paper', userForms: 2 }),
    unit({ month: '202412', userForms: 5 }),
  ];
  const r = buildEffectReport({ office: '1310000011', officeName: '居宅', month: '202501', units, assumptions: DEFAULT_ASSUMPTIONS, now: new Date('2025-01-31T00:00:00Z') });

  it('separates data from paper and counts partners linked by any data exchange', () => {
    expect(r.current.data).toEqual({ units: 1, sheets: 2 });
    expect(r.current.paper).toEqual({ units: 2, sheets: 8 });
    expect(r.current.linked).toEqual(['1310000029', '1310000037']);
    expect(r.current.unlinked).toEqual(['1310000045']);
    expect(r.current.transcriptionAvoided).toEqual({ units: 1, users: 1, records: 12 });
    expect(r.trend.find((m) => m.month === '202412')!.data).toEqual({ units: 1, sheets: 5 });
  });

  it('scales the study\'s monthly figures by the share of sheets sent by data', () => {
    expect(r.estimate).toEqual({ dataShare: 0.2, sheetsSaved: 2, faxPagesSaved: 3, minutesSaved: 4.6, yenSaved: 433 });
  });

  it('estimates nothing for a month without sends', () => {
    const empty = buildEffectReport({ office: '1', officeName: null, month: '203001', units, assumptions: DEFAULT_ASSUMPTIONS });
    expect(empty.estimate).toEqual({ dataShare: 0, sheetsSaved: 0, faxPagesSaved: 0, minutesSaved: 0, yenSaved: 0 });
  });

  it('writes a CSV for Excel whose names cannot run as formulas', () => {
    const csv = effectReportCsv({ ...r, officeName: '=HYPERLINK("x")' });
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv).toContain('\r\n事業所名,"\'=HYPERLINK(""x"")"\r\n');
    expect(csv).toContain('\r\n2025年1月,1,2,2,8,2,1,1,1,12\r\n');
  });
});

describe('stored assumptions', () => {
  it('keep each good figure and fall back to the default for a bad one', () => {
    expect(storedAssumptionsSchema.parse({ minutesPerMonth: 40, yenPerMonth: 'a lot', sheetsPerUserForm: -1 })).toEqual({ ...DEFAULT_ASSUMPTIONS, minutesPerMonth: 40 });
    expect(storedAssumptionsSchema.parse('garbage')).toEqual(DEFAULT_ASSUMPTIONS);
  });
});
