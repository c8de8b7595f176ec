// Rendering helpers for the component tests: a screen inside the language context, or the whole app.
import { cleanup, render } from '@testing-library/react';
import type { ReactElement } from 'react';
import type { Lang } from '../../../shared/api/types.js';
import { setApi } from '../api.js';
import { I18nContext, makeI18n } from '../i18n/index.js';
import type { FakeApi } from './fakeApi.js';

export function renderScreen(ui: ReactElement, lang: Lang = 'ja') {
  return render(<I18nContext.Provider value={makeI18n(lang, () => {})}>{ui}</I18nContext.Provider>);
}

export function install(fake: FakeApi): FakeApi {
  setApi(fake);
  return fake;
}

/** A File whose bytes are the given text (UTF-8), as a file input or a drop would hand it over. */
export function textFile(name: string, text: string): File {
  return new File([text], name, { type: 'application/octet-stream' });
}

/** After each test: the rendered screen unmounted and the fake back end removed. */
export function resetScreen(): void {
  cleanup();
  setApi(null);
}
