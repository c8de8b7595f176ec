import type { HistoryEntry } from '../../../shared/api/types.js';
import type { MessageKey } from '../i18n/index.js';
import { useI18n } from '../i18n/index.js';
import { kindLabel, useIsProvider } from '../office.js';
import { inTableOrder } from '../util/documentGroups.js';
import { formatDateTime, formatMonth } from '../util/format.js';
import { PeopleCell } from './People.js';
import { Breakable } from './Breakable.js';

const receiptLabel: Record<HistoryEntry['receipt'], MessageKey> = { verified: 'rcVerified', invalid: 'rcInvalid', none: 'rcNone', given: 'rcGiven' };
const receiptClass: Record<HistoryEntry['receipt'], string> = { verified: 'badge-ok', invalid: 'badge-error', none: 'badge-muted', given: 'badge-info' };

/** Every status the back end writes, in plain words: how far a unit has come. */
const statusText: Record<HistoryEntry['status'], { ja: string; en: string; cls: string }> = {
  pending: { ja: '送信待ち（未送信）', en: 'Waiting to be sent', cls: 'badge-warn' },
  queued: { ja: '受付済み（相手の受信待ち）', en: 'Accepted, waiting for the partner', cls: 'badge-info' },
  delivered: { ja: '相手が受信', en: 'Collected by the partner', cls: 'badge-ok' },
  received: { ja: '相手が受領', en: 'Receipt from the partner', cls: 'badge-ok' },
  imported: { ja: '取り込み済み', en: 'Imported', cls: 'badge-ok' },
  quarantined: { ja: '隔離', en: 'Quarantined', cls: 'badge-error' },
  failed: { ja: '失敗', en: 'Failed', cls: 'badge-error' },
  downloaded: { ja: '受信処理中', en: 'Being processed', cls: 'badge-info' },
  paper: { ja: '紙で送付', en: 'Sent on paper', cls: 'badge-warn' },
};

/** What arrived and was imported was written into the care software's import folder: say so. */
const receivedImported = { ja: '取り込みフォルダに保存しました', en: 'Saved to the import folder', cls: 'badge-ok' };

/** What the partner did with what we sent: its own words, not ours (取り込み済み read as if we had). */
const sentImported = { ja: '相手が取り込みました', en: 'Imported by the partner', cls: 'badge-ok' };

export function HistoryTable({ entries, rowTestId, person }: { entries: HistoryEntry[]; rowTestId?: string; person?: string }) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const provider = useIsProvider();
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">{t('at')}</th>
          <th scope="col">{t('direction')}</th>
          <th scope="col">{t('person')}</th>
          <th scope="col">{t('partner')}</th>
          <th scope="col">{t('kinds')}</th>
          <th scope="col">{t('month')}</th>
          <th scope="col">{t('status')}</th>
          <th scope="col">{t('colReceipt')}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((h) => {
          const st = h.status === 'imported' ? (h.direction === 'received' ? receivedImported : sentImported) : statusText[h.status];
          return (
            <tr key={`${h.messageId}-${h.direction}-${h.at}`} data-testid={rowTestId}>
              <td className="nowrap">{formatDateTime(h.at)}</td>
              <td>
                <span className={`dir dir-${h.direction}`}>{h.direction === 'sent' ? `↑ ${t('dirSent')}` : `↓ ${t('dirReceived')}`}</span>
              </td>
              <td>
                <PeopleCell people={h.people} first={person} />
              </td>
              <td>
                <Breakable text={h.partner.name ?? ''} />
                <span className="sub">{h.partner.office}</span>
              </td>
              <td>{inTableOrder(h.kinds).map((k) => kindLabel(k, i18n, provider)).join('・')}</td>
              <td className="nowrap">{formatMonth(h.month, lang)}</td>
              <td>
                <span className={`badge ${st?.cls ?? 'badge-muted'}`}>{st ? st[lang] : h.status}</span>
                {h.detail ? <span className="sub">{h.detail}</span> : null}
              </td>
              <td>
                <span className={`badge ${receiptClass[h.receipt]}`}>{t(receiptLabel[h.receipt])}</span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
