import type { ReactNode } from 'react';
import type { Text } from '../../../shared/api/types.js';
import { useI18n } from '../i18n/index.js';

/**
 * A failure, in a box that cannot be missed. The back end's messages already say what to do next. In
 * English mode the Japanese stays underneath: it is what the support desk and the vendor will recognise.
 */
export function ErrorAlert({ error }: { error: Text | null }) {
  const { t, lang } = useI18n();
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert" data-testid="alert">
      <strong className="alert-title">{t('errorTitle')}</strong>
      <p>{lang === 'en' ? error.en || error.ja : error.ja}</p>
      {lang === 'en' && error.en && error.ja !== error.en ? (
        <p className="alert-secondary" lang="ja">
          {t('errorJapanese')}: {error.ja}
        </p>
      ) : null}
    </div>
  );
}

/** A calm status line: success, a warning or plain information. */
export function Notice({ kind, children, testId }: { kind: 'ok' | 'warn' | 'info' | 'error'; children: ReactNode; testId?: string }) {
  return (
    <div className={`notice notice-${kind}`} role={kind === 'warn' || kind === 'error' ? 'status' : undefined} data-testid={testId}>
      {children}
    </div>
  );
}
