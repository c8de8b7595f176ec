import { useState } from 'react';
import type { AppState, AttentionItem, AttentionKind, Text } from '../../../shared/api/types.js';
import { api } from '../api.js';
import { ErrorAlert, Notice } from '../components/Alert.js';
import { ConnectionBadge } from '../components/ConnectionBadge.js';
import { HistoryTable } from '../components/HistoryTable.js';
import { useAction, useLoad } from '../hooks.js';
import { useI18n } from '../i18n/index.js';
import { formatDateTime } from '../util/format.js';
import type { ScreenId } from './ids.js';

/** The home screen is what people look at most: it refreshes itself. */
const HOME_REFRESH_MS = 5000;

const kindLook: Record<AttentionKind, { icon: string; tone: 'error' | 'warn' | 'muted'; screen: ScreenId }> = {
  'file-error': { icon: '✗', tone: 'error', screen: 'errors' },
  'incomplete-unit': { icon: '!', tone: 'warn', screen: 'send' },
  'unsent-export': { icon: '!', tone: 'warn', screen: 'send' },
  'send-failed': { icon: '✗', tone: 'error', screen: 'history' },
  quarantined: { icon: '!', tone: 'error', screen: 'receive' },
  'certificate-expiring': { icon: '⏰', tone: 'warn', screen: 'settings' },
  offline: { icon: '⚡', tone: 'muted', screen: 'settings' },
};

function Attention({ item, go }: { item: AttentionItem; go: (s: ScreenId) => void }) {
  const { t, tx } = useI18n();
  const look = kindLook[item.kind];
  return (
    <li className={`attention attention-${look.tone}`} data-testid="attention-item" data-kind={item.kind}>
      <span className="attention-icon" aria-hidden="true">
        {look.icon}
      </span>
      <div className="attention-body">
        <strong>{tx(item.title)}</strong>
        <p>{tx(item.action)}</p>
        {item.subject || item.at ? (
          <p className="sub">
            {item.subject ?? ''} {item.at ? formatDateTime(item.at) : ''}
          </p>
        ) : null}
      </div>
      <button type="button" className="btn" data-testid="attention-open" onClick={() => go(look.screen)}>
        {item.kind === 'file-error' ? t('homeOpenErrors') : t('open')}
      </button>
    </li>
  );
}

export function HomePage({ state, go }: { state: AppState; go: (s: ScreenId) => void }) {
  const { t, tx } = useI18n();
  const home = useLoad(() => api().home({}), '', HOME_REFRESH_MS);
  const receive = useAction();
  const [lastMessage, setLastMessage] = useState<Text | null>(null);
  const cert = state.certificate;

  const receiveNow = async () => {
    const r = await receive.run(() => api().receiveNow({}));
    if (r) {
      setLastMessage(r.message);
      void home.reload();
    }
  };

  return (
    <div className="page" data-testid="screen-home">
      <div className="page-head">
        <h1>{t('homeTitle')}</h1>
        <button type="button" className="btn btn-primary" data-testid="home-receive-now" disabled={receive.busy} onClick={() => void receiveNow()}>
          {receive.busy ? t('working') : t('receiveNow')}
        </button>
      </div>
      <ErrorAlert error={home.error ?? receive.error} />
      {lastMessage ? <Notice kind="info" testId="home-receive-message">{tx(lastMessage)}</Notice> : null}

      <section className="counts" aria-label={t('today')}>
        <div className="count count-sent" data-testid="count-sent">
          <span className="count-label">{t('today')} {t('todaySent')}</span>
          <span className="count-value">{home.data?.today.sent ?? '—'}</span>
        </div>
        <div className="count count-received" data-testid="count-received">
          <span className="count-label">{t('today')} {t('todayReceived')}</span>
          <span className="count-value">{home.data?.today.received ?? '—'}</span>
        </div>
        <button type="button" className={`count count-errors count-link${(home.data?.today.errors ?? 0) > 0 ? ' count-bad' : ''}`} data-testid="count-errors" onClick={() => go('errors')}>
          <span className="count-label">{t('today')} {t('todayErrors')}</span>
          <span className="count-value">{home.data?.today.errors ?? '—'}</span>
        </button>
      </section>

      <section className="card">
        <h2>{t('attentionTitle')}</h2>
        {home.data && home.data.attention.length === 0 ? <Notice kind="ok">✓ {t('attentionNone')}</Notice> : null}
        <ul className="attention-list">
          {home.data?.attention.map((a, i) => (
            <Attention key={`${a.kind}-${a.subject ?? ''}-${i}`} item={a} go={go} />
          ))}
        </ul>
      </section>

      <div className="two-col">
        <section className="card">
          <h2>{t('connectionTitle')}</h2>
          <ConnectionBadge connection={state.connection} />
          {state.connection.checkedAt ? <p className="sub">{t('checkedAt', { at: formatDateTime(state.connection.checkedAt) })}</p> : null}
          {state.connection.error ? <p>{tx(state.connection.error)}</p> : null}
        </section>
        <section className="card">
          <h2>{t('certificateTitle')}</h2>
          {cert ? (
            <p className={cert.daysLeft <= 0 ? 'text-error' : cert.expiringSoon ? 'text-warn' : ''} data-testid="home-cert-days">
              {cert.daysLeft <= 0 ? t('certExpired') : t('certExpires', { n: cert.daysLeft })}
            </p>
          ) : (
            <p>—</p>
          )}
          {cert?.expiringSoon ? <p>{t('certExpiringSoon')}</p> : null}
        </section>
      </div>

      <section className="card">
        <h2>{t('recentTitle')}</h2>
        {home.data && home.data.recent.length === 0 ? <p>{t('none')}</p> : null}
        {home.data && home.data.recent.length > 0 ? <HistoryTable entries={home.data.recent} rowTestId="home-recent-row" /> : null}
      </section>
    </div>
  );
}
