import { describe, expect, it } from 'vitest';
import { ageOn, formatBirthDate, formatDate, formatDatesInText, formatMonth, formatNumber, formatPeriod, formatTime, formatTimeRange, timeMinutes, warekiYear } from './format.js';

describe('dates as the forms write them', () => {
  it('writes YYYYMMDD as 2026年12月1日 without leading zeros', () => {
    expect(formatDate('20261201')).toBe('2026年12月1日');
    expect(formatDate('20250401')).toBe('2025年4月1日');
  });

  it('writes the Japanese era on request, with 元年 for the first year', () => {
    expect(formatDate('20261201', 'wareki')).toBe('令和8年12月1日');
    expect(formatDate('20190501', 'wareki')).toBe('令和元年5月1日');
    expect(formatDate('20190430', 'wareki')).toBe('平成31年4月30日');
    expect(formatDate('19890107', 'wareki')).toBe('昭和64年1月7日');
  });

  it('gives the era year of a birth date beside the western date', () => {
    expect(formatBirthDate('19490528')).toBe('1949年5月28日（昭和24年）');
    expect(formatBirthDate('19261224')).toBe('1926年12月24日（大正15年）');
    expect(warekiYear('18000101')).toBeNull();
  });

  it('leaves blank and 00000000 blank, and shows a wrong date as it was sent', () => {
    expect(formatDate('')).toBe('');
    expect(formatDate('00000000')).toBe('');
    expect(formatDate('20250231')).toBe('20250231');
    expect(formatDate('2025/4/1')).toBe('2025/4/1');
  });

  it('writes a period with ～ and months as 2025年4月', () => {
    expect(formatPeriod('20240401', '20260331')).toBe('2024年4月1日～2026年3月31日');
    expect(formatPeriod('', '')).toBe('');
    expect(formatMonth('202504')).toBe('2025年4月');
    expect(formatMonth('000000')).toBe('');
    expect(formatMonth('202513')).toBe('202513');
  });

  it('turns the dates inside free text into written dates and keeps the rest', () => {
    expect(formatDatesInText('20250401～20250930')).toBe('2025年4月1日～2025年9月30日');
    expect(formatDatesInText('6か月')).toBe('6か月');
    expect(formatDatesInText('電話 0312345678')).toBe('電話 0312345678');
  });

  it('counts full years for an age', () => {
    expect(ageOn('19490528', '20250401')).toBe(75);
    expect(ageOn('19490528', '20250528')).toBe(76);
    expect(ageOn('', '20250401')).toBeNull();
  });
});

describe('times and numbers', () => {
  it('writes HHMM as 9:00 and 9999 (no time) as blank', () => {
    expect(formatTime('0900')).toBe('9:00');
    expect(formatTime('1630')).toBe('16:30');
    expect(formatTime('9999')).toBe('');
    expect(formatTimeRange('0900', '0930')).toBe('9:00～9:30');
    expect(formatTimeRange('0630', '0630')).toBe('6:30');
  });

  it('reads minutes after midnight, with 2400 as the end of the day', () => {
    expect(timeMinutes('0930')).toBe(570);
    expect(timeMinutes('2400')).toBe(1440);
    expect(timeMinutes('2460')).toBeNull();
    expect(timeMinutes('9999')).toBeNull();
  });

  it('groups digits by thousands', () => {
    expect(formatNumber('16765')).toBe('16,765');
    expect(formatNumber('0001234')).toBe('1,234');
    expect(formatNumber('732')).toBe('732');
    expect(formatNumber('')).toBe('');
    expect(formatNumber('10.00')).toBe('10.00');
  });
});
