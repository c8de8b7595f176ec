// The readable report: one block per file and per send unit, a table of findings, a summary line.
import { serviceTypeLabel } from '../spec/serviceTypes.js';
import type { CheckReport, FileReport, Finding, OfficeRef, UnitReport } from './types.js';

export type Lang = 'ja' | 'en';

/** Display width: East Asian wide and full-width characters take two cells. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    w += (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || cp >= 0x20000 ? 2 : 1;
  }
  return w;
}

function pad(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => displayWidth(r[i] ?? ''))));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : pad(cell, widths[i]!))).join('  ').trimEnd());
}

const L = {
  ja: {
    head: ['重要度', '行', '物理行', '列', '項目', '内容', '直し方'],
    error: 'エラー',
    warning: '警告',
    unit: '送信単位',
    seq: '連番',
    ok: '問題なし',
    month: (m: string) => (m === '000000' ? '計画（000000）' : `${m.slice(0, 4)}年${m.slice(4)}月`),
    summary: (r: CheckReport) =>
      `ファイル ${r.summary.files}件（正常 ${r.summary.validFiles}・エラーあり ${r.summary.invalidFiles}）` +
      (r.summary.units ? `／送信単位 ${r.summary.units}件（正常 ${r.summary.validUnits}・エラーあり ${r.summary.invalidUnits}）` : '') +
      `／エラー ${r.summary.errors}件・警告 ${r.summary.warnings}件`,
    ignored: (n: number) => `対象外として読み飛ばしたファイル: ${n}件`,
    omitted: (n: number) => `（ほかに ${n} 件の指摘を省略）`,
  },
  en: {
    head: ['severity', 'row', 'line', 'col', 'field', 'problem', 'how to fix'],
    error: 'error',
    warning: 'warning',
    unit: 'Send unit',
    seq: 'sequence',
    ok: 'no problems',
    month: (m: string) => (m === '000000' ? 'plan (000000)' : `${m.slice(0, 4)}-${m.slice(4)}`),
    summary: (r: CheckReport) =>
      `${r.summary.files} files (${r.summary.validFiles} valid, ${r.summary.invalidFiles} with errors)` +
      (r.summary.units ? `; ${r.summary.units} send units (${r.summary.validUnits} valid, ${r.summary.invalidUnits} with errors)` : '') +
      `; ${r.summary.errors} errors, ${r.summary.warnings} warnings`,
    ignored: (n: number) => `Skipped as not standard-spec files: ${n}`,
    omitted: (n: number) => `(${n} more findings left out)`,
  },
} as const;

function findingRows(findings: Finding[], lang: Lang): string[][] {
  const t = L[lang];
  return findings.map((f) => [
    f.severity === 'error' ? t.error : t.warning,
    f.row === null ? '-' : String(f.row),
    f.line === null ? '-' : String(f.line),
    f.column === null ? '-' : String(f.column),
    f.field ?? '-',
    // With --service-codes the record's service is named (e.g. [111111 身体介護１]).
    (lang === 'ja' ? f.message : f.messageEn) + (f.service ? ` [${f.service}]` : ''),
    lang === 'ja' ? f.hint : f.hintEn,
  ]);
}

function block(title: string, findings: Finding[], lang: Lang): string[] {
  const out = [title];
  if (findings.length === 0) {
    out.push(`   ${L[lang].ok}`);
    return out;
  }
  for (const line of table([[...L[lang].head], ...findingRows(findings, lang)])) out.push(`   ${line}`);
  return out;
}

/** An office with its service type named: 1310000029(11 訪問介護). */
function office(o: OfficeRef, lang: Lang): string {
  return `${o.office}(${o.serviceType === null ? '' : serviceTypeLabel(o.serviceType, lang)})`;
}

function fileTitle(f: FileReport, lang: Lang): string {
  const mark = f.valid ? '✔' : '✖';
  const parts = [`${mark} ${f.path}`];
  if (f.meta) {
    parts.push(f.meta.title);
    if (f.meta.serviceMonth) parts.push(L[lang].month(f.meta.serviceMonth));
    parts.push(`${office(f.meta.sender, lang)} → ${office(f.meta.receiver, lang)}`);
  }
  return parts.join('  ');
}

function unitTitle(u: UnitReport, lang: Lang): string {
  const t = L[lang];
  return `${u.valid ? '✔' : '✖'} ${t.unit} ${office(u.sender, lang)} → ${office(u.receiver, lang)}  ${t.seq} ${u.sequence}  ${u.title ?? ''}  [${u.files.join(', ')}]`;
}

export function formatText(report: CheckReport, lang: Lang = 'ja'): string {
  const lines: string[] = [];
  for (const f of report.files) {
    lines.push(...block(fileTitle(f, lang), [...f.errors, ...f.warnings], lang));
    if (f.omitted > 0) lines.push(`   ${L[lang].omitted(f.omitted)}`);
    lines.push('');
  }
  for (const u of report.units) {
    lines.push(...block(unitTitle(u, lang), [...u.errors, ...u.warnings], lang));
    lines.push('');
  }
  if (report.summary.ignored.length) lines.push(L[lang].ignored(report.summary.ignored.length));
  lines.push(L[lang].summary(report));
  return lines.join('\n') + '\n';
}
