import { useState } from 'react';
import type { DocumentEntry, DocumentView } from '../../../shared/api/types.js';
import { api } from '../api.js';
import { ErrorAlert } from '../components/Alert.js';
import { DocumentViewer } from '../components/DocumentViewer.js';
import { useAction, useLoad } from '../hooks.js';
import { useI18n } from '../i18n.js';
import { formatDateTime, formatMonth } from '../util/format.js';

export function DocumentsPage() {
  const { t, lang } = useI18n();
  const list = useLoad(() => api().listDocuments({}));
  const opener = useAction();
  const [view, setView] = useState<DocumentView | null>(null);
  const [openKey, setOpenKey] = useState<string | null>(null);

  const open = async (d: DocumentEntry) => {
    setOpenKey(`${d.ref.source}/${d.ref.file}`);
    const v = await opener.run(() => api().openDocument(d.ref));
    setView(v ?? null);
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
      <section className="card">
        {list.loading && !list.data ? <p>{t('loading')}</p> : null}
        {list.data && list.data.length === 0 ? <p>{t('documentsEmpty')}</p> : null}
        {list.data && list.data.length > 0 ? (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('colTitle')}</th>
                <th scope="col">{t('partner')}</th>
                <th scope="col">{t('month')}</th>
                <th scope="col">{t('colSource')}</th>
                <th scope="col">{t('at')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('open')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((d) => {
                const key = `${d.ref.source}/${d.ref.file}`;
                return (
                  <tr key={key} data-testid="document-row" className={openKey === key ? 'row-selected' : undefined}>
                    <td>
                      {d.title}
                      <span className="sub file-name">{d.ref.file}</span>
                    </td>
                    <td>{d.partner}</td>
                    <td className="nowrap">{formatMonth(d.month, lang)}</td>
                    <td>{d.ref.source === 'arrival' ? t('srcArrival') : t('srcSent')}</td>
                    <td className="nowrap">{formatDateTime(d.at)}</td>
                    <td>
                      <button type="button" className="btn" data-testid="document-open" disabled={opener.busy} onClick={() => void open(d)}>
                        {t('open')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : null}
      </section>
      <ErrorAlert error={opener.error} />
      {opener.busy ? <p>{t('loading')}</p> : null}
      {view ? <DocumentViewer view={view} /> : null}
    </div>
  );
}
