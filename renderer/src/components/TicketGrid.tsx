import type { NamedGrid } from '../../../shared/api/types.js';
import type { DiffKind, GridRow } from '../../../shared/ticket/ticket.js';
import { useI18n } from '../i18n/index.js';
import { PersonLabel } from './People.js';
import { formatMonth, formatTime, weekday, weekdayName } from '../util/format.js';
import { Breakable } from './Breakable.js';

/** Identifies one cell of a grid: the service row and the day of the month. */
export function cellKey(provider: string, serviceCode: string, start: string, end: string, day: number): string {
  return `${provider}|${serviceCode}|${start}|${end}#${day}`;
}

/** Red for a visit that did not happen, green for one that was added, amber for a change. */
export function diffTone(kind: DiffKind): 'dropped' | 'added' | 'changed' {
  return kind === 'day-dropped' ? 'dropped' : kind === 'day-added' ? 'added' : 'changed';
}

const rowCellKey = (r: GridRow, day: number) => cellKey(r.provider, r.serviceCode, r.start, r.end, day);

/**
 * 第6表 as on paper (サービス利用票 / 提供票): one row per provider × service × time, one column per day,
 * the count in the cell. `highlights` marks cells that differ from the other side of a comparison.
 */
export function TicketGrid({ grid, caption, highlights, named = false }: { grid: NamedGrid; caption?: string; highlights?: Map<string, DiffKind>; named?: boolean }) {
  const { t, lang } = useI18n();
  // A provider's 提供票 lists every office of the person (the 利用票 is the person's copy): the rows that
  // are not ours are faded, with a note. A care manager has no rows of its own, so nothing is faded.
  const own = grid.ownOffice;
  const mine = own !== undefined && grid.rows.some((r) => r.provider === own);
  const other = (r: GridRow) => mine && r.provider !== own;
  const days = Array.from({ length: grid.daysInMonth }, (_, i) => i + 1);
  const wd = days.map((d) => weekday(grid.month, d));
  const dayClass = (i: number) => (wd[i] === 0 ? 'sun' : wd[i] === 6 ? 'sat' : '');
  return (
    <div className="ticket">
      {/* The paper form (DocumentViewer) names the person in its own head; a bare grid (予定と実績) names them here. */}
      {named && grid.person ? (
        <p className="ticket-person" data-testid="grid-person">
          <PersonLabel person={grid.person} />
        </p>
      ) : null}
      <dl className="ticket-head">
        <dt>{t('insurer')}</dt>
        <dd>{grid.insurer}</dd>
        <dt>{t('insured')}</dt>
        <dd>{grid.insured}</dd>
        <dt>{t('month')}</dt>
        <dd>{formatMonth(grid.month, lang)}</dd>
      </dl>
      {mine && grid.rows.some(other) ? (
        <p className="ticket-note" data-testid="ticket-other-note">
          {t('otherProviderNote')}
        </p>
      ) : null}
      <div className="ticket-scroll">
        <table className="ticket-grid" data-testid="ticket-grid">
          {caption ? <caption className="visually-hidden">{caption}</caption> : null}
          <thead>
            <tr>
              <th scope="col" rowSpan={2} className="tg-provider">{t('gridProvider')}</th>
              <th scope="col" rowSpan={2} className="tg-code">{t('gridServiceCode')}</th>
              <th scope="col" rowSpan={2} className="tg-time">{t('gridTime')}</th>
              {days.map((d, i) => (
                <th scope="col" key={d} className={`tg-day ${dayClass(i)}`}>
                  {d}
                </th>
              ))}
              <th scope="col" rowSpan={2} className="tg-total">{t('gridTotal')}</th>
              <th scope="col" rowSpan={2} className="tg-units">{t('gridUnits')}</th>
            </tr>
            <tr>
              {days.map((d, i) => {
                const w = wd[i];
                return (
                  <th scope="col" key={d} className={`tg-wd ${dayClass(i)}`}>
                    {w === null || w === undefined ? '' : weekdayName(w, lang)}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {grid.rows.length === 0 ? (
              <tr>
                <td colSpan={days.length + 5}>{t('gridEmpty')}</td>
              </tr>
            ) : null}
            {grid.rows.map((r) => (
              <tr key={r.key} data-testid="ticket-row" className={other(r) ? 'tg-other' : undefined} data-other={other(r) ? 'true' : undefined}>
                <th scope="row" className="tg-provider">
                  <span className="tg-provider-name" data-other={other(r) ? t('otherProviderRow') : undefined}>
                    <Breakable text={r.providerName || r.provider} />
                  </span>
                  {r.providerName ? <span className="tg-provider-no">{r.provider}</span> : null}
                </th>
                <td className="tg-code">{r.serviceCode}</td>
                <td className="tg-time">
                  {r.start === '9999' && r.end === '9999' ? (
                    t('noTime')
                  ) : (
                    // Start over end keeps the column narrow enough for a whole month on screen.
                    <>
                      <span className="tg-time-part">{formatTime(r.start, t('noTime'))}</span>
                      <span className="tg-time-part">〜{formatTime(r.end, t('noTime'))}</span>
                    </>
                  )}
                </td>
                {days.map((d, i) => {
                  const n = r.days[i] ?? 0;
                  const diff = highlights?.get(rowCellKey(r, d));
                  return (
                    <td
                      key={d}
                      className={`tg-cell ${dayClass(i)}${diff ? ` diff diff-${diff} diff-tone-${diffTone(diff)}` : ''}`}
                      data-day={d}
                      data-testid={diff ? 'diff-cell' : undefined}
                      data-diff={diff}
                    >
                      {n === 0 ? '' : n}
                    </td>
                  );
                })}
                <td className="tg-total">{r.total}</td>
                <td className="tg-units">{r.units.toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
