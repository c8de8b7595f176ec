// Where a Japanese name may wrap. Browsers break Japanese between any two characters, so a narrow
// column shows センタ/ー or ステーショ/ン. The tables keep words whole (word-break: keep-all) and this
// offers a break where the script changes, which in an office name is nearly always a word boundary:
// ひまわり|訪問介護|ステーション, ケアプランリンク|居宅介護支援|センター.
type Script = 'hira' | 'kata' | 'kanji' | 'latin' | 'other';

function scriptOf(c: string): Script {
  if (/[\u3041-\u309F]/.test(c)) return 'hira';
  // The long vowel mark belongs to the katakana it lengthens.
  if (/[\u30A0-\u30FF\u31F0-\u31FF\uFF66-\uFF9F]/.test(c)) return 'kata';
  if (/[\u4E00-\u9FFF\u3400-\u4DBF\u3005\u3006\u30F6]/.test(c)) return 'kanji';
  if (/[0-9A-Za-z\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/.test(c)) return 'latin';
  return 'other';
}

/** The name in pieces, split where hiragana, katakana, kanji and letters meet (rendered with <wbr> between). */
export function breakParts(name: string): string[] {
  const parts: string[] = [];
  let prev: Script | null = null;
  for (const c of name) {
    const s = scriptOf(c);
    if (prev !== null && s !== prev && s !== 'other' && prev !== 'other') parts.push('');
    if (parts.length === 0) parts.push('');
    parts[parts.length - 1] += c;
    prev = s;
  }
  return parts;
}
