// Names and months as they are printed: the partner's name from the unit itself (an unlinked partner is
// not in the directory, but the 第6表 names its provider), the month in 和暦 and 西暦, and file names
// that Windows accepts.
import type { DocumentView } from '../../shared/api/types.js';

/** 令和 started in May 2019 (R1); a month before that is printed in 西暦 only. */
export function monthText(month: string | null): string {
  if (!month || !/^\d{6}$/.test(month)) return '';
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(4, 6));
  const reiwa = y > 2019 || (y === 2019 && m >= 5) ? `（令和${y - 2018 === 1 ? '元' : y - 2018}年${m}月）` : '';
  return `${y}年${m}月${reiwa}`;
}

/** The provider's name as the care manager's 第6表 writes it, when it names this office. */
export function nameInDocuments(views: DocumentView[], office: string): string | null {
  for (const v of views) {
    if (v.kind !== 'grid') continue;
    for (const g of v.grids) for (const r of g.rows) if (r.provider === office && r.providerName.trim()) return r.providerName.trim();
  }
  return null;
}

/** A name safe in a Windows file name (no reserved characters, no trailing dot or space, not too long). */
export function fileNamePart(name: string): string {
  const visible = [...name].map((c) => (c.charCodeAt(0) < 0x20 ? '_' : c)).join('');
  return visible.replace(/[\\/:*?"<>|]/g, '_').replace(/[. ]+$/, '').slice(0, 40) || '_';
}
