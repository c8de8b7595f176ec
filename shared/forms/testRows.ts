// Records shaped like the valid fixtures (fixtures/valid), for the form model tests: spec column n at
// index n-1. Kept apart so each test file reads as what it checks.

/** A row of `count` blank columns with the given 1-based columns filled. */
export function row(count: number, values: Record<number, string>): string[] {
  const r = Array.from({ length: count }, () => '');
  for (const [no, v] of Object.entries(values)) r[Number(no) - 1] = v;
  return r;
}

export const hosokuRow = row(63, {
  1: '202407', 2: '131010', 3: '1000000000', 4: '20250401', 5: 'サトウ　ハナ', 6: '佐藤　ハナ', 7: '2', 8: '19490528',
  9: '168-4596', 10: '東京都千代田区神田一丁目1番1号', 12: '03-1000-1000', 13: '20240320', 14: '20240401', 15: '20260331',
  16: '2', 18: '21', 19: '16765', 20: '11', 21: '16765', 22: '2100', 23: '0', 56: '0', 60: '1310000011', 61: '1310000011', 63: '000000',
});

export const plan1Row = row(28, {
  1: '202407', 2: '131010', 3: '1000000000', 4: '20250401', 5: '168-4596', 6: '東京都千代田区神田一丁目1番1号', 8: '山田　花子',
  9: 'ケアプランリンク居宅介護支援センター', 10: '101-0041', 11: '東京都千代田区神田須田町一丁目1番1号', 13: '1310000011',
  14: '20250401', 15: '20240401', 16: '52', 17: '2', 18: '20240320', 19: '20240401', 20: '20260331', 21: '22',
  22: '自宅での生活を続けたい。\r\n足腰の力が落ちており、入浴に不安がある。', 23: '特になし', 24: '転倒を防ぎ、安心して在宅生活を続けられるよう支援します。', 25: '1', 27: '1310000011',
});
