// JUnit XML for CI conformance jobs: one test case per file and per send unit.
import type { CheckReport, Finding } from './types.js';
import type { Lang } from './formatText.js';

export function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // eslint-disable-next-line no-control-regex -- detecting control characters is the point
    .replace(/[\x00-\x08\x0B\x0C\x0E-\x1F]/g, '');
}

function describe(f: Finding, lang: Lang): string {
  const where = [f.row !== null ? `row ${f.row}` : '', f.line !== null ? `line ${f.line}` : '', f.column !== null ? `col ${f.column}` : '', f.field ?? '']
    .filter(Boolean)
    .join(' ');
  return `[${f.code}] ${where ? where + ': ' : ''}${lang === 'ja' ? f.message : f.messageEn} — ${lang === 'ja' ? f.hint : f.hintEn}`;
}

function testcase(classname: string, name: string, errors: Finding[], warnings: Finding[], lang: Lang): string {
  const parts = [`    <testcase classname="${xmlEscape(classname)}" name="${xmlEscape(name)}">`];
  if (errors.length) {
    const first = errors[0]!;
    parts.push(
      `      <failure type="${first.code}" message="${xmlEscape(`${errors.length} error(s): ${lang === 'ja' ? first.message : first.messageEn}`)}">${xmlEscape(errors.map((e) => describe(e, lang)).join('\n'))}</failure>`,
    );
  }
  if (warnings.length) parts.push(`      <system-out>${xmlEscape(warnings.map((w) => describe(w, lang)).join('\n'))}</system-out>`);
  parts.push('    </testcase>');
  return parts.join('\n');
}

export function formatJunit(report: CheckReport, lang: Lang = 'ja'): string {
  const fileFailures = report.files.filter((f) => !f.valid).length;
  const unitFailures = report.units.filter((u) => !u.valid).length;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="careplan-link check" tests="${report.files.length + report.units.length}" failures="${fileFailures + unitFailures}">`,
    `  <testsuite name="files" tests="${report.files.length}" failures="${fileFailures}">`,
    ...report.files.map((f) => testcase(f.fileType ?? 'unknown', f.path, f.errors, f.warnings, lang)),
    '  </testsuite>',
  ];
  if (report.units.length) {
    out.push(`  <testsuite name="units" tests="${report.units.length}" failures="${unitFailures}">`);
    out.push(...report.units.map((u) => testcase(u.kind ?? 'unit', u.key, u.errors, u.warnings, lang)));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
