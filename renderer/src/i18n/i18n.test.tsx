import { describe, expect, it } from 'vitest';
import { en } from './en.js';
import { ja } from './ja.js';
import { makeI18n, messages, SERVICE_TYPE_CHOICES, serviceTypeName, translate } from './index.js';

describe('labels', () => {
  it('has an English label for every Japanese one, and none left empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ja).sort());
    for (const lang of ['ja', 'en'] as const) {
      for (const [key, text] of Object.entries(messages[lang])) expect(text.trim(), `${lang}.${key}`).not.toBe('');
    }
  });

  it('names every service type the setup and partner filters offer, in both languages', () => {
    expect(new Set(SERVICE_TYPE_CHOICES).size).toBe(SERVICE_TYPE_CHOICES.length);
    for (const code of SERVICE_TYPE_CHOICES) {
      expect(serviceTypeName(code, 'ja')).not.toBe(code);
      expect(serviceTypeName(code, 'en')).not.toBe(code);
    }
  });
});

describe('translate', () => {
  it('fills the placeholders it has values for and leaves the others visible', () => {
    expect(translate('ja', 'progressOf', { done: 3, total: 10 })).toBe('3 / 10 件');
    expect(translate('en', 'progressOf', { done: 3 })).toBe('3 of {total}');
  });

  it('picks the language of a back-end text, and Japanese when the English is empty', () => {
    expect(makeI18n('en', () => {}).tx({ ja: '受信', en: 'Received' })).toBe('Received');
    expect(makeI18n('en', () => {}).tx({ ja: '受信', en: '' })).toBe('受信');
  });
});
