import { useI18n } from '../i18n/index.js';

/** Both languages are always written in their own script, so anyone can find the way back. */
export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <button
      type="button"
      className="lang-switch"
      data-testid="lang-switch"
      aria-label={`${t('langSwitchLabel')}: ${lang === 'ja' ? '日本語' : 'English'}`}
      onClick={() => setLang(lang === 'ja' ? 'en' : 'ja')}
    >
      <span className={lang === 'ja' ? 'lang-on' : 'lang-off'} lang="ja">
        日本語
      </span>
      <span aria-hidden="true"> / </span>
      <span className={lang === 'en' ? 'lang-on' : 'lang-off'} lang="en">
        English
      </span>
    </button>
  );
}
