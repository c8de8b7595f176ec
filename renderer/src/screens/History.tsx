import { useState } from 'react';
import type { HistoryDirection, HistoryFilter } from '../../../shared/api/types.js';
import { api } from '../api.js';
import { ErrorAlert, Notice } from '../components/Alert.js';
import { HistoryTable } from '../components/HistoryTable.js';
import { ListFilters } from '../components/ListFilters.js';
import { useAction, useLoad } from '../hooks.js';
import { useI18n } from '../i18n/index.js';
import { useDebounced } from '../util/debounce.js';
import { downloadText } from '../util/files.js';
import { filterRows, monthsOf } from '../util/listFilter.js';
import { useListFilter } from '../util/rememberedFilter.js';

const FILTER_DELAY_MS = 300;

/** Only complete values go to the back end: a half-typed month would be refused by its schema. */
export function historyFilter(direction: HistoryDirection | '', partner: string, month: string, text: string, person = ''): HistoryFilter {
  const f: HistoryFilter = {};
  if (/^[0-9A-Za-z]{1,8}\|[0-9A-Za-z]{1,10}$/.test(person)) f.person = person;
  if (direction) f.direction = direction;
  if (partner.trim()) f.partner = partner.trim().slice(0, 10);
  if (/^\d{6}$/.test(month.trim())) f.month = month.trim();
  if (text.trim()) f.text = text.trim().slice(0, 200);
  return f;
}

export function HistoryPage() {
  const { t } = useI18n();
  const [direction, setDirection] = useState<HistoryDirection | ''>('');
  const [partner, setPartner] = useState('');
  // Month and 利用者 are picked from what the history holds, and applied here at once; the search
  // (names, kana, kinds, statuses as shown) is the back end's, as the CSV export uses it too.
  const [lists, setLists] = useListFilter('history');
  const { month, person, text } = lists;
  // Debounce the filter's text form: a fresh object every render would never settle.
  const key = useDebounced(JSON.stringify(historyFilter(direction, partner, '', text)), FILTER_DELAY_MS);
  const filter = JSON.parse(key) as HistoryFilter;
  const list = useLoad(() => api().history(filter), key);
  const people = useLoad(() => api().listPeople({}));
  const csv = useAction();
  const [saved, setSaved] = useState<string | null>(null);
  const all = list.data ?? [];
  const shown = filterRows(all, { month, person, text: '' }, (e) => ({ month: e.month, people: e.people ?? [], words: [] }));

  const exportCsv = async () => {
    setSaved(null);
    const r = await csv.run(() => api().historyCsv(historyFilter(direction, partner, month, text, person)));
    if (!r) return;
    // Excel on Windows reads a CSV as Shift_JIS unless it starts with a BOM.
    const body = r.csv.startsWith('\uFEFF') ? r.csv : `\uFEFF${r.csv}`;
    downloadText(r.fileName, body, 'text/csv;charset=utf-8');
    setSaved(r.fileName);
  };

  return (
    <div className="page" data-testid="screen-history">
      <div className="page-head">
        <h1>{t('historyTitle')}</h1>
        <button type="button" className="btn" data-testid="history-csv" disabled={csv.busy} onClick={() => void exportCsv()}>
          {t('csvExport')}
        </button>
      </div>
      <div className="filters">
        <div className="field">
          <label htmlFor="history-direction">{t('direction')}</label>
          <select id="history-direction" data-testid="history-direction" value={direction} onChange={(e) => setDirection(e.target.value as HistoryDirection | '')}>
            <option value="">{t('dirAll')}</option>
            <option value="sent">{t('dirSent')}</option>
            <option value="received">{t('dirReceived')}</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="history-partner">{t('filterPartner')}</label>
          <input id="history-partner" data-testid="history-partner" type="text" maxLength={10} value={partner} onChange={(e) => setPartner(e.target.value)} />
        </div>
      </div>
      <ListFilters id="history" value={lists} onChange={setLists} months={monthsOf([...all.map((e) => e.month), ...(people.data ?? []).flatMap((p) => p.months)])} people={people.data} shown={shown.length} total={all.length} />
      <ErrorAlert error={list.error ?? csv.error} />
      {saved ? (
        <Notice kind="ok" testId="history-csv-done">
          {t('csvDone', { file: saved })}
        </Notice>
      ) : null}
      <section className="card">
        {list.loading && !list.data ? <p>{t('loading')}</p> : null}
        {list.data && shown.length === 0 ? <p>{all.length > 0 ? t('listSearchNone') : t('historyEmpty')}</p> : null}
        {shown.length > 0 ? <HistoryTable entries={shown} rowTestId="history-row" person={person} /> : null}
      </section>
    </div>
  );
}
