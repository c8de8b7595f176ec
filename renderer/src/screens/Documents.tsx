import { useState } from 'react';
import type { DocumentEntry, DocumentView } from '../../../shared/api/types.js';
import { api } from '../api.js';
import { ErrorAlert } from '../components/Alert.js';
import { ListCard } from '../components/ListCard.js';
import { DocumentViewer } from '../components/DocumentViewer.js';
import { useAction, useLoad } from '../hooks.js';
import { useI18n } from '../i18n/index.js';
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
      <ListCard loaded={list} empty={t('documentsEmpty')} columns={[t('colTitle'), t('partner'), t('month'), t('colSource'), t('at')]} actionColumn={t('open')}>
        {(rows) =>
          rows.map((d) => {
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
          })
        }
      </ListCard>
      <ErrorAlert error={opener.error} />
      {opener.busy ? <p>{t('loading')}</p> : null}
      {view ? <DocumentViewer view={view} /> : null}
    </div>
  );
}
