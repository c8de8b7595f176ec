import { useEffect, useState } from 'react';
import type { AppState, Lang, Settings } from '../../../shared/api/types.js';
import { api } from '../api.js';
import { ErrorAlert, Notice } from '../components/Alert.js';
import { CertificateFacts } from '../components/CertificateFacts.js';
import { ProfileEditor } from '../components/ProfileEditor.js';
import { useAction } from '../hooks.js';
import { serviceTypeName, useI18n } from '../i18n/index.js';

/** Only what changed goes to the back end, so a save never overwrites a setting changed elsewhere. */
export function changedSettings(before: Settings, after: Settings): Partial<Settings> {
  const out: Partial<Settings> = {};
  if (after.lang !== before.lang) out.lang = after.lang;
  if (after.autoSend !== before.autoSend) out.autoSend = after.autoSend;
  if (after.pollSeconds !== before.pollSeconds) out.pollSeconds = after.pollSeconds;
  if (after.notifications !== before.notifications) out.notifications = after.notifications;
  if (after.startWithWindows !== before.startWithWindows) out.startWithWindows = after.startWithWindows;
  if (after.rememberPassword !== before.rememberPassword) out.rememberPassword = after.rememberPassword;
  return out;
}

export function SettingsPage({ state, onSettings, onState }: { state: AppState; onSettings: (s: Settings) => void; onState?: (s: AppState) => void }) {
  const { t, lang } = useI18n();
  const [draft, setDraft] = useState<Settings>({ ...state.settings, lang });
  const [poll, setPoll] = useState(String(state.settings.pollSeconds));
  const [saved, setSaved] = useState(false);
  const action = useAction();
  // The header switch changes the language at once (and saves it); keep this form in step with it.
  useEffect(() => setDraft((d) => ({ ...d, lang })), [lang]);
  const desktop = state.shell === 'electron';
  const canRemember = state.capabilities.rememberPassword;
  const pollNumber = Number(poll);
  const pollOk = /^\d+$/.test(poll.trim()) && pollNumber >= 10 && pollNumber <= 3600;

  const edit = (patch: Partial<Settings>) => {
    setSaved(false);
    setDraft((d) => ({ ...d, ...patch }));
  };

  const save = async () => {
    if (!pollOk) return;
    const next = { ...draft, pollSeconds: pollNumber };
    const changes = changedSettings({ ...state.settings, lang }, next);
    const r = await action.run(() => api().saveSettings(changes));
    if (r) {
      onSettings(r);
      setDraft(r);
      setPoll(String(r.pollSeconds));
      setSaved(true);
    }
  };

  const p = state.profile;
  const c = state.certificate;
  return (
    <div className="page" data-testid="screen-settings">
      <h1>{t('settingsTitle')}</h1>
      <section className="card">
        <div className="field">
          <label htmlFor="settings-lang">{t('settingsLang')}</label>
          <select id="settings-lang" data-testid="settings-lang" value={draft.lang} onChange={(e) => edit({ lang: e.target.value as Lang })}>
            <option value="ja">日本語</option>
            <option value="en">English</option>
          </select>
        </div>
        <label className="check">
          <input type="checkbox" data-testid="settings-autosend" checked={draft.autoSend} onChange={(e) => edit({ autoSend: e.target.checked })} />
          {t('settingsAutoSend')}
        </label>
        <div className="field">
          <label htmlFor="settings-poll">{t('settingsPoll')}</label>
          <input
            id="settings-poll"
            data-testid="settings-poll"
            type="number"
            min={10}
            max={3600}
            value={poll}
            aria-invalid={!pollOk}
            onChange={(e) => {
              setSaved(false);
              setPoll(e.target.value);
            }}
          />
          {!pollOk ? <p className="field-check check-ng">{t('settingsPollBad')}</p> : null}
        </div>
        <label className="check">
          <input type="checkbox" data-testid="settings-notifications" checked={draft.notifications} onChange={(e) => edit({ notifications: e.target.checked })} />
          {t('settingsNotifications')}
        </label>
        <label className={`check${desktop ? '' : ' check-disabled'}`}>
          <input
            type="checkbox"
            data-testid="settings-start-with-windows"
            checked={draft.startWithWindows}
            disabled={!desktop}
            onChange={(e) => edit({ startWithWindows: e.target.checked })}
          />
          {t('settingsStartWithWindows')}
          {!desktop ? <span className="sub">{t('settingsStartOnlyDesktop')}</span> : null}
        </label>
        <label className={`check${canRemember ? '' : ' check-disabled'}`}>
          <input type="checkbox" data-testid="settings-remember-password" checked={canRemember && draft.rememberPassword} disabled={!canRemember} onChange={(e) => edit({ rememberPassword: e.target.checked })} />
          <span>
            {t('rememberPassword')}
            <span className="sub">{canRemember ? t('rememberPasswordHint') : t('settingsStartOnlyDesktop')}</span>
          </span>
        </label>
        <div className="save-row">
          <button type="button" className="btn btn-primary" data-testid="settings-save" disabled={!pollOk || action.busy} onClick={() => void save()}>
            {t('settingsSave')}
          </button>
        </div>
        <ErrorAlert error={action.error} />
        {saved ? (
          <Notice kind="ok" testId="settings-saved">
            ✓ {t('settingsSaved')}
          </Notice>
        ) : null}
      </section>

      <div className="two-col">
        <section className="card">
          <h2>{t('profileTitle')}</h2>
          {p ? (
            <dl className="facts" data-testid="settings-profile">
              <dt>{t('officeNumber')}</dt>
              <dd className="mono">{p.office}</dd>
              <dt>{t('officeName')}</dt>
              <dd>{p.name}</dd>
              <dt>{t('serviceType')}</dt>
              <dd>{serviceTypeName(p.serviceType, lang)}</dd>
              <dt>{t('relayUrlShort')}</dt>
              <dd className="mono">{p.relayUrl}</dd>
              <dt>{t('exportDirShort')}</dt>
              <dd className="mono">{p.exportDir}</dd>
              <dt>{t('importDirShort')}</dt>
              <dd className="mono">{p.importDir}</dd>
            </dl>
          ) : (
            <p>—</p>
          )}
        </section>
        <section className="card">
          <h2>{t('certificateTitle')}</h2>
          {c ? (
            <>
              <CertificateFacts cert={c} testId="settings-certificate" />
            </>
          ) : (
            <p>—</p>
          )}
        </section>
      </div>
      {p && onState ? <ProfileEditor key={`${p.relayUrl}|${p.exportDir}|${p.importDir}|${p.name}`} profile={p} onState={onState} pickers={state.capabilities.pickers} /> : null}
    </div>
  );
}
