// The digit-by-digit calendar checks against a plain reading (regex + Number + Date.UTC), over every
// month of the years at and around the edges, every day number, and malformed strings.
import { describe, expect, it } from 'vitest';
import { daysInValidMonth, daysInYearMonth, isValidDate, isValidMonth, isValidTime, isValidTimestamp } from './calendar.js';

const refMonth = (s: string) => /^\d{6}$/.test(s) && +s.slice(0, 4) >= 1900 && +s.slice(0, 4) <= 2999 && +s.slice(4) >= 1 && +s.slice(4) <= 12;
const refDays = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const refDate = (s: string) => /^\d{8}$/.test(s) && refMonth(s.slice(0, 6)) && +s.slice(6) >= 1 && +s.slice(6) <= refDays(+s.slice(0, 4), +s.slice(4, 6));
const refTime = (s: string) => /^\d{4}$/.test(s) && +s.slice(0, 2) <= 23 && +s.slice(2) <= 59;
const refStamp = (s: string) => s.length === 14 && refDate(s.slice(0, 8)) && refTime(s.slice(8, 12)) && /^\d{2}$/.test(s.slice(12)) && +s.slice(12) <= 59;

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const odd = ['', '2025', '20250', '2025-1', '202501 ', ' 202501', '２０２５０１', '20250a', 'abcdef', '2025011', '202501010', '2025\u00001', '1899-1'];

describe('calendar checks', () => {
  it('months: years 1899–1901, 1999–2001, 2099–2101, 2998–3000, months 00–13, and malformed text', () => {
    const years = [0, 1, 1899, 1900, 1901, 1999, 2000, 2001, 2024, 2025, 2099, 2100, 2101, 2998, 2999, 3000, 9999];
    for (const y of years) for (let m = 0; m <= 13; m++) expect(isValidMonth(pad(y, 4) + pad(m, 2)), `${y}${m}`).toBe(refMonth(pad(y, 4) + pad(m, 2)));
    for (const s of odd) expect(isValidMonth(s), s).toBe(refMonth(s));
  });

  it('dates: every day 00–32 of every month of leap and common years (1900, 2000, 2024, 2025, 2100)', () => {
    for (const y of [1899, 1900, 2000, 2024, 2025, 2100, 2999, 3000]) {
      for (let m = 0; m <= 13; m++) {
        for (let d = 0; d <= 32; d++) {
          const s = pad(y, 4) + pad(m, 2) + pad(d, 2);
          expect(isValidDate(s), s).toBe(refDate(s));
        }
      }
    }
    for (const s of [...odd, '2025013a', '2025-1-1', '20250101 ', '2025０１01']) expect(isValidDate(s), s).toBe(refDate(s));
  });

  it('times and timestamps', () => {
    for (let h = 0; h <= 25; h++) for (let m = 0; m <= 61; m++) expect(isValidTime(pad(h, 2) + pad(m, 2))).toBe(refTime(pad(h, 2) + pad(m, 2)));
    for (const s of ['', '999', '99999', '12:0', '1a00', '２３００', '2400', '9999']) expect(isValidTime(s), s).toBe(refTime(s));
    for (const s of ['20250425120000', '20250229120000', '20240229235959', '20250425240000', '20250425126000', '20250425120060', '2025042512000', '2025042512000a', '202504251200000']) {
      expect(isValidTimestamp(s), s).toBe(refStamp(s));
    }
  });

  it('days in a valid month, read from its digits, agree with daysInYearMonth', () => {
    for (const y of [1900, 2000, 2023, 2024, 2100, 2999]) {
      for (let m = 1; m <= 12; m++) {
        const s = pad(y, 4) + pad(m, 2);
        expect(daysInValidMonth(s), s).toBe(refDays(y, m));
        expect(daysInYearMonth(s), s).toBe(refDays(y, m));
      }
    }
  });
});
