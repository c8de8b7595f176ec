// The HTML report parsed the way a browser does (jsdom): counts, one finding row, the service-type
// labels, redaction, escaping, and that it needs nothing from outside the file.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadServiceCodeMaster } from '../../client/check/serviceCodeFile.js';
import { checkPaths } from '../../client/check/validation.js';
import { formatHtml } from './formatHtml.js';
import type { CheckReport, Finding } from './types.js';

// jsdom ships no types and the project's Node typecheck has no DOM: the little of both the test uses.
interface El {
  textContent: string | null;
  className: string;
  children: ArrayLike<El> & Iterable<El>;
  parentElement: El | null;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El> & Iterable<El>;
}
interface Doc extends El {
  title: string;
  documentElement: El & { lang: string };
  getElementById(id: string): El | null;
}
const { JSDOM } = createRequire(import.meta.url)('jsdom') as { JSDOM: new (html: string) => { window: { document: Doc } } };

const ROOT = join(import.meta.dirname, '..', '..');
const INVALID = join(ROOT, 'fixtures', 'invalid');
const CASES = ['unit-ticket-user-missing', 'unit-plan-without-table3', 'upjsk-month-mismatch', 'dltkihon-insured-number', 'upkihon-conditionals-and-image-name'].map((c) => join(INVALID, c));
const master = loadServiceCodeMaster(join(ROOT, 'specs', 'samples', 'service-codes.sample.csv'));

const report = await checkPaths(CASES, { serviceCodes: master });
const html = formatHtml(report, 'ja', { serviceCodes: master.name });
const doc = new JSDOM(html).window.document;
const text = (sel: string, root: El = doc) => root.querySelector(sel)?.textContent?.trim() ?? null;

describe('formatHtml: one self-contained page', () => {
  it('is a complete HTML document in the chosen language', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="ja">')).toBe(true);
    expect(html.endsWith('</html>\n')).toBe(true);
    expect(doc.querySelectorAll('html, head, body, main')).toHaveLength(4);
    expect(doc.title).toBe('標準仕様 適合性レポート — careplan-link');
    expect(doc.querySelector('meta[charset]')!.getAttribute('charset')).toBe('utf-8');
  });

  it('loads nothing from outside: no URL, no script, no link, no src; a CSP that forbids the rest', () => {
    expect(html).not.toMatch(/\b(?:https?|ftp|file|data):|\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
    expect(html).not.toMatch(/url\(|@import/i);
    expect(doc.querySelectorAll('script, link, iframe, img, object, embed, base')).toHaveLength(0);
    expect(doc.querySelectorAll('[src], [srcset], [action], [formaction]')).toHaveLength(0);
    for (const a of doc.querySelectorAll('a[href]')) expect(a.getAttribute('href')).toMatch(/^#(?:file|unit)-\d+$/);
    // Every in-page link lands on a section of the report.
    for (const a of doc.querySelectorAll('a[href]')) expect(doc.getElementById(a.getAttribute('href')!.slice(1)), a.getAttribute('href')!).not.toBeNull();
    expect(doc.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content')).toContain("default-src 'none'");
  });

  it('keeps every table rectangular: each row has as many cells as its header', () => {
    const tables = [...doc.querySelectorAll('table')];
    expect(tables.length).toBeGreaterThan(3);
    for (const t of tables) {
      const [head, ...rows] = [...t.querySelectorAll('tr')];
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(r.children.length).toBe(head!.children.length);
    }
  });
});

describe('formatHtml: what it says', () => {
  it('summarises the run with the report\'s counts', () => {
    const s = report.summary;
    expect(s).toMatchObject({ files: 9, units: 5 });
    expect(text('[data-count="files"]')).toBe(`${s.files}正常 ${s.validFiles} / エラーあり ${s.invalidFiles}`);
    expect(text('[data-count="units"]')).toBe(`${s.units}正常 ${s.validUnits} / エラーあり ${s.invalidUnits}`);
    expect(text('[data-count="errors"]')).toBe(String(s.errors));
    expect(text('[data-count="warnings"]')).toBe(String(s.warnings));
    expect(doc.querySelector('[data-verdict]')!.getAttribute('data-verdict')).toBe('errors');
    expect(doc.querySelectorAll('tr.file')).toHaveLength(s.files);
    expect(doc.querySelectorAll('tr.unit')).toHaveLength(s.units);
    const listed = [...report.files.flatMap((f) => [...f.errors, ...f.warnings]), ...report.units.flatMap((u) => [...u.errors, ...u.warnings])];
    expect(doc.querySelectorAll('tr.finding')).toHaveLength(listed.length);
    expect(doc.querySelectorAll('tr.finding.warning')).toHaveLength(listed.filter((f) => f.severity === 'warning').length);
  });

  it('sums each file up: kind, month, offices with their service types, counts', () => {
    const row = [...doc.querySelectorAll('tr.file')].find((r) => r.getAttribute('data-file')!.startsWith('UPJSK_'))!;
    const cells = [...row.children].map((c) => c.textContent!.trim());
    const f = report.files.find((x) => x.name.startsWith('UPJSK_'))!;
    expect(cells).toEqual(['✖ エラーあり', f.name, '第6表 サービス提供票（実績）', '2025年04月', '131000002911 訪問介護', '131000001143 居宅介護支援', String(f.stats.records), String(f.stats.users), String(f.counts.errors), String(f.counts.warnings)]);
    expect(row.querySelector('a')!.getAttribute('href')).toMatch(/^#file-\d+$/);
  });

  it('lists a finding with row, line, column, field, value, the problem and the fix', () => {
    const row = doc.querySelector('tr.finding[data-code="E_FIELD_INSURED_NUMBER"]')!;
    const cells = [...row.children].map((c) => c.textContent!.trim());
    expect(cells).toEqual(['エラー', 'E_FIELD_INSURED_NUMBER', '1', '1', '3', '被保険者番号', 'A123456789', '被保険者番号の形式が違います: A123456789', '被保険者番号は10桁の数字、生活保護単独は H＋9桁です。']);
    expect(row.className).toBe('finding error');
  });

  it('names the service of a record beside its value when a master is given', () => {
    const row = doc.querySelector('tr.finding[data-code="E_FILE_MONTH_MISMATCH"]')!;
    expect(text('td.value', row)).toBe('202505111111 サンプル訪問介護Ａ（架空）');
    expect(text('header')).toContain('サービスコード表: service-codes.sample.csv');
  });

  it('draws one bar per rule, longest first, with the counts', () => {
    const bars = [...doc.querySelectorAll('svg.chart g.bar')];
    const byCode = Object.entries(report.summary.byCode).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    expect(bars.map((b) => [b.querySelector('text.code')!.textContent, Number(b.querySelector('text.n')!.textContent)])).toEqual(byCode);
    expect(bars.map((b) => b.getAttribute('class'))).toContain('bar warning');
    const widths = bars.map((b) => Number(b.querySelector('rect')!.getAttribute('width')));
    expect(widths).toEqual([...widths].sort((a, b) => b - a));
  });

  it('filters to errors with two radio buttons and CSS, no script', () => {
    expect(doc.querySelector('input#show-all')!.hasAttribute('checked')).toBe(true);
    expect(doc.querySelectorAll('label[for="show-all"], label[for="show-errors"]')).toHaveLength(2);
    expect(text('style')).toContain('#show-errors:checked ~ main tr.finding.warning { display: none; }');
  });
});

describe('formatHtml: languages, redaction, escaping', () => {
  it('speaks English with --lang en', () => {
    const en = new JSDOM(formatHtml(report, 'en')).window.document;
    expect(en.documentElement.lang).toBe('en');
    const row = en.querySelector('tr.finding[data-code="E_FIELD_INSURED_NUMBER"]')!;
    expect(row.querySelector('td.message')!.textContent).toMatch(/^Malformed insured-person number: A123456789$/);
    expect(en.querySelector('tr.file')!.textContent).toContain('43 Care management');
  });

  it('shows values as the validator masked them under --redact', async () => {
    const redacted = await checkPaths(CASES, { redact: true });
    const page = formatHtml(redacted, 'ja');
    expect(page).not.toContain('A123456789');
    const row = new JSDOM(page).window.document.querySelector('tr.finding[data-code="E_FIELD_INSURED_NUMBER"]')!;
    expect(row.querySelector('td.value')!.textContent).toBe('＊＊＊');
  });

  it('escapes what the files contain: a value cannot add markup', () => {
    const evil = '<img src=x onerror="alert(1)">&';
    const f: Finding = { code: 'E_FIELD_PATTERN', severity: 'error', row: 1, line: 1, column: 2, field: '<b>項目</b>', message: `形式が違います: ${evil}`, messageEn: evil, hint: evil, hintEn: evil, value: evil };
    const file = { ...report.files[0]!, name: `${evil}.CSV`, path: `${evil}.CSV`, errors: [f], warnings: [], omitted: 0 };
    const forged: CheckReport = { files: [file], units: [], summary: { ...report.summary, byCode: { [evil]: 1 } } };
    const page = new JSDOM(formatHtml(forged, 'ja')).window.document;
    expect(page.querySelectorAll('img, b')).toHaveLength(0);
    expect(page.querySelector('td.value')!.textContent).toBe(evil);
  });

  it('says so when there is nothing to report', async () => {
    const clean = await checkPaths([join(ROOT, 'fixtures', 'valid')]);
    const page = new JSDOM(formatHtml(clean, 'ja')).window.document;
    expect(page.querySelector('[data-verdict]')!.getAttribute('data-verdict')).toBe('ok');
    expect(page.querySelectorAll('svg, tr.finding')).toHaveLength(0);
    expect(page.getElementById('findings')!.parentElement!.textContent).toContain('指摘はありません。');
  });
});
