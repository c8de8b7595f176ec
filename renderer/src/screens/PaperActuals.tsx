// Paper 実績 back in: the provider's rows of the plan the office sent, as an editable 第6表 grid. The
// clerk changes only what differs from the paper; each changed cell and time is marked, and the app
// writes the standard 実績 file into the import folder (client/app/paperActuals.ts).
import { useState } from 'react';
import type { PaperActualExport, PaperActualSource } from '../../../shared/api/types.js';
import type { GridRow, UserGrid } from '../../../shared/ticket/ticket.js';
import { api } from '../api.js';
import { ErrorAlert, Notice } from '../components/Alert.js';
import { ListCard } from '../components/ListCard.js';
import { useAction, useLoad } from '../hooks.js';
import { useI18n } from '../i18n/index.js';
import { formatMonth, weekday, weekdayName } from '../util/format.js';

/** One row as the clerk edits it; the planned row stays beside it to mark what changed. */
export interface EditRow {
  plan: GridRow;
  start: string;
  end: string;
  days: number[];
}

export const editRows = (g: UserGrid): EditRow[] => g.rows.map((r) => ({ plan: r, start: r.start, end: r.end, days: [...r.days] }));

/** How many cells and times differ from the plan: what the screen counts and the clerk checks before exporting. */
export function changeCount(rows: EditRow[]): number {
  let n = 0;
  for (const r of rows) {
    if (r.start !== r.plan.start || r.end !== r.plan.end) n++;
    r.days.forEach((c, i) => {
      if (c !== r.plan.days[i]) n++;
    });
  }
  return n;
}

/** Each change in words (「4月2日 111111: 予定 1 → 0」), so the clerk can read them back against the paper. */
export function changeLines(rows: EditRow[]): { key: string; code: string; day: number | null; from: string; to: string }[] {
  const out: { key: string; code: string; day: number | null; from: string; to: string }[] = [];
  for (const r of rows) {
    if (r.start !== r.plan.start || r.end !== r.plan.end) out.push({ key: `${r.plan.key}#time`, code: r.plan.serviceCode, day: null, from: `${r.plan.start}〜${r.plan.end}`, to: `${r.start}〜${r.end}` });
    r.days.forEach((c, i) => {
      if (c !== r.plan.days[i]) out.push({ key: `${r.plan.key}#${i}`, code: r.plan.serviceCode, day: i + 1, from: String(r.plan.days[i] ?? 0), to: String(c) });
    });
  }
  return out;
}

/** A cell's text as typed: digits only, empty = 0 (a visit that did not happen). */
const countOf = (s: string): number => Math.min(99, Number(s.replace(/\D/g, '')) || 0);
const timeOf = (s: string): string => s.replace(/\D/g, '').slice(0, 4);

/** The day columns of a month: the day, its weekday's name and the weekend shading. */
function dayColumns(month: string, count: number, lang: 'ja' | 'en'): { day: number; name: string; shade: string }[] {
  return Array.from({ length: count }, (_, i) => {
    const w = weekday(month, i + 1);
    return { day: i + 1, name: w === null ? '' : weekdayName(w, lang), shade: w === 0 ? 'sun' : w === 6 ? 'sat' : '' };
  });
}

function ActualsGrid({ grid, rows, setRows }: { grid: UserGrid; rows: EditRow[]; setRows: (r: EditRow[]) => void }) {
  const { t, lang } = useI18n();
  const cols = dayColumns(grid.month, grid.daysInMonth, lang);
  const update = (ri: number, patch: Partial<EditRow>) => setRows(rows.map((r, i) => (i === ri ? { ...r, ...patch } : r)));
  // One header row: each day's number over its weekday, in one cell (the inputs below need the width).
  const fixed: [string, string][] = [
    ['tg-code', t('gridServiceCode')],
    ['pa-time', t('paStart')],
    ['pa-time', t('paEnd')],
  ];
  return (
    <div className="ticket-scroll">
      <table className="ticket-grid pa-grid" data-testid="pa-grid">
        <thead>
          <tr>
            {fixed.map(([cls, label]) => (
              <th scope="col" key={label} className={cls}>
                {label}
              </th>
            ))}
            {cols.map((c) => (
              <th scope="col" key={c.day} className={`pa-day ${c.shade}`}>
                <span className="pa-day-no">{c.day}</span>
                <span className="pa-day-wd">{c.name}</span>
              </th>
            ))}
            <th scope="col" className="tg-total">
              {t('gridTotal')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, ri) => (
            <tr key={r.plan.key} data-testid="pa-row">
              <th scope="row" className="tg-code">{r.plan.serviceCode}</th>
              {(['start', 'end'] as const).map((k) => (
                <td key={k} className={`pa-time${r[k] !== r.plan[k] ? ' pa-changed' : ''}`}>
                  <input aria-label={`${t(k === 'start' ? 'paStart' : 'paEnd')} ${r.plan.serviceCode}`} inputMode="numeric" maxLength={4} value={r[k]} onChange={(e) => update(ri, { [k]: timeOf(e.target.value) })} />
                </td>
              ))}
              {cols.map(({ day, shade }, i) => {
                const changed = r.days[i] !== r.plan.days[i];
                return (
                  <td key={day} className={`pa-cell ${shade}${changed ? ' pa-changed' : ''}`} data-changed={changed ? 'true' : undefined}>
                    <input
                      aria-label={t('paCellLabel', { day, code: r.plan.serviceCode })}
                      data-testid={`pa-cell-${ri}-${day}`}
                      inputMode="numeric"
                      maxLength={2}
                      value={r.days[i] ? String(r.days[i]) : ''}
                      onChange={(e) => update(ri, { days: r.days.map((c, j) => (j === i ? countOf(e.target.value) : c)) })}
                    />
                  </td>
                );
              })}
              <td className="tg-total">{r.days.reduce((a, b) => a + b, 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const sourceKey = (s: PaperActualSource) => s.planFile;

export function PaperActualsPage() {
  const { t, lang } = useI18n();
  const sources = useLoad(() => api().paperActualSources({}));
  const action = useAction();
  const [source, setSource] = useState<PaperActualSource | null>(null);
  const [userIx, setUserIx] = useState<Record<string, number>>({});
  const [grid, setGrid] = useState<UserGrid | null>(null);
  const [rows, setRows] = useState<EditRow[]>([]);
  const [done, setDone] = useState<PaperActualExport | null>(null);

  const open = async (s: PaperActualSource) => {
    const u = s.users[userIx[sourceKey(s)] ?? 0]!;
    setDone(null);
    const g = await action.run(() => api().paperActualGrid({ planFile: s.planFile, insurer: u.insurer, insured: u.insured }));
    if (!g) return;
    setSource(s);
    setGrid(g);
    setRows(editRows(g));
  };

  const exportFile = async () => {
    if (!source || !grid) return;
    const r = await action.run(() => api().exportPaperActuals({ planFile: source.planFile, insurer: grid.insurer, insured: grid.insured, rows: rows.map((x) => ({ key: x.plan.key, start: x.start, end: x.end, days: x.days })) }));
    if (r) setDone(r);
  };

  const changes = changeCount(rows);
  const sourceRow = (s: PaperActualSource) => (
    <tr key={sourceKey(s)} data-testid="pa-source" className={source?.planFile === s.planFile ? 'row-selected' : undefined}>
      <td>
        {s.provider.name ?? ''} <span className="sub">{s.provider.office}</span>
      </td>
      <td className="nowrap">{formatMonth(s.month, lang)}</td>
      <td className="sub-file">{s.planFile}</td>
      <td>
        <select aria-label={t('paUser')} data-testid="pa-user" value={userIx[sourceKey(s)] ?? 0} onChange={(e) => setUserIx({ ...userIx, [sourceKey(s)]: Number(e.target.value) })}>
          {s.users.map((u, i) => (
            <option key={`${u.insurer}-${u.insured}`} value={i}>
              {u.insurer} / {u.insured}
            </option>
          ))}
        </select>
      </td>
      <td>
        <button type="button" className="btn" data-testid="pa-open" disabled={action.busy} onClick={() => void open(s)}>
          {t('paOpen')}
        </button>
      </td>
    </tr>
  );
  return (
    <div className="page" data-testid="screen-paperActuals">
      <header>
        <h1>{t('paTitle')}</h1>
        <p className="lead">{t('paIntro')}</p>
      </header>
      <ListCard loaded={sources} empty={t('paSourcesEmpty')} columns={[t('partner'), t('month'), t('paPlan'), t('paUser')]} actionColumn={t('paOpen')}>
        {(list) => list.map(sourceRow)}
      </ListCard>
      <ErrorAlert error={sources.error ?? action.error} />
      {grid && source ? (
        <section className="card" data-testid="pa-editor">
          <h2>{t('paGridTitle')}</h2>
          <dl className="facts">
            {(
              [
                ['partner', `${source.provider.name ?? ''} ${source.provider.office}`],
                ['insurer', grid.insurer],
                ['insured', grid.insured],
                ['month', formatMonth(grid.month, lang)],
              ] as const
            ).flatMap(([k, v]) => [<dt key={`${k}-t`}>{t(k)}</dt>, <dd key={`${k}-d`}>{v}</dd>])}
          </dl>
          <p data-testid="pa-changes" className={changes ? 'pa-changes' : undefined}>
            {changes ? t('paChanged', { n: changes }) : t('paNoChange')}
            {changes ? <span className="pa-legend pa-changed">{t('paLegendChanged')}</span> : null}
          </p>
          {changes ? (
            <ul className="pa-change-list" data-testid="pa-change-list">
              {changeLines(rows).map((c) => (
                <li key={c.key}>{c.day === null ? t('paChangeTime', { code: c.code, from: c.from, to: c.to }) : t('paChangeDay', { month: Number(grid.month.slice(4, 6)), day: c.day, code: c.code, from: c.from, to: c.to })}</li>
              ))}
            </ul>
          ) : null}
          <ActualsGrid grid={grid} rows={rows} setRows={setRows} />
          <div className="button-row">
            <button type="button" className="btn" disabled={action.busy || changes === 0} onClick={() => setRows(editRows(grid))}>
              {t('paReset')}
            </button>
            <button type="button" className="btn btn-primary" data-testid="pa-export" disabled={action.busy} onClick={() => void exportFile()}>
              {t('paExport')}
            </button>
          </div>
          {done ? (
            <Notice kind={done.errors === 0 ? 'ok' : 'error'} testId="pa-done">
              {t('paExported', { file: done.file, records: done.records, errors: done.errors, warnings: done.warnings })}
            </Notice>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
