import { describe, expect, it } from 'vitest';
import { matchesSearch, normalizeForSearch, searchTerms } from './search.js';

describe('search normalisation', () => {
  // [query, what the row shows]: each pair must match.
  it.each([
    // kana-insensitive: katakana and hiragana are the same
    ['ヒマワリ', '訪問介護ひまわり'],
    ['やまだ', 'ヤマダ ハナコ'],
    // width-insensitive: full-width letters and digits, half-width kana
    ['ＡＢＣ', 'abc ケア'],
    ['abc', 'ＡＢＣケア'],
    ['０１１０', '0110000011'],
    ['0110', '０１１０００００１１'],
    ['ﾔﾏﾀﾞ', 'ヤマダ ハナコ'],
    ['ヤマダ', 'ﾔﾏﾀﾞ ﾊﾅｺ'],
    // spaces (ideographic ones too) and middle dots inside names do not count
    ['山田花子', '山田 花子'],
    ['山田　花子', '山田花子'],
    ['山田花子', '山田・花子'],
  ])('%s finds %s', (query, shown) => {
    expect(matchesSearch(query, [shown])).toBe(true);
    expect(matchesSearch(query, ['佐藤 次郎'])).toBe(false);
  });

  it('normalises katakana and hiragana to one form', () => {
    expect(normalizeForSearch('ヒマワリ')).toBe(normalizeForSearch('ひまわり'));
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
