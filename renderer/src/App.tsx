import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AppState, Lang, Settings, Text } from '../../shared/api/types.js';
import { api } from './api.js';
import { ErrorAlert } from './components/Alert.js';
import { ConnectionBadge } from './components/ConnectionBadge.js';
import { LangSwitch } from './components/LangSwitch.js';
import { I18nContext, makeI18n } from './i18n/index.js';
import { OfficeContext } from './office.js';
import { ComparePage } from './screens/Compare.js';
import { DocumentsPage } from './screens/Documents.js';
import { ErrorsPage } from './screens/Errors.js';
import { HistoryPage } from './screens/History.js';
import { HomePage } from './screens/Home.js';
import type { ScreenId } from './screens/ids.js';
import { SCREEN_LABEL, SCREENS } from './screens/ids.js';
import { PaperActualsPage } from './screens/PaperActuals.js';
import { PaperPage } from './screens/Paper.js';
import { PartnersPage } from './screens/Partners.js';
import { ReceivePage } from './screens/Receive.js';
import { ReportPage } from './screens/Report.js';
import { SendPage } from './screens/Send.js';
import { SettingsPage } from './screens/Settings.js';
import { SetupPage } from './screens/Setup.js';
import { UnlockPage } from './screens/Unlock.js';
import { errorText } from './util/errors.js';

/** How often the header's connection and certificate state is refreshed while the app is open. */
const STATE_REFRESH_MS = 10_000;

export function App() {
  const [state, setState] = useState<AppState | null>(null);
  const [lang, setLangState] = useState<Lang>('ja');
  const [screen, setScreen] = useState<ScreenId>('home');
  const [error, setError] = useState<Text | null>(null);

  const loadState = useCallback(async (first: boolean) => {
    try {
      const s = await api().getState({});
      setState(s);
      // The saved language applies on start; after that the switch in the header decides.
      if (first) setLangState(s.settings.lang);
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  }, []);

  useEffect(() => {
    void loadState(true);
  }, [loadState]);

  const phase = state?.phase;
  useEffect(() => {
    if (phase !== 'ready') return undefined;
    const id = setInterval(() => void loadState(false), STATE_REFRESH_MS);
    return () => clearInterval(id);
  }, [phase, loadState]);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    // Remember the choice; the screen switches at once either way.
    api()
      .saveSettings({ lang: l })
      .then((settings) => setState((s) => (s ? { ...s, settings } : s)))
      .catch((e: unknown) => setError(errorText(e)));
  }, []);

  const i18n = useMemo(() => makeI18n(lang, setLang), [lang, setLang]);
  const t = i18n.t;

  const onSettings = useCallback((settings: Settings) => {
    setState((s) => (s ? { ...s, settings } : s));
    setLangState(settings.lang);
  }, []);

  const onState = useCallback((s: AppState) => {
    setState(s);
    setScreen('home');
  }, []);

  // A changed office profile keeps the person on the settings screen.
  const onProfile = useCallback((s: AppState) => setState(s), []);

  let body;
  if (!state) {
    body = error ? (
      <div className="center-page">
        <ErrorAlert error={error} />
        <button type="button" className="btn" onClick={() => void loadState(true)}>
          {t('refresh')}
        </button>
      </div>
    ) : (
      <p className="center-page">{t('loading')}</p>
    );
  } else if (state.phase === 'setup') {
    body = <SetupPage state={state} onState={onState} />;
  } else if (state.phase === 'locked') {
    body = <UnlockPage state={state} onState={onState} />;
  } else {
    body = (
      <div className="layout">
        <nav className="nav" aria-label="menu">
          <ul>
            {SCREENS.map((id) => (
              <li key={id}>
                <button
                  type="button"
                  className={`nav-item${screen === id ? ' nav-current' : ''}`}
                  aria-current={screen === id ? 'page' : undefined}
                  data-testid={`nav-${id}`}
                  onClick={() => setScreen(id)}
                >
                  {t(SCREEN_LABEL[id])}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <main className="main">
          {screen === 'home' && <HomePage state={state} go={setScreen} />}
          {screen === 'send' && <SendPage />}
          {screen === 'errors' && <ErrorsPage shell={state.shell} />}
          {screen === 'receive' && <ReceivePage />}
          {screen === 'documents' && <DocumentsPage />}
          {screen === 'compare' && <ComparePage />}
          {screen === 'paper' && <PaperPage />}
          {screen === 'partners' && <PartnersPage />}
          {screen === 'history' && <HistoryPage />}
          {screen === 'paperActuals' && <PaperActualsPage />}
          {screen === 'report' && <ReportPage />}
          {screen === 'settings' && <SettingsPage state={state} onSettings={onSettings} onState={onProfile} />}
        </main>
      </div>
    );
  }

  return (
    <I18nContext.Provider value={i18n}>
      <OfficeContext.Provider value={state?.profile ?? null}>
      <div className="app">
        <header className="header">
          <div className="header-title">
            <span className="app-name">{t('appTitle')}</span>
            {state?.profile ? (
              <span className="header-office">
                {state.profile.name}（{state.profile.office}）
              </span>
            ) : null}
          </div>
          <div className="header-tools">
            {state?.phase === 'ready' ? <ConnectionBadge connection={state.connection} testId="header-connection" /> : null}
            <LangSwitch />
          </div>
        </header>
        {state && error ? (
          <div className="header-alert">
            <ErrorAlert error={error} />
          </div>
        ) : null}
        {body}
      </div>
      </OfficeContext.Provider>
    </I18nContext.Provider>
  );
}
