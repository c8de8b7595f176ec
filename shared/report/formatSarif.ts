// SARIF 2.1.0, so vendors can feed conformance findings into code-scanning tools.
import { CODES, type FindingCode } from '../validator/codes.js';
import { CAREPLAN_LINK_VERSION } from '../version.js';
import type { CheckReport, Finding } from './types.js';
import type { Lang } from './formatText.js';

/** A URI reference for the path: absolute paths become file: URIs, everything is percent-encoded. */
export function sarifUri(path: string): string {
  const p = path.replace(/\\/g, '/');
  const encoded = p
    .split('/')
    .map((seg, i) => (i === 0 && /^[A-Za-z]:$/.test(seg) ? seg : encodeURIComponent(seg)))
    .join('/');
  if (/^[A-Za-z]:\//.test(p)) return `file:///${encoded}`;
  if (p.startsWith('/')) return `file://${encoded}`;
  return encoded;
}

function result(f: Finding, path: string, lang: Lang, logical?: string) {
  return {
    ruleId: f.code,
    level: f.severity,
    message: { text: `${lang === 'ja' ? f.message : f.messageEn} ${lang === 'ja' ? f.hint : f.hintEn}` },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: sarifUri(path) }, region: { startLine: f.line ?? 1 } },
        ...(logical ? { logicalLocations: [{ name: logical, kind: 'module' }] } : {}),
      },
    ],
    properties: { row: f.row, line: f.line, column: f.column, field: f.field, messageJa: f.message, messageEn: f.messageEn },
  };
}

export function formatSarif(report: CheckReport, lang: Lang = 'ja'): string {
  const used = new Set<string>();
  const results: ReturnType<typeof result>[] = [];
  for (const f of report.files) {
    for (const x of [...f.errors, ...f.warnings]) {
      used.add(x.code);
      results.push(result(x, f.path, lang));
    }
  }
  for (const u of report.units) {
    const firstPath = report.files.find((f) => u.files.includes(f.name))?.path ?? u.files[0] ?? u.key;
    for (const x of [...u.errors, ...u.warnings]) {
      used.add(x.code);
      results.push(result(x, firstPath, lang, u.key));
    }
  }
  const rules = [...used].sort().map((id) => {
    const info = CODES[id as FindingCode];
    return {
      id,
      shortDescription: { text: lang === 'ja' ? info.ja : info.en },
      help: { text: lang === 'ja' ? info.hintJa : info.hintEn },
      defaultConfiguration: { level: info.severity },
      properties: { ja: info.ja, en: info.en },
    };
  });
  const sarif = {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: { driver: { name: 'careplan-link', version: CAREPLAN_LINK_VERSION, rules } },
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
