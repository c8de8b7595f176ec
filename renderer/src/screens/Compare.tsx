import { useRef, useState } from 'react';
import type { ComparisonCandidate, ComparisonView, Lang } from '../../../shared/api/types.js';
import type { Difference, DiffKind } from '../../../shared/ticket/ticket.js';
import { api } from '../api.js';
import { ErrorAlert, Notice } from '../components/Alert.js';
import { ListCard } from '../components/ListCard.js';
import { MarkAllSeen } from '../components/MarkAllSeen.js';
import { ListFilters } from '../components/ListFilters.js';
import { NewMark, PersonLabel } from '../components/People.js';
import { cellKey, diffTone, TicketGrid } from '../components/TicketGrid.js';
import { useAction, useLoad } from '../hooks.js';
import { useI18n } from '../i18n/index.js';
import { useIsProvider } from '../office.js';
import { formatMonth, formatTime } from '../util/format.js';
import { filterRows, monthsOf } from '../util/listFilter.js';
import { useListFilter } from '../util/rememberedFilter.js';
import { Breakable } from '../components/Breakable.js';
import { PrintBar } from '../forms/PrintBar.js';

/** The cells each side's grid should mark: the planned visit on the plan, the provided one on the actuals. */
export function diffHighlights(differences: Difference[]): { plan: Map<string, DiffKind>; actual: Map<string, DiffKind> } {
  const plan = new Map<string, DiffKind>();
  const actual = new Map<string, DiffKind>();
  for (const d of differences) {
    const day = Number(d.date.slice(6, 8));
    if (d.plan) plan.set(cellKey(d.provider, d.plan.serviceCode, d.plan.start, d.plan.end, day), d.kind);
    if (d.actual) actual.set(cellKey(d.provider, d.actual.serviceCode, d.actual.start, d.actual.end, day), d.kind);
  }
  return { plan, actual };
}

/** Difference.text is Japanese only; the English line is built from the same facts. */
function differenceText(d: Difference, lang: Lang): string {
  if (lang === 'ja') return d.text;
  const date = `${Number(d.date.slice(4, 6))}/${Number(d.date.slice(6, 8))}`;
  const time = (v: { start: string; end: string }) => `${formatTime(v.start, 'no time')}–${formatTime(v.end, 'no time')}`;
  const p = d.plan;
  const a = d.actual;
  switch (d.kind) {
    case 'day-dropped':
      return p ? `${date} ${p.serviceCode} ${time(p)}: planned, not provided` : d.text;
    case 'day-added':
      return a ? `${date} ${a.serviceCode} ${time(a)}: provided, not planned` : d.text;
    case 'code-changed':
      return p && a ? `${date} service code ${p.serviceCode} → ${a.serviceCode}` : d.text;
    case 'time-changed':
      return p && a ? `${date} ${p.serviceCode} time ${time(p)} → ${time(a)}` : d.text;
    case 'count-changed':
      return p && a ? `${date} ${p.serviceCode} count ${p.count} → ${a.count}` : d.text;
  }
}

function ComparisonResult({ view }: { view: ComparisonView }) {
  const { t, lang } = useI18n();
  const provider = useIsProvider();
  const c = view.comparison;
  const marks = diffHighlights(c.differences);
  const planned = provider ? t('provPlanned') : t('planned');
  const actual = provider ? t('provReturned') : t('actual');
  const person = view.candidate.person ?? { insurer: c.insurer, insured: c.insured, name: null, kana: null };
  // 印刷 / PDFで保存 take this comparison alone, A4 landscape (print.css), as offices file it on paper.
  const ref = useRef<HTMLElement>(null);
  return (
    <section className="comparison" data-testid="comparison-view" ref={ref}>
      <PrintBar target={ref} nameParts={[t('navCompare'), person.name ?? `${c.insurer}-${c.insured}`, c.month]} />
      <div className="card">
        <h2>{t('differences')}</h2>
        <dl className="facts">
          <dt>{t('person')}</dt>
          <dd data-testid="comparison-person">
            <PersonLabel person={person} numbers={false} />
          </dd>
          <dt>{t('insurer')}</dt>
          <dd>{c.insurer}</dd>
          <dt>{t('insured')}</dt>
          <dd>{c.insured}</dd>
          <dt>{t('month')}</dt>
          <dd>{formatMonth(c.month, lang)}</dd>
          <dt>{t('planUnits')}</dt>
          <dd data-testid="plan-units">{c.planUnits.toLocaleString()}</dd>
          <dt>{t('actualUnits')}</dt>
          <dd data-testid="actual-units" className={c.planUnits !== c.actualUnits ? 'text-warn' : ''}>
            {c.actualUnits.toLocaleString()}
          </dd>
        </dl>
        {c.differences.length === 0 ? (
          <Notice kind="ok">✓ {t('noDifferences')}</Notice>
        ) : (
          <>
            <ul className="legend" aria-hidden="true">
              <li className="diff-tone-dropped">{t('legendDropped')}</li>
              <li className="diff-tone-added">{t('legendAdded')}</li>
              <li className="diff-tone-changed">{t('legendChanged')}</li>
            </ul>
            <ul className="differences">
              {c.differences.map((d, i) => (
                <li key={`${d.kind}-${d.date}-${i}`} className={`difference diff-tone-${diffTone(d.kind)}`} data-testid="difference" data-kind={d.kind}>
                  {differenceText(d, lang)}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
      <div className="comparison-grids">
        <div className="card">
          <h3>{planned}</h3>
          {view.planGrid ? <TicketGrid grid={view.planGrid} caption={planned} highlights={marks.plan} named /> : <p>{t('noGrid')}</p>}
        </div>
        <div className="card">
          <h3>{actual}</h3>
          {view.actualGrid ? <TicketGrid grid={view.actualGrid} caption={actual} highlights={marks.actual} named /> : <p>{t('noGrid')}</p>}
        </div>
      </div>
    </section>
  );
}

const candidateKey = (c: ComparisonCandidate) => `${c.planFile}|${c.actualFile}|${c.insurer}|${c.insured}|${c.month}`;

/** What a comparison row shows, for the search: the person, the partner, the month as written. */
const candidateFacts = (c: ComparisonCandidate, lang: Lang) => ({
  month: c.month,
  people: c.person ? [c.person] : [{ insurer: c.insurer, insured: c.insured, name: null, kana: null }],
  words: [c.partner.name, c.partner.office, formatMonth(c.month, lang)],
});

export function ComparePage() {
  const { t, lang } = useI18n();
  const provider = useIsProvider();
  const list = useLoad(() => api().listComparisons({}));
  const people = useLoad(() => api().listPeople({}));
  const action = useAction();
  const [view, setView] = useState<ComparisonView | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [filter, setFilter] = useListFilter('compare');
  const all = list.data ?? [];
  const shown = filterRows(all, filter, (c) => candidateFacts(c, lang));

  const open = async (c: ComparisonCandidate) => {
    setSelected(candidateKey(c));
    const v = await action.run(() => api().compare({ planFile: c.planFile, actualFile: c.actualFile, insurer: c.insurer, insured: c.insured, month: c.month }));
    setView(v ?? null);
    // Compared: no longer 新着.
    if (v && c.isNew) void list.reload();
  };

  return (
    <div className="page" data-testid="screen-compare">
      <h1>{t('compareTitle')}</h1>
      <p className="lead">{provider ? t('provCompareIntro') : t('compareIntro')}</p>
      <ErrorAlert error={list.error} />
      {all.length > 0 ? (
        <ListFilters id="compare" value={filter} onChange={setFilter} months={monthsOf(all.map((c) => c.month))} people={people.data} shown={shown.length} total={all.length} />
      ) : null}
      <MarkAllSeen list="comparisons" count={all.filter((c) => c.isNew).length} onDone={() => void list.reload()} />
      <ListCard loaded={list} rows={shown} empty={all.length > 0 ? t('listSearchNone') : t('comparisonsEmpty')} columns={[t('person'), t('month'), t('partner')]} actionColumn={t('open')}>
        {(rows) =>
          rows.map((c) => (
            <tr key={candidateKey(c)} data-testid="comparison-row" data-new={c.isNew ? 'true' : undefined} className={[selected === candidateKey(c) ? 'row-selected' : '', c.isNew ? 'row-new' : ''].join(' ').trim() || undefined}>
              <td>
                <NewMark show={c.isNew} />
                <PersonLabel person={c.person ?? { insurer: c.insurer, insured: c.insured, name: null, kana: null }} />
              </td>
              <td className="nowrap">{formatMonth(c.month, lang)}</td>
              <td>
                <Breakable text={c.partner.name ?? ''} />
                <span className="sub">{c.partner.office}</span>
              </td>
              <td>
                <button type="button" className="btn" data-testid="comparison-open" disabled={action.busy} onClick={() => void open(c)}>
                  {t('open')}
                </button>
              </td>
            </tr>
          ))
        }
      </ListCard>
      <ErrorAlert error={action.error} />
      {action.busy ? <p>{t('loading')}</p> : null}
      {view ? <ComparisonResult view={view} /> : null}
    </div>
  );
}
