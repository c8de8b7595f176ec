import { describe, expect, it } from 'vitest';
import { matchesSearch, normalizeForSearch, searchTerms } from './search.js';

describe('search normalisation', () => {
  it('is kana-insensitive: katakana and hiragana are the same', () => {
    expect(normalizeForSearch('ヒマワリ')).toBe(normalizeForSearch('ひまわり'));
    expect(matchesSearch('ヒマワリ', ['訪問介護ひまわり'])).toBe(true);
    expect(matchesSearch('やまだ', ['ヤマダ ハナコ'])).toBe(true);
  });

  it('is width-insensitive: full-width letters and digits, half-width kana', () => {
    expect(matchesSearch('ＡＢＣ', ['abc ケア'])).toBe(true);
    expect(matchesSearch('abc', ['ＡＢＣケア'])).toBe(true);
    expect(matchesSearch('０１１０', ['0110000011'])).toBe(true);
    expect(matchesSearch('0110', ['０１１０００００１１'])).toBe(true);
    expect(matchesSearch('ﾔﾏﾀﾞ', ['ヤマダ ハナコ'])).toBe(true);
    expect(matchesSearch('ヤマダ', ['ﾔﾏﾀﾞ ﾊﾅｺ'])).toBe(true);
  });

  it('ignores spaces (ideographic ones too) and middle dots inside names', () => {
    expect(matchesSearch('山田花子', ['山田 花子'])).toBe(true);
    expect(matchesSearch('山田　花子', ['山田花子'])).toBe(true);
    expect(matchesSearch('山田花子', ['山田・花子'])).toBe(true);
  });

  it('finds displayed words inside longer labels (実績 finds 第6表（実績）)', () => {
    expect(matchesSearch('実績', ['第6表（実績）'])).toBe(true);
    expect(matchesSearch('第６表', ['第6表（実績）'])).toBe(true);
  });

  it('needs every word of the query, each in some field', () => {
    expect(matchesSearch('山田 実績', ['山田 花子', '第6表（実績）'])).toBe(true);
    expect(matchesSearch('山田 予定', ['山田 花子', '第6表（実績）'])).toBe(false);
    expect(matchesSearch('鈴木', ['山田 花子', null, undefined])).toBe(false);
  });

  it('keeps the long vowel mark (センター is not センタ)', () => {
    expect(normalizeForSearch('センター')).toBe('せんたー');
    expect(matchesSearch('ｾﾝﾀｰ', ['ケアプランセンター'])).toBe(true);
  });

  it('an empty or blank query matches everything', () => {
    expect(searchTerms('  　 ')).toEqual([]);
    expect(matchesSearch('', ['x'])).toBe(true);
    expect(matchesSearch('　', [])).toBe(true);
  });
});
