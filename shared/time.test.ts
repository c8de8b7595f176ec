import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate, localDateText, localDateTimeText, localIsoWithOffset, localMonth, localStamp } from './time.js';

// Node re-reads the zone when process.env.TZ is assigned, so one run checks both the offices' zone
// and the zone of a server or CI machine.
const original = process.env.TZ;

const FORMATS = { month: localMonth, date: localDate, day: localDateText, stamp: localStamp, text: localDateTimeText, iso: localIsoWithOffset };

/** Each format of `at` that `expected` gives is written as it says. */
function expectLocal(at: string, expected: Partial<Record<keyof typeof FORMATS, string>>): void {
  const d = new Date(at);
  for (const [format, text] of Object.entries(expected)) expect(FORMATS[format as keyof typeof FORMATS](d), format).toBe(text);
}

describe.each([
  {
    zone: 'Asia/Tokyo',
    // 2026-11-30T23:30:00Z: already the 1st of December in Japan.
    monthEnd: { month: '202612', date: '20261201', text: '2026-12-01 08:30:00', iso: '2026-12-01T08:30:00+09:00', stamp: '20261201083000', day: '2026-12-01' },
    // 2026-12-31T15:00:00Z: New Year's Day in Japan.
    yearEnd: { month: '202701', date: '20270101', text: '2027-01-01 00:00:00', iso: '2027-01-01T00:00:00+09:00' },
  },
  {
    zone: 'UTC',
    monthEnd: { month: '202611', date: '20261130', text: '2026-11-30 23:30:00', iso: '2026-11-30T23:30:00+00:00', stamp: '20261130233000', day: '2026-11-30' },
    yearEnd: { month: '202612', date: '20261231', text: '2026-12-31 15:00:00', iso: '2026-12-31T15:00:00+00:00' },
  },
])('local time in $zone', ({ zone, monthEnd, yearEnd }) => {
  beforeAll(() => {
    process.env.TZ = zone;
  });
  afterAll(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });

  it('the zone is in effect', () => {
    expect(new Date('2026-11-30T23:30:00Z').getTimezoneOffset()).toBe(zone === 'UTC' ? 0 : -540);
  });

  it('a month boundary: 2026-11-30T23:30:00Z (month, date, day, stamp, text, iso)', () => {
    expectLocal('2026-11-30T23:30:00Z', monthEnd);
  });

  it('a year boundary: 2026-12-31T15:00:00Z (month, date, text, iso)', () => {
    expectLocal('2026-12-31T15:00:00Z', yearEnd);
  });

  it('the text with its offset parses back to the same instant', () => {
    for (const at of ['2026-11-30T23:30:00Z', '2026-12-31T15:00:00Z', '2027-03-01T00:00:01Z']) {
      expect(new Date(localIsoWithOffset(new Date(at))).toISOString()).toBe(new Date(at).toISOString());
    }
  });

  it('the defaults are now', () => {
    const before = localStamp(new Date());
    const now = localStamp();
    expect(now >= before).toBe(true);
    expect(now).toMatch(/^\d{14}$/);
    expect(localMonth()).toBe(now.slice(0, 6));
  });
});

describe('local time: refusals and odd zones', () => {
  afterAll(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });

  it('an invalid Date is refused, not written as NaN', () => {
    for (const f of [localMonth, localDate, localDateText, localStamp, localDateTimeText, localIsoWithOffset]) expect(() => f(new Date(NaN))).toThrow(RangeError);
  });

  it('offsets west of UTC and with half hours', () => {
    process.env.TZ = 'America/St_Johns';
    expect(localIsoWithOffset(new Date('2026-01-15T12:00:00Z'))).toBe('2026-01-15T08:30:00-03:30');
    process.env.TZ = 'Asia/Kolkata';
    expect(localIsoWithOffset(new Date('2026-01-15T12:00:00Z'))).toBe('2026-01-15T17:30:00+05:30');
  });
});
