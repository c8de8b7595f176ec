import { useState } from 'react';
import type { AppState } from '../../../shared/api/types.js';
import { api } from '../api.js';
import { ErrorAlert } from '../components/Alert.js';
import { useAction } from '../hooks.js';
import { useI18n } from '../i18n/index.js';

export function UnlockPage({ state, onState }: { state: AppState; onState: (s: AppState) => void }) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const action = useAction();
  const unlock = async () => {
    const s = await action.run(() => api().unlock({ password }));
    if (s) onState(s);
  };
  return (
    <div className="page center-page" data-testid="screen-unlock">
      <form
        className="card unlock"
        onSubmit={(e) => {
          e.preventDefault();
          void unlock();
        }}
      >
        <h1>{t('unlockTitle')}</h1>
        {state.profile ? (
          <p className="lead">
            {state.profile.name}（{state.profile.office}）
          </p>
        ) : null}
        <p>{t('unlockIntro')}</p>
        <div className="field">
          <label htmlFor="unlock-password">{t('certPassword')}</label>
          <input id="unlock-password" data-testid="unlock-password" type="password" autoFocus autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        <button type="submit" className="btn btn-primary btn-large" data-testid="unlock-button" disabled={action.busy}>
          {t('unlockButton')}
        </button>
        <ErrorAlert error={action.error} />
      </form>
    </div>
  );
}
