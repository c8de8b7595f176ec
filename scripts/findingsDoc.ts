import { CODES } from '../shared/validator/codes.js';

const GROUPS: [string, string][] = [
  ['NAME', 'ファイル名 / file name'],
  ['ENCODING', '文字コード / encoding'],
  ['CSV', 'CSV の形 / CSV framing'],
  ['FIELD', '項目 / fields'],
  ['FILE', 'ファイル単位の規則 / file rules'],
  ['IMAGE', '画像 / image'],
  ['TABLE7', '第7表 / service-ticket annex'],
  ['UNIT', '送信単位 / send units'],
];

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function renderFindingsDoc(): string {
  const out = [
    '# Finding codes / 指摘コード一覧',
    '',
    'Generated from `shared/validator/codes.ts` by `npm run docs:findings`; a test keeps it in sync.',
    'Codes are stable: a code is never renamed or reused. `E_…` findings are errors, `W_…` warnings.',
    'Warnings mark rules that rest on an UNCERTAIN reading of the spec, or advice that does not make a file unusable.',
    '`{…}` are filled in per finding.',
    '',
  ];
  for (const [group, title] of GROUPS) {
    const codes = Object.entries(CODES).filter(([code]) => code.split('_')[1] === group);
    if (codes.length === 0) continue;
    out.push(`## ${title}`, '', '| code | severity | メッセージ | message | 直し方 / how to fix |', '|---|---|---|---|---|');
    for (const [code, info] of codes) out.push(`| \`${code}\` | ${info.severity} | ${cell(info.ja)} | ${cell(info.en)} | ${cell(info.hintJa)} / ${cell(info.hintEn)} |`);
    out.push('');
  }
  return out.join('\n');
}
