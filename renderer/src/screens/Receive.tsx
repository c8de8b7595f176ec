import { useState } from 'react';
import type { Arrival, DocumentView, Text } from '../../../shared/api/types.js';
import { api } from '../api.js';
import { ErrorAlert, Notice } from '../components/Alert.js';
import { DocumentTabs } from '../components/DocumentTabs.js';
import { ListCard } from '../components/ListCard.js';
import { MarkAllSeen } from '../components/MarkAllSeen.js';
import { ListFilters } from '../components/ListFilters.js';
import { NewMark, PeopleCell } from '../components/People.js';
import { Progress } from '../components/Progress.js';
import { useAction, useActivity, useLoad } from '../hooks.js';
import type { MessageKey } from '../i18n/index.js';
import { kindName, useI18n } from '../i18n/index.js';
import { kindLabel, useIsProvider } from '../office.js';
import { inTableOrder } from '../util/documentGroups.js';
import { formatDateTime, formatMonth } from '../util/format.js';
import { filterRows, monthsOf } from '../util/listFilter.js';
import { useListFilter } from '../util/rememberedFilter.js';
import { Breakable } from '../components/Breakable.js';

// 取り込み済み said too little: the file was written into the care software's import folder.
const stateLabel: Record<Arrival['state'], MessageKey> = { imported: 'stImportedToFolder', downloaded: 'stDownloaded', quarantined: 'stQuarantined' };
const stateClass: Record<Arrival['state'], string> = { imported: 'badge-ok', downloaded: 'badge-info', quarantined: 'badge-error' };

function ArrivalRow({ a, onOpen, opening, person }: { a: Arrival; onOpen: (a: Arrival) => void; opening: boolean; person: string }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const provider = useIsProvider();
  return (
    <tr data-testid="arrival-row" data-state={a.state} data-new={a.isNew ? 'true' : undefined} className={a.isNew ? 'row-new' : undefined}>
      <td>
        <NewMark show={a.isNew} />
        <PeopleCell people={a.people} first={person} />
      </td>
      <td>
        <Breakable text={a.sender.name ?? ''} />
        <span className="sub">{a.sender.office}</span>
      </td>
      <td>{inTableOrder(a.kinds).map((k) => kindLabel(k, i18n, provider)).join('・')}</td>
      <td className="nowrap">{formatMonth(a.month, lang)}</td>
      <td>
        {a.verified ? (
          <span className="badge badge-ok" title={a.signer ?? undefined}>
            ✓ <span className="visually-hidden">{t('verifiedOk')}</span>
          </span>
        ) : (
          <span className="badge badge-error">
            ✗ <span className="visually-hidden">{t('verifiedNg')}</span>
          </span>
        )}
      </td>
      <td>
        <span className={`badge ${stateClass[a.state]}`}>{t(stateLabel[a.state])}</span>
        {a.state === 'quarantined' && a.reason ? <span className="sub text-error">{a.reason}</span> : null}
      </td>
      <td className="nowrap">{formatDateTime(a.receivedAt)}</td>
      <td>
        <button type="button" className="btn" data-testid="arrival-open" disabled={opening || a.files.length === 0} onClick={() => onOpen(a)}>
          {t('open')}
        </button>
      </td>
    </tr>
  );
}

export function ReceivePage() {
  const i18n = useI18n();
  const { t, tx, lang } = i18n;
  const provider = useIsProvider();
  const arrivals = useLoad(() => api().listArrivals({}));
  const people = useLoad(() => api().listPeople({}));
  const [filter, setFilter] = useListFilter('receive');
  const all = arrivals.data ?? [];
  const shown = filterRows(all, filter, (a) => ({
    month: a.month,
    people: a.people ?? [],
    words: [a.sender.name, a.sender.office, ...a.kinds.flatMap((k) => [kindName(k, lang), kindLabel(k, i18n, provider)]), ...a.files, formatMonth(a.month, lang), t(stateLabel[a.state]), a.reason],
  }));
  const receive = useAction();
  const activity = useActivity(receive.busy);
  const folder = useAction();
  const opener = useAction();
  const [message, setMessage] = useState<Text | null>(null);
  const [folderPath, setFolderPath] = useState<string | null>(null);
  const [opened, setOpened] = useState<DocumentView[] | null>(null);

  const receiveNow = async () => {
    setMessage(null);
    const r = await receive.run(() => api().receiveNow({}));
    if (r) {
      setMessage(r.message);
      void arrivals.reload();
      // New 利用者補足情報 may have brought new names.
      void people.reload();
    }
  };

  const openFolder = async () => {
    const r = await folder.run(() => api().openFolder({ which: 'import' }));
    if (r) setFolderPath(r.path);
  };

  // One arrival is a set of files (e.g. 第6表 実績 + 補足情報): open them all, in order.
  const openArrival = async (a: Arrival) => {
    setOpened(null);
    const views = await opener.run(async () => {
      const out: DocumentView[] = [];
      for (const file of a.files) out.push(await api().openDocument({ source: 'arrival', file }));
      return out;
    });
    if (views) {
      setOpened(views);
      // Opened: no longer 新着.
      if (a.isNew) void arrivals.reload();
    }
  };

  return (
    <div className="page" data-testid="screen-receive">
      <div className="page-head">
        <h1>{t('receiveTitle')}</h1>
        <div className="button-row">
          <button type="button" className="btn btn-primary" data-testid="receive-now" disabled={receive.busy} onClick={() => void receiveNow()}>
            {t('receiveNow')}
          </button>
          <button type="button" className="btn" data-testid="receive-open-folder" disabled={folder.busy} onClick={() => void openFolder()}>
            {t('openImportFolder')}
          </button>
        </div>
      </div>
      {receive.busy ? <Progress activity={activity} fallback={t('working')} /> : null}
      <ErrorAlert error={receive.error ?? folder.error ?? arrivals.error} />
      {message ? (
        <Notice kind="info" testId="receive-message">
          {tx(message)}
        </Notice>
      ) : null}
      {folderPath ? (
        <Notice kind="info" testId="receive-folder-path">
          {t('folderPath', { path: folderPath })}
        </Notice>
      ) : null}

      {all.length > 0 ? (
        <ListFilters id="receive" value={filter} onChange={setFilter} months={monthsOf(all.map((a) => a.month))} people={people.data} shown={shown.length} total={all.length} />
      ) : null}
      {/* 受信 and 帳票 share their marks: an arrival is new until its files are opened. */}
      <MarkAllSeen list="documents" count={all.filter((a) => a.isNew).length} onDone={() => void arrivals.reload()} />
      <ListCard loaded={arrivals} rows={shown} empty={all.length > 0 ? t('listSearchNone') : t('arrivalsEmpty')} columns={[t('person'), t('colSender'), t('kinds'), t('month'), t('colVerified'), t('status'), t('colReceivedAt')]} actionColumn={t('open')}>
        {(rows) =>
          rows.map((a) => <ArrivalRow key={a.messageId} a={a} onOpen={(x) => void openArrival(x)} opening={opener.busy} person={filter.person} />)
        }
      </ListCard>

      <ErrorAlert error={opener.error} />
      {opener.busy ? <p>{t('loading')}</p> : null}
      {opened ? (
        <section className="opened">
          <div className="section-head">
            <span />
            <button type="button" className="btn" onClick={() => setOpened(null)}>
              {t('close')}
            </button>
          </div>
          <DocumentTabs views={opened} />
        </section>
      ) : null}
    </div>
  );
}
