import { describe, expect, it } from 'vitest';
import { breakParts } from './wrap.js';

const shown = breakParts;

describe('breakParts', () => {
  it('offers breaks only where the script changes', () => {
    expect(shown('ひまわり訪問介護ステーション')).toEqual(['ひまわり', '訪問介護', 'ステーション']);
    expect(shown('ケアプランリンク居宅介護支援センター')).toEqual(['ケアプランリンク', '居宅介護支援', 'センター']);
    expect(shown('ABCケア')).toEqual(['ABC', 'ケア']);
  });

  it('never splits a word, keeps punctuation with its neighbours, and leaves the visible text as it was', () => {
    expect(shown('センター')).toEqual(['センター']);
    expect(shown('第6表（実績）')).toEqual(['第', '6', '表（実績）']);
    expect(breakParts('さくら（デイ）').join('')).toBe('さくら（デイ）');
    expect(breakParts('')).toEqual([]);
  });
});
