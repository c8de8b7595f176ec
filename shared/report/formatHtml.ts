// 適合性レポート（HTML）: `careplan-link check --format html`. One self-contained page: the style sheet
// inline, the chart as inline SVG, no script and no external resource, so it can be mailed, archived
// or opened from a USB stick, and a Content-Security-Policy that forbids everything else. The filter
// "errors only" is two radio buttons and CSS. Values come as the validator wrote them: under --redact
// they are already masked (as in the JSON report).
import { serviceTypeLabel } from '../spec/serviceTypes.js';
import type { Lang } from './formatText.js';
import { chart, CSS, esc, heading, WORDS } from './htmlParts.js';
import type { CheckReport, FileReport, Finding, OfficeRef, UnitReport } from './types.js';

export interface HtmlOptions {
  /** The service-code master given with --service-codes, named in the header. */
  serviceCodes?: string;
}

type Words = (typeof WORDS)[Lang];

const CSP = "default-src 'none'; style-src 'unsafe-inline'";

function office(o: OfficeRef, lang: Lang): string {
  const type = o.serviceType ? `<br><small>${esc(serviceTypeLabel(o.serviceType, lang))}</small>` : '';
  return `<span class="office">${esc(o.office)}</span>${type}`;
}

function status(valid: boolean, w: Words): string {
  return valid ? `<span class="status ok">✔ ${esc(w.ok)}</span>` : `<span class="status bad">✖ ${esc(w.bad)}</span>`;
}

const num = (n: number | string) => `<td class="num">${esc(n)}</td>`;
const dash = (v: number | string | null | undefined) => (v === null || v === undefined || v === '' ? '-' : v);

function summaryCards(r: CheckReport, w: Words): string {
  const s = r.summary;
  const card = (cls: string, label: string, value: number, detail = '') =>
    `<div class="card ${cls}"><dt>${esc(label)}</dt><dd data-count="${cls}">${value}${detail ? `<small>${esc(detail)}</small>` : ''}</dd></div>`;
  const split = (ok: number, bad: number) => `${w.cards.valid} ${ok} / ${w.cards.invalid} ${bad}`;
  return (
    '<dl class="cards">' +
    card('files', w.cards.files, s.files, split(s.validFiles, s.invalidFiles)) +
    (s.units ? card('units', w.cards.units, s.units, split(s.validUnits, s.invalidUnits)) : '') +
    card('errors', w.cards.errors, s.errors) +
    card('warnings', w.cards.warnings, s.warnings) +
    '</dl>'
  );
}

function fileRows(files: FileReport[], lang: Lang, w: Words): string {
  const head = `<tr>${w.fileHead.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const rows = files.map((f, i) => {
    const m = f.meta;
    const anchor = [...f.errors, ...f.warnings].length ? `<a href="#file-${i + 1}">${esc(f.name)}</a>` : esc(f.name);
    return (
      `<tr class="file" data-file="${esc(f.name)}"><td>${status(f.valid, w)}</td><td class="file">${anchor}</td>` +
      `<td>${esc(m ? m.title : (f.fileType ?? '-'))}</td><td class="month">${esc(m?.serviceMonth ? w.month(m.serviceMonth) : '-')}</td>` +
      `<td>${m ? office(m.sender, lang) : '-'}</td><td>${m ? office(m.receiver, lang) : '-'}</td>` +
      `${num(f.stats.records)}${num(f.stats.users)}${num(f.counts.errors)}${num(f.counts.warnings)}</tr>`
    );
  });
  return `<table class="overview files">${head}${rows.join('')}</table>`;
}

function unitRows(units: UnitReport[], lang: Lang, w: Words): string {
  const head = `<tr>${w.unitHead.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const rows = units.map((u, i) => {
    const title = u.errors.length + u.warnings.length ? `<a href="#unit-${i + 1}">${esc(u.title ?? u.key)}</a>` : esc(u.title ?? u.key);
    return (
      `<tr class="unit" data-unit="${esc(u.key)}"><td>${status(u.valid, w)}</td><td>${title}<br><small>${esc(u.files.join(', '))}</small></td>` +
      `<td>${office(u.sender, lang)} →<br>${office(u.receiver, lang)}</td><td class="seq">${esc(u.sequence)}</td>` +
      `<td class="month">${esc(u.serviceMonth ? w.month(u.serviceMonth) : '-')}</td>${num(u.files.length)}${num(u.errors.length)}${num(u.warnings.length)}</tr>`
    );
  });
  return `<table class="overview units">${head}${rows.join('')}</table>`;
}

function findingRow(f: Finding, lang: Lang, w: Words): string {
  const value = f.value === undefined ? '-' : `<code>${esc(f.value)}</code>`;
  const service = f.service ? `<br><small>${esc(f.service)}</small>` : '';
  return (
    `<tr class="finding ${f.severity}" data-code="${esc(f.code)}">` +
    `<td><span class="sev ${f.severity}">${esc(f.severity === 'error' ? w.error : w.warning)}</span></td>` +
    `<td class="code"><code>${esc(f.code)}</code></td>${num(dash(f.row))}${num(dash(f.line))}${num(dash(f.column))}` +
    `<td class="field">${esc(dash(f.field))}</td><td class="value">${value}${service}</td>` +
    `<td class="message">${esc(lang === 'ja' ? f.message : f.messageEn)}</td><td class="fix">${esc(lang === 'ja' ? f.hint : f.hintEn)}</td></tr>`
  );
}

function findingTable(findings: Finding[], lang: Lang, w: Words): string {
  const head = `<tr>${w.findingHead.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  return `<table class="findings">${head}${findings.map((f) => findingRow(f, lang, w)).join('')}</table>`;
}

function fileFindings(f: FileReport, i: number, lang: Lang, w: Words): string {
  const findings = [...f.errors, ...f.warnings];
  if (findings.length === 0) return '';
  const m = f.meta;
  const about = m ? `${m.title}${m.serviceMonth ? `・${w.month(m.serviceMonth)}` : ''}・${m.sender.office} → ${m.receiver.office}` : (f.fileType ?? '');
  const omitted = f.omitted > 0 ? `<p class="muted">${esc(w.omitted(f.omitted))}</p>` : '';
  return `<article id="file-${i + 1}" class="file-findings"><h3>${f.valid ? '✔' : '✖'} ${esc(f.path)}</h3><p class="muted">${esc(about)}</p>${findingTable(findings, lang, w)}${omitted}</article>`;
}

function unitFindings(u: UnitReport, i: number, lang: Lang, w: Words): string {
  const findings = [...u.errors, ...u.warnings];
  if (findings.length === 0) return '';
  const about = `${serviceTypeLabel(u.sender.serviceType ?? '', lang)} ${u.sender.office} → ${serviceTypeLabel(u.receiver.serviceType ?? '', lang)} ${u.receiver.office}・${u.sequence}`;
  return `<article id="unit-${i + 1}" class="unit-findings"><h3>${u.valid ? '✔' : '✖'} ${esc(u.title ?? u.key)}</h3><p class="muted">${esc(about)}<br>${esc(u.files.join(', '))}</p>${findingTable(findings, lang, w)}</article>`;
}

export function formatHtml(report: CheckReport, lang: Lang = 'ja', options: HtmlOptions = {}): string {
  const w = WORDS[lang];
  const s = report.summary;
  const bad = s.invalidFiles + s.invalidUnits > 0;
  const master = options.serviceCodes ? `<p>${esc(w.master)}: ${esc(options.serviceCodes)}</p>` : '';
  const graph = chart(s.byCode, lang);
  const findings = [...report.files.map((f, i) => fileFindings(f, i, lang, w)), ...report.units.map((u, i) => unitFindings(u, i, lang, w))].filter(Boolean);
  const ignored = s.ignored.length ? `<details><summary>${esc(w.ignored(s.ignored.length))}</summary><ul>${s.ignored.map((p) => `<li>${esc(p)}</li>`).join('')}</ul></details>` : '';
  const filter = `<p class="filter"><label for="show-all">${esc(w.showAll)}</label><label for="show-errors">${esc(w.showErrors)}</label></p>`;
  return [
    '<!DOCTYPE html>',
    `<html lang="${lang}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(w.title)} — careplan-link</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    // The filter's state: radio buttons before <main>, so CSS can hide warning rows (no script).
    '<input type="radio" name="show" id="show-all" class="show" checked>',
    `<input type="radio" name="show" id="show-errors" class="show" aria-label="${esc(w.showErrors)}">`,
    `<header><h1>${esc(w.title)}${w.sub ? ` <span class="en">${esc(w.sub)}</span>` : ''}</h1>`,
    `<p>${esc(w.spec(s.specEdition, s.csvVersion))}・${esc(s.validator)}</p>${master}`,
    `<span class="verdict ${bad ? 'bad' : 'ok'}" data-verdict="${bad ? 'errors' : 'ok'}">${esc(bad ? w.verdictBad : w.verdictOk)}</span></header>`,
    '<main>',
    `<section>${heading(w.summary, 'summary')}${summaryCards(report, w)}</section>`,
    graph ? `<section>${heading(w.chart, 'chart')}${graph}</section>` : '',
    `<section>${heading(w.files, 'files')}${fileRows(report.files, lang, w)}</section>`,
    report.units.length ? `<section>${heading(w.units, 'units')}${unitRows(report.units, lang, w)}</section>` : '',
    `<section>${heading(w.findings, 'findings')}${findings.length ? filter + findings.join('\n') : `<p>${esc(w.noFindings)}</p>`}</section>`,
    ignored,
    '</main>',
    `<footer>${esc(w.generated(s.validator))}</footer>`,
    '</body>',
    '</html>',
  ]
    .filter((line) => line !== '')
    .join('\n') + '\n';
}
