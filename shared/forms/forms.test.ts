import { describe, expect, it } from 'vitest';
import { codeText, layoutTitle } from './codes.js';
import { FORM_ORIENTATION, paperForms } from './index.js';
import { hosokuCard } from './hosoku.js';
import { personDirectory } from './person.js';
import { plan1Form } from './plan1.js';
import { plan2Forms, plan2Rows } from './plan2.js';
import { plan3Forms, WEEKDAYS } from './plan3.js';
import { table7Forms } from './table7.js';
import { hosokuRow, plan1Row, row } from './testRows.js';

const selected = (choices: { label: string; selected: boolean }[]) => choices.filter((c) => c.selected).map((c) => c.label);

describe('code labels from the spec lists', () => {
  it('names 要介護状態区分, 計画書区分 and 認定状況区分 codes', () => {
    expect(codeText('UP1KYO', 21, '21').label).toBe('要介護１');
    expect(codeText('UP1KYO', 21, '13').label).toBe('要支援２');
    expect(codeText('UP1KYO', 21, '06').label).toBe('事業対象者');
    expect(codeText('UP1KYO', 16, '11').label).toBe('初回');
    expect(codeText('UP1KYO', 16, '21').label).toBe('継続');
    expect(codeText('UP1KYO', 17, '2').label).toBe('認定済');
    expect(codeText('UPHOSOKU', 7, '1').label).toBe('男性');
    expect(layoutTitle('UP1KYO')).toBe('居宅サービス計画書（第1表）');
  });

  it('shows an unknown code as itself, marked, and a blank as blank', () => {
    expect(codeText('UP1KYO', 21, '99')).toEqual({ code: '99', label: '99', unknown: true });
    expect(codeText('UP1KYO', 21, ' ')).toEqual({ code: '', label: '', unknown: false });
  });
});

describe('第1表', () => {
  const people = personDirectory([hosokuRow]);
  const form = plan1Form(plan1Row, people);

  it('circles each part of a combined 計画書区分 and the 認定 and 要介護 choices as the paper prints them', () => {
    expect(form.planKind.map((c) => c.label)).toEqual(['初回', '紹介', '継続']);
    expect(selected(form.planKind)).toEqual(['初回', '継続']);
    expect(form.certStatus.map((c) => c.label)).toEqual(['認定済', '申請中']);
    expect(selected(form.certStatus)).toEqual(['認定済']);
    expect(form.careLevel.map((c) => c.label)).toEqual(['要介護１', '要介護２', '要介護３', '要介護４', '要介護５']);
    expect(selected(form.careLevel)).toEqual(['要介護２']);
    expect(selected(form.livingSupport)).toEqual(['一人暮らし']);
  });

  it('writes the dates as dates and takes the name from 利用者補足情報', () => {
    expect(form.created).toBe('2025年4月1日');
    expect(form.planDate).toBe('2025年4月1日');
    expect(form.firstPlanDate).toBe('2024年4月1日');
    expect(form.certDate).toBe('2024年3月20日');
    expect(form.certPeriod).toBe('2024年4月1日～2026年3月31日');
    expect(form.person.name).toBe('佐藤　ハナ');
    expect(form.person.birth).toBe('1949年5月28日（昭和24年）');
    expect(form.address).toBe('〒168-4596 東京都千代田区神田一丁目1番1号');
    expect(form.intent).toContain('入浴に不安がある');
  });

  it('prints numbers only when no 利用者補足情報 came with the plan', () => {
    const bare = plan1Form(plan1Row);
    expect(bare.person).toMatchObject({ insurer: '131010', insured: '1000000000', name: '' });
  });
});

describe('第2表', () => {
  const base = { 1: '202407', 2: '131010', 3: '1000000000', 4: '20250401', 5: '20250401' };
  const rows = [
    row(22, { ...base, 6: '2', 7: '人と話す機会を持ちたい', 8: '1', 9: '地域の人と交流する', 10: 'デイサービスに通う', 11: '20250401～20250930', 13: '1', 14: '通所介護', 15: 'Y', 16: '通所介護', 18: 'さくらデイサービス' }),
    row(22, { ...base, 6: '1', 7: '自宅で安全に入浴したい', 8: '1', 9: '週3回入浴できる', 10: '介助を受けて入浴する', 13: '1', 14: '入浴介助', 15: 'Y', 19: '週3回' }),
    row(22, { ...base, 6: '1', 8: '1', 13: '2', 14: '買い物の支援', 15: 'N' }),
    row(22, { ...base, 6: '1', 8: '1', 10: '自分で服を選ぶ', 13: '3', 14: '声かけ' }),
  ];

  it('rebuilds the need → goal → service tree in the printed order', () => {
    const [form] = plan2Forms(rows);
    expect(form!.needs.map((n) => n.text)).toEqual(['自宅で安全に入浴したい', '人と話す機会を持ちたい']);
    const goal = form!.needs[0]!.goals[0]!;
    expect(goal.longText).toBe('週3回入浴できる');
    expect(goal.shorts.map((s) => [s.text, s.services.map((v) => v.content)])).toEqual([
      ['介助を受けて入浴する', ['入浴介助', '買い物の支援']],
      ['自分で服を選ぶ', ['声かけ']],
    ]);
    expect(goal.shorts[0]!.services.map((s) => s.insured)).toEqual([true, false]);
    expect(form!.needs[1]!.goals[0]!.longPeriod).toBe('2025年4月1日～2025年9月30日');
  });

  it('merges the cells the paper merges', () => {
    const [form] = plan2Forms(rows);
    const spans = plan2Rows(form!.needs).map((r) => [r.needSpan, r.goalSpan, r.shortSpan]);
    expect(spans).toEqual([
      [3, 3, 2],
      [0, 0, 0],
      [0, 0, 1],
      [1, 1, 1],
    ]);
  });

  it('keeps repeated text on every line as one cell', () => {
    const repeated = rows.slice(1, 3).map((r) => r.map((v, i) => (i === 6 && !v ? '自宅で安全に入浴したい' : i === 9 && !v ? '介助を受けて入浴する' : v)));
    const [form] = plan2Forms(repeated);
    expect(form!.needs).toHaveLength(1);
    expect(form!.needs[0]!.goals[0]!.shorts).toHaveLength(1);
  });
});

describe('第3表', () => {
  const base = { 1: '202407', 2: '131010', 3: '1000000000', 4: '20250401', 5: '20250401' };
  const rows = [
    row(13, { ...base, 6: '通所介護', 7: '4', 8: '0930', 9: '1630' }),
    row(13, { ...base, 6: '訪問介護', 7: '1', 8: '0900', 9: '0930' }),
    row(13, { ...base, 10: '起床', 11: '0630', 12: '0630' }),
    row(13, { ...base, 13: '福祉用具貸与（手すり）' }),
    row(13, { ...base, 6: '訪問看護', 7: '9', 8: '1000', 9: '1100' }),
  ];

  it('places weekly services on their weekday and time, and sorts the rest into their columns', () => {
    const [form] = plan3Forms(rows);
    expect(WEEKDAYS.map((d) => d.label)).toEqual(['月', '火', '水', '木', '金', '土', '日']);
    expect(form!.services.map((s) => [WEEKDAYS[s.day]!.label, s.text, s.time, s.startMin, s.endMin])).toEqual([
      ['月', '訪問介護', '9:00～9:30', 540, 570],
      ['木', '通所介護', '9:30～16:30', 570, 990],
    ]);
    expect(form!.activities).toEqual([{ text: '起床', time: '6:30', startMin: 390, endMin: 390 }]);
    expect(form!.nonWeekly).toEqual(['福祉用具貸与（手すり）']);
    expect(form!.unplaced).toEqual(['訪問看護 9 10:00～11:00']);
  });
});

describe('第3表 services past midnight', () => {
  const base = { 1: '202407', 2: '131010', 3: '1000000000', 4: '20250401', 5: '20250401' };
  const blocks = (day: string, from: string, to: string) =>
    plan3Forms([row(13, { ...base, 6: '夜間対応型訪問介護', 7: day, 8: from, 9: to })])[0]!.services.map((s) => [WEEKDAYS[s.day]!.label, s.startMin, s.endMin, s.time]);

  it('run to the bottom of their day and continue at the top of the next (日 continues on 月)', () => {
    expect(blocks('1', '2200', '0600')).toEqual([
      ['月', 1320, 1440, '22:00～6:00'],
      ['火', 0, 360, '22:00～6:00'],
    ]);
    expect(blocks('7', '2300', '0100').map((b) => b[0])).toEqual(['月', '日']);
    expect(blocks('3', '2200', '0000')).toEqual([['水', 1320, 1440, '22:00～0:00']]);
  });
});

describe('第3表 services that overlap on one day', () => {
  const base = { 1: '202407', 2: '131010', 3: '1000000000', 4: '20250401', 5: '20250401' };
  const service = (text: string, day: string, from: string, to: string) => row(13, { ...base, 6: text, 7: day, 8: from, 9: to });
  const lanesOf = (rows: string[][]) => plan3Forms(rows)[0]!.services.map((s) => [s.text, s.lane, s.lanes]);

  // [what it shows, services as [name, 曜日 code, start, end], expected [name, lane, lanes] in drawing order]
  const cases: [string, [string, string, string, string][], [string, number, number][]][] = [
    ['sit side by side, the lanes shared by the overlapping group', [['訪問介護', '1', '0900', '1000'], ['訪問看護', '1', '0930', '1100'], ['通所介護', '2', '0930', '1630']], [['訪問介護', 0, 2], ['訪問看護', 1, 2], ['通所介護', 0, 1]]],
    ['one after another need no second lane', [['A', '3', '0900', '1000'], ['B', '3', '1000', '1100']], [['A', 0, 1], ['B', 0, 1]]],
    ['a lane freed early is used again', [['長い', '5', '0900', '1200'], ['前', '5', '0900', '1000'], ['後', '5', '1000', '1100']], [['長い', 0, 2], ['前', 1, 2], ['後', 1, 2]]],
    // 9:00～9:10 is drawn two quarters high, so 9:15 would be drawn over it.
    ['a short visit counts as the half hour it is drawn as', [['短い', '6', '0900', '0910'], ['次', '6', '0915', '1000']], [['短い', 0, 2], ['次', 1, 2]]],
  ];
  it.each(cases)('%s', (_what, services, expected) => {
    expect(lanesOf(services.map(([text, day, from, to]) => service(text, day, from, to)))).toEqual(expected);
  });
});

describe('利用者補足情報 and 第7表', () => {
  it('names the person, the certification and the limit slots', () => {
    const card = hosokuCard(hosokuRow);
    expect(card.person).toMatchObject({ name: '佐藤　ハナ', kana: 'サトウ　ハナ', sex: '女性' });
    expect(card.age).toBe(75);
    expect(card.certStatus).toBe('認定済');
    expect(card.careLevel).toBe('要介護１');
    expect(card.limit).toBe('16,765');
    expect(card.limitPeriod).toBe('2024年4月1日～2026年3月31日');
    expect(card.month).toBe('');
    expect(card.slots).toEqual([{ serviceType: '11 訪問介護', limit: '16,765', total: '2,100', over: '0' }]);
  });

  it('names the subtotal and total rows of 第7表 and groups per person', () => {
    const base = { 1: '202407', 2: '131010', 3: '1000000000', 4: '20250401', 5: '202504', 6: 'ひまわり訪問介護ステーション', 7: '1310000029' };
    const forms = table7Forms(
      [
        row(37, { ...base, 9: '111211', 13: '244', 16: '3', 17: '732' }),
        row(37, { ...base, 9: '11AAAA', 13: '0', 22: '732' }),
        row(37, { ...base, 7: '9999999999', 9: '999999', 13: '0' }),
      ],
      personDirectory([hosokuRow]),
    );
    expect(forms).toHaveLength(1);
    expect(forms[0]!.month).toBe('2025年4月');
    expect(forms[0]!.person.name).toBe('佐藤　ハナ');
    expect(forms[0]!.lines.map((l) => [l.kind, l.service, l.officeCode])).toEqual([
      ['detail', '111211', '1310000029'],
      ['subtotal', '11 訪問介護 区分支給限度対象 計', '1310000029'],
      ['total', '合計', ''],
    ]);
  });

  it('dispatches by file kind and prints 第3表 and the ticket tables landscape', () => {
    expect(paperForms('UP1KYO', [plan1Row])?.[0]?.kind).toBe('plan1');
    expect(paperForms('UPKIHON', [])).toBeNull();
    expect(FORM_ORIENTATION.plan1).toBe('portrait');
    expect(FORM_ORIENTATION.plan3).toBe('landscape');
    expect(FORM_ORIENTATION.table6).toBe('landscape');
  });
});
