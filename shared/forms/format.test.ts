import { describe, expect, it } from 'vitest';
import { ageOn, formatBirthDate, formatDate, formatDatesInText, formatMonth, formatNumber, formatPeriod, formatTime, formatTimeRange, timeMinutes, warekiYear } from './format.js';

describe('dates as the forms write them', () => {
  it.each([
    ['20261201', '2026年12月1日'],
    ['20250401', '2025年4月1日'],
    ['', ''],
    ['00000000', ''],
    // Not a date: shown as sent, a form never hides what the sender wrote.
    ['20250231', '20250231'],
    ['2025/4/1', '2025/4/1'],
  ])('writes %j as %j', (raw, written) => {
    expect(formatDate(raw)).toBe(written);
  });

  it.each([
    ['20261201', '令和8年12月1日'],
    ['20190501', '令和元年5月1日'],
    ['20190430', '平成31年4月30日'],
    ['19890107', '昭和64年1月7日'],
  ])('writes %j in the Japanese era as %j', (raw, written) => {
    expect(formatDate(raw, 'wareki')).toBe(written);
  });

  it('gives the era year of a birth date beside the western date', () => {
    expect(formatBirthDate('19490528')).toBe('1949年5月28日（昭和24年）');
    expect(formatBirthDate('19261224')).toBe('1926年12月24日（大正15年）');
    expect(warekiYear('18000101')).toBeNull();
  });

  it('writes a period with ～ and months as 2025年4月', () => {
    expect([formatPeriod('20240401', '20260331'), formatPeriod('', '')]).toEqual(['2024年4月1日～2026年3月31日', '']);
    expect(['202504', '000000', '202513'].map(formatMonth)).toEqual(['2025年4月', '', '202513']);
  });

  it('turns the dates inside free text into written dates and keeps the rest', () => {
    expect(['20250401～20250930', '6か月', '電話 0312345678'].map(formatDatesInText)).toEqual(['2025年4月1日～2025年9月30日', '6か月', '電話 0312345678']);
  });

  it('counts full years for an age', () => {
    expect([ageOn('19490528', '20250401'), ageOn('19490528', '20250528'), ageOn('', '20250401')]).toEqual([75, 76, null]);
  });
});

describe('times and numbers', () => {
  it('writes HHMM as 9:00 and 9999 (no time) as blank', () => {
    expect(['0900', '1630', '9999'].map(formatTime)).toEqual(['9:00', '16:30', '']);
    expect([formatTimeRange('0900', '0930'), formatTimeRange('0630', '0630')]).toEqual(['9:00～9:30', '6:30']);
  });

  it('reads minutes after midnight, with 2400 as the end of the day', () => {
    expect(['0930', '2400', '2460', '9999'].map(timeMinutes)).toEqual([570, 1440, null, null]);
  });

  it('groups digits by thousands', () => {
    expect(['16765', '0001234', '732', '', '10.00', '-1500'].map(formatNumber)).toEqual(['16,765', '1,234', '732', '', '10.00', '-1,500']);
  });
});
