// 印刷・FAX: the PDFs made for partners that are not linked (one per partner per month, with a cover
// sheet), to print and mark as faxed, and each month's sending by data and on paper side by side.
import { useState } from 'react';
import type { PaperSheetView, PaperView } from '../../../shared/api/types.js';
import { api } from '../api.js';
import { ErrorAlert } from '../components/Alert.js';
import { ListCard } from '../components/ListCard.js';
import { PartnerStatus, usePartnerLinks } from '../components/PartnerStatus.js';
import { useAction, useLoad } from '../hooks.js';
import { useI18n } from '../i18n/index.js';
import { showOpened } from '../util/openFile.js';

const monthLabel = (m: string) => `${m.slice(0, 4)}/${m.slice(4, 6)}`;
const KIND: Record<string, string> = { UP1KYO: '第1表', UP2KYO: '第2表', UP3KYO: '第3表', UPPLAN: '第6表', UPSIKYU: '第7表', UPHOSOKU: '補足' };

export function PaperPage() {
  const { t, lang } = useI18n();
  const loaded = useLoad(() => api().listPaper({}));
  const [view, setView] = useState<PaperView | null>(null);
  const data = view ?? loaded.data;
  const act = useAction();
  const { links } = usePartnerLinks(data ? [...new Set(data.sheets.map((s) => s.partner.office))] : []);
  const [note, setNote] = useState<string | null>(null);

  const print = async (s: PaperSheetView) => {
    const r = await act.run(() => api().openPaper({ id: s.id }));
    if (!r) return;
    showOpened(r);
    setNote(t('paperOpenedHere') + s.fileName);
  };
  const fax = async (s: PaperSheetView) => {
    const r = await act.run(() => api().setPaperFaxed({ id: s.id, faxed: s.faxedAt === null }));
    if (r) setView(r);
  };
  const when = (iso: string) => new Date(iso).toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' });

  return (
    <div className="page paper-page" data-testid="screen-paper">
      <h1>{t('paperTitle')}</h1>
      <p className="lead">{t('paperLead')}</p>
      {data ? (
        <p className="paper-folder">
          {t('paperFolder')}: <span className="mono">{data.folder}</span>{' '}
          <button type="button" className="btn btn-sub" data-testid="paper-open-folder" disabled={act.busy} onClick={() => void act.run(() => api().openPaper({}))}>
            {t('paperOpenFolder')}
          </button>
        </p>
      ) : null}
      <ErrorAlert error={loaded.error ?? act.error} />
      {note ? (
        <p className="paper-note" role="status">
          {note}
        </p>
      ) : null}
      <ListCard
        loaded={{ ...loaded, data: data?.sheets ?? null }}
        empty={t('paperEmpty')}
        columns={[t('paperColMonth'), t('paperColPartner'), t('paperColKinds'), t('paperColPages'), t('paperColMade'), t('paperColFax')]}
        actionColumn={t('paperPrint')}
      >
        {(rows) =>
          rows.map((s) => (
            <tr key={s.id} data-testid="paper-row" data-faxed={s.faxedAt !== null}>
              <td>{monthLabel(s.month)}</td>
              <td>
                {s.partner.name ?? ''} <span className="mono">{s.partner.office}</span> <PartnerStatus state={links.get(s.partner.office)?.state ?? 'unknown'} />
              </td>
              <td>{s.kinds.map((k) => KIND[k] ?? k).join('・')}</td>
              <td className="num">{s.pages}</td>
              <td>{when(s.madeAt)}</td>
              <td>{s.faxedAt ? <span className="badge badge-ok">✓ {t('paperFaxed')}</span> : <span className="badge badge-warn">{t('paperNotFaxed')}</span>}</td>
              <td className="paper-actions">
                <button type="button" className="btn btn-sub" data-testid="paper-print" disabled={act.busy} onClick={() => void print(s)}>
                  {t('paperPrint')}
                </button>
                <button type="button" className="btn btn-sub" data-testid="paper-fax" disabled={act.busy} onClick={() => void fax(s)}>
                  {s.faxedAt ? t('paperUnmarkFaxed') : t('paperMarkFaxed')}
                </button>
              </td>
            </tr>
          ))
        }
      </ListCard>
      <h2>{t('paperMonthsTitle')}</h2>
      <ListCard loaded={{ ...loaded, data: data?.months ?? null }} empty={t('paperEmpty')} columns={[t('paperColMonth'), t('paperColByData'), t('paperColByPaper')]}>
        {(rows) =>
          rows.map((m) => (
            <tr key={m.month} data-testid="paper-month">
              <td>{monthLabel(m.month)}</td>
              <td data-testid="paper-month-data">
                {m.byData.units} {t('paperUnits')}（{m.byData.partners.length} {t('paperPartners')}）
              </td>
              <td data-testid="paper-month-paper">
                {m.byPaper.units} {t('paperUnits')}（{m.byPaper.partners.length} {t('paperPartners')}）
              </td>
            </tr>
          ))
        }
      </ListCard>
    </div>
  );
}
