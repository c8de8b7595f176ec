// The language runtime: the current language (a React context), label lookup with {placeholders},
// and the names of spec codes. The labels themselves are in ja.ts and en.ts; the names of service
// types and file kinds are spec data (specs/labels.json, through shared/spec/labels.ts).
import { createContext, useContext } from 'react';
import type { Lang, Text } from '../../../shared/api/types.js';
import { en } from './en.js';
import { ja, type MessageKey } from './ja.js';

export type { MessageKey } from './ja.js';
export { kindName, serviceTypeName } from '../../../shared/spec/labels.js';

export const messages: Record<Lang, Record<MessageKey, string>> = { ja, en };

export type Vars = Record<string, string | number>;

/** Looks up a label and fills its {placeholders}. */
export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  const s = messages[lang][key];
  return vars ? s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m)) : s;
}

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey, vars?: Vars) => string;
  /** Picks the current language from a back-end {ja, en} text. */
  tx: (text: Text) => string;
}

export function makeI18n(lang: Lang, setLang: (lang: Lang) => void): I18n {
  return { lang, setLang, t: (key, vars) => translate(lang, key, vars), tx: (text) => text[lang] || text.ja };
}

export const I18nContext = createContext<I18n>(makeI18n('ja', () => {}));

export function useI18n(): I18n {
  return useContext(I18nContext);
}

/** The codes offered in the setup and partner filters, in the order people look for them. */
export const SERVICE_TYPE_CHOICES = ['43', '11', '13', '15', '46', '12', '14', '16', '17', '21', '78'];
