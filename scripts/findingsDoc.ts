import { CODE_DOCS } from '../shared/validator/codeDocs.js';
import { CODES, type FindingCode } from '../shared/validator/codes.js';

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

/** The audit row a code rests on, as a link into docs/spec-audit.md (its rows carry these anchors). */
function auditLink(anchor: string | null): string {
  if (anchor === null) return '—（本ツールの制限 / the tool’s own limit）';
  const label = /^f\d+$/.test(anchor) ? anchor.toUpperCase() : /^g-\d+$/.test(anchor) ? anchor.toUpperCase() : anchor.replace(/^(.+)-(\d+)$/, (_m, file: string, no: string) => `${file.toUpperCase()} No.${no}`);
  return `[${label}](spec-audit.md#${anchor})`;
}

export function renderFindingsDoc(): string {
  const out = [
    '# Finding codes / 指摘コード一覧',
    '',
    'Generated from `shared/validator/codes.ts` (messages) and `shared/validator/codeDocs.ts` (names, examples, audit rows) by `npm run docs:findings`; a test keeps it in sync.',
    'Codes are stable: a code is never renamed or reused. `E_…` findings are errors, `W_…` warnings. A code the validator no longer raises stays listed as retired.',
    'Warnings mark rules that rest on an UNCERTAIN reading of the spec, or advice that does not make a file unusable.',
    '`{…}` are filled in per finding. 監査 links to the row of [docs/spec-audit.md](spec-audit.md) (the column-by-column audit against the source text) that the rule rests on.',
    '',
  ];
  for (const [group, title] of GROUPS) {
    const codes = (Object.entries(CODES) as [FindingCode, (typeof CODES)[FindingCode]][]).filter(([code]) => code.split('_')[1] === group);
    if (codes.length === 0) continue;
    out.push(`## ${title}`, '', '| code | 名前 | severity | メッセージ / message | 例 / example | 直し方 / how to fix | 監査 / audit |', '|---|---|---|---|---|---|---|');
    for (const [code, info] of codes) {
      const doc = CODE_DOCS[code];
      const retired = 'retired' in info && info.retired ? `retired（→ \`${info.retired}\`）` : info.severity;
      out.push(`| \`${code}\` | ${cell(doc.name)} | ${retired} | ${cell(info.ja)}<br>${cell(info.en)} | ${cell(doc.example)} | ${cell(info.hintJa)}<br>${cell(info.hintEn)} | ${auditLink(doc.audit)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
