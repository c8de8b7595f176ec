// Dates as a person or a file name sees them: in the runtime's local zone (the system's; for the
// offices that use this, Asia/Tokyo). `toISOString()` is UTC, so `toISOString().slice(0, 7)` is still
// the previous month in Japan until 09:00 on the 1st, and a file named by it carries yesterday's date
// every morning before 09:00. Machine timestamps (spool records, the relay's store and logs, receipts,
// the API's `at` fields that screens format themselves) stay UTC ISO on purpose: they are compared
// and sorted, not read. Pure: Date's local getters only, so it runs in Node, Electron and the browser.

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Refuses an invalid Date the way toISOString does, instead of writing "NaNNaN" into a file name. */
function parts(d: Date): { y: string; mo: string; day: string; h: string; mi: string; s: string } {
  if (Number.isNaN(d.getTime())) throw new RangeError('Invalid time value');
  return { y: pad(d.getFullYear(), 4), mo: pad(d.getMonth() + 1), day: pad(d.getDate()), h: pad(d.getHours()), mi: pad(d.getMinutes()), s: pad(d.getSeconds()) };
}

/** 'YYYYMM' of the local month: the month folders (sent/202612) and the month a person means by "this month". */
export function localMonth(d: Date = new Date()): string {
  const p = parts(d);
  return `${p.y}${p.mo}`;
}

/** 'YYYYMMDD' of the local day: a date stamp in a file name. */
export function localDate(d: Date = new Date()): string {
  const p = parts(d);
  return `${p.y}${p.mo}${p.day}`;
}

/** 'YYYY-MM-DD' of the local day: a date as written in a file name that people also read. */
export function localDateText(d: Date = new Date()): string {
  const p = parts(d);
  return `${p.y}-${p.mo}-${p.day}`;
}

/** 'YYYYMMDDHHMMSS' in local time: the standard spec's 14-digit sequence stamp. */
export function localStamp(d: Date = new Date()): string {
  const p = parts(d);
  return `${p.y}${p.mo}${p.day}${p.h}${p.mi}${p.s}`;
}

/** '2026-12-01 08:30:00' in local time: a date and time in a table a person reads (the history CSV). */
export function localDateTimeText(d: Date = new Date()): string {
  const p = parts(d);
  return `${p.y}-${p.mo}-${p.day} ${p.h}:${p.mi}:${p.s}`;
}

/**
 * '2026-12-01T08:30:00+09:00': local time with its offset, for logs a person reads. Unambiguous like
 * toISOString (any program can parse it back to the same instant), but the clock on the wall.
 */
export function localIsoWithOffset(d: Date = new Date()): string {
  const p = parts(d);
  // getTimezoneOffset is UTC minus local, in minutes: -540 in Tokyo.
  const off = -d.getTimezoneOffset();
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return `${p.y}-${p.mo}-${p.day}T${p.h}:${p.mi}:${p.s}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
