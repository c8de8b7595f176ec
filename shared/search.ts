// Search as a clerk means it: what she types should find what she sees, however the care software or
// the keyboard wrote it. ヒマワリ finds ひまわり, ＡＢＣ finds abc, ０１２ finds 012, ﾔﾏﾀﾞ finds 山田's
// フリガナ ヤマダ, and 「山田 花子」 finds 山田花子. Pure: used by the back end (history) and the screens.

/** Katakana (ァ..ヶ, ヽヾ) to hiragana: kana-insensitive matching. */
function toHiragana(s: string): string {
  return s.replace(/[\u30A1-\u30F6\u30FD\u30FE]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
}

/**
 * One form for comparing: NFKC (full-width letters and digits to ASCII, half-width kana to full-width,
 * ㈱ to (株)), katakana to hiragana, lower case, no spaces (ideographic ones included) and no
 * middle dots or hyphen-like marks people put in or leave out (山田・花子, 0110-000011).
 */
export function normalizeForSearch(s: string): string {
  return toHiragana(s.normalize('NFKC'))
    .toLowerCase()
    .replace(/[\s・\-‐―]+/g, '');
}

/** The words of a query: split on any space (a clerk types 山田 花子, or with an ideographic space), normalised. */
export function searchTerms(query: string): string[] {
  return query
    .normalize('NFKC')
    .split(/[\s\u3000]+/)
    .map(normalizeForSearch)
    .filter((t) => t !== '');
}

/**
 * Whether every word of the query appears in one of the fields (the words shown on screen for a row:
 * names, kana, numbers, titles). An empty query matches everything.
 */
export function matchesSearch(query: string, fields: readonly (string | null | undefined)[]): boolean {
  const terms = searchTerms(query);
  if (terms.length === 0) return true;
  const hay = fields.filter((f): f is string => typeof f === 'string' && f !== '').map(normalizeForSearch);
  return terms.every((t) => hay.some((h) => h.includes(t)));
}
