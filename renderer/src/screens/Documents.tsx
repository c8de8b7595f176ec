import { Fragment, useMemo, useState } from 'react';
import type { DocumentEntry, DocumentView, Lang, Person } from '../../../shared/api/types.js';
import { personKey as paperKey, type PersonDirectory } from '../../../shared/forms/index.js';
import { api } from '../api.js';
import { ErrorAlert } from '../components/Alert.js';
import { DocumentViewer } from '../components/DocumentViewer.js';
import { ListCard } from '../components/ListCard.js';
import { MarkAllSeen } from '../components/MarkAllSeen.js';
import { ListFilters } from '../components/ListFilters.js';
import { NewMark, PersonLabel } from '../components/People.js';
import { useAction, useLoad } from '../hooks.js';
import { kindName, useI18n, type I18n } from '../i18n/index.js';
import { kindLabel, useIsProvider } from '../office.js';
import { documentLines, groupDocuments, type DocumentLine } from '../util/documentGroups.js';
import { formatDateTime, formatMonth } from '../util/format.js';
import { filterRows, monthsOf } from '../util/listFilter.js';
import { useListFilter } from '../util/rememberedFilter.js';
import { Breakable } from '../components/Breakable.js';

const COLUMNS = 5;

/** The paper forms' person directory (shared/forms) from the back end's list of people. */
const paperDirectory = (people: Person[]): PersonDirectory => new Map(people.filter((p) => p.name).map((p) => [paperKey(p.insurer, p.insured), { insurer: p.insurer, insured: p.insured, name: p.name ?? '', kana: p.kana ?? '', sex: '', birth: '', birthRaw: '' }]));

/** The words a document line shows (its person, its kind in the office's own words, the file, the partner), for the search. */
const lineFacts = ({ doc: d, person }: DocumentLine, i18n: Pick<I18n, 't' | 'lang'>, provider: boolean, lang: Lang) => ({
  month: d.month,
  people: person ? [person] : [],
  words: [kindLabel(d.fileType, i18n, provider), kindName(d.fileType, lang), d.title, d.ref.file, d.partner, d.ref.source === 'arrival' ? i18n.t('srcArrival') : i18n.t('srcSent'), formatMonth(d.month, lang)],
});

export function DocumentsPage() {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const provider = useIsProvider();
  const list = useLoad(() => api().listDocuments({}));
  const people = useLoad(() => api().listPeople({}));
  const opener = useAction();
  const [view, setView] = useState<DocumentView | null>(null);
  const [openKey, setOpenKey] = useState<string | null>(null);
  const [filter, setFilter] = useListFilter('documents');
  const all = list.data ?? [];
  // A file about three people is three lines, one under each: searching one name shows only that person's.
  const lines = documentLines(all);
  const shown = filterRows(lines, filter, (l) => lineFacts(l, i18n, provider, lang));
  const groups = groupDocuments(shown);

  // The back end's people (names from any 利用者補足情報 the office holds) name the opened form, even
  // a 第1表 or 第6表 opened on its own, without its unit's 補足情報.
  const directory = useMemo(() => paperDirectory(people.data ?? []), [people.data]);

  const open = async (d: DocumentEntry) => {
    setOpenKey(`${d.ref.source}/${d.ref.file}`);
    const v = await opener.run(() => api().openDocument(d.ref));
    setView(v ?? null);
    // Opened: no longer 新着.
    if (v && d.isNew) void list.reload();
  };

  return (
    <div className="page" data-testid="screen-documents">
      <div className="page-head">
        <h1>{t('documentsTitle')}</h1>
        <button type="button" className="btn" onClick={() => void list.reload()}>
          {t('refresh')}
        </button>
      </div>
      <ErrorAlert error={list.error} />
      {all.length > 0 ? (
        <ListFilters id="documents" value={filter} onChange={setFilter} months={monthsOf(all.map((d) => d.month))} people={people.data} shown={shown.length} total={lines.length} />
      ) : null}
      <MarkAllSeen list="documents" count={all.filter((d) => d.isNew).length} onDone={() => void list.reload()} />
      <ListCard loaded={list} rows={shown.map((l) => l.doc)} empty={all.length > 0 ? t('listSearchNone') : t('documentsEmpty')} columns={[t('colTitle'), t('partner'), t('colSource'), t('at')]} actionColumn={t('open')}>
        {() =>
          groups.map((g) => (
            <Fragment key={g.key}>
              <tr className="group-row" data-testid="document-group">
                <th scope="rowgroup" colSpan={COLUMNS}>
                  {g.person ? <PersonLabel person={g.person} numbers={false} /> : t('personUnnamed')}
                  <span className="group-month">{g.month ? formatMonth(g.month, lang) : t('personNoMonth')}</span>
                </th>
              </tr>
              {g.docs.map((d) => {
                const key = `${d.ref.source}/${d.ref.file}`;
                return (
                  <tr key={`${g.key}|${key}`} data-testid="document-row" data-kind={d.fileType} data-new={d.isNew ? 'true' : undefined} className={[openKey === key ? 'row-selected' : '', d.isNew ? 'row-new' : ''].join(' ').trim() || undefined}>
                    <td>
                      <NewMark show={d.isNew} />
                      {kindLabel(d.fileType, i18n, provider, d.title)}
                      <span className="sub file-name">{d.ref.file}</span>
                    </td>
                    <td>
                      <Breakable text={d.partnerName ?? (d.partnerOffice ? '' : d.partner)} />
                      {d.partnerOffice ? <span className="sub">{d.partnerOffice}</span> : null}
                    </td>
                    <td className="nowrap">{d.ref.source === 'arrival' ? t('srcArrival') : t('srcSent')}</td>
                    <td className="nowrap">{formatDateTime(d.at)}</td>
                    <td>
                      <button type="button" className="btn" data-testid="document-open" disabled={opener.busy} onClick={() => void open(d)}>
                        {t('open')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </Fragment>
          ))
        }
      </ListCard>
      <ErrorAlert error={opener.error} />
      {opener.busy ? <p>{t('loading')}</p> : null}
      {view ? <DocumentViewer view={view} people={directory} /> : null}
    </div>
  );
}
