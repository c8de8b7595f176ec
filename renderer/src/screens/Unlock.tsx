import { useState } from 'react';
import type { AppState } from '../../../shared/api/types.js';
import { api } from '../api.js';
import { ErrorAlert } from '../components/Alert.js';
import { RememberPasswordCheck } from '../components/ShellControls.js';
import { useAction } from '../hooks.js';
import { useI18n } from '../i18n/index.js';

export function UnlockPage({ state, onState }: { state: AppState; onState: (s: AppState) => void }) {
  const { t } = useI18n();
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(state.settings.rememberPassword);
  const canRemember = state.capabilities.rememberPassword;
  const action = useAction();
  const unlock = async () => {
    // Where the password cannot be kept (the browser), no choice is sent: it stays in memory only.
    const s = await action.run(() => api().unlock({ password, ...(canRemember ? { remember } : {}) }));
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
        {canRemember ? <RememberPasswordCheck checked={remember} onChange={setRemember} testId="unlock-remember" /> : null}
        <button type="submit" className="btn btn-primary btn-large" data-testid="unlock-button" disabled={action.busy}>
          {t('unlockButton')}
        </button>
        <ErrorAlert error={action.error} />
      </form>
    </div>
  );
}
