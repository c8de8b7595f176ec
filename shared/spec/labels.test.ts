import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kindName, labels, labelsFileSchema, serviceTypeName, type LabelLang } from './labels.js';

// The names are checked against the newest edition's raw data: its sources, its service types and
// its layout files (one <PREFIX>.json per file kind).
const SPECS = join(import.meta.dirname, '..', '..', 'specs');
const newest = readdirSync(SPECS).filter((name) => /^\d{6}$/.test(name)).sort().at(-1)!;
const manifest = JSON.parse(readFileSync(join(SPECS, newest, 'spec.json'), 'utf8')) as {
  sources: Record<string, unknown>;
  serviceTypes: { inScope: Record<string, string>; planning: Record<string, string> };
};
const layoutPrefixes = readdirSync(join(SPECS, newest)).filter((f) => f !== 'spec.json').map((f) => f.replace(/\.json$/, ''));

describe('specs/labels.json', () => {
  const entries = [...Object.entries(labels.serviceTypes), ...Object.entries(labels.fileKinds)];

  it('gives every service type and file kind a Japanese and an English name', () => {
    expect(Object.keys(labels.serviceTypes).length).toBeGreaterThan(0);
    for (const [code, label] of entries) {
      expect(label.ja.trim(), code).not.toBe('');
      expect(label.en.trim(), code).not.toBe('');
    }
  });

  it('says where every name comes from: a source of the spec, or the project', () => {
    for (const [code, label] of entries) {
      const id = label.source.split(' ')[0]!;
      expect(label.source === 'project' || id in manifest.sources, `${code}: ${label.source}`).toBe(true);
    }
  });

  it('names only service types the spec knows, with the spec\'s Japanese name', () => {
    const { inScope, planning } = manifest.serviceTypes;
    for (const [code, label] of Object.entries(labels.serviceTypes)) {
      expect(label.ja, code).toBe(inScope[code] ?? planning[code]);
    }
  });

  it('names only file kinds that are layouts of the spec', () => {
    for (const kind of Object.keys(labels.fileKinds)) expect(layoutPrefixes, kind).toContain(kind);
  });

  it('rejects a label without English or with an unknown field', () => {
    const file = (label: unknown) => ({ serviceTypes: { '11': label }, fileKinds: {} });
    expect(labelsFileSchema.safeParse(file({ ja: '訪問介護', en: 'Home help', source: 'S2 §1.3' })).success).toBe(true);
    expect(labelsFileSchema.safeParse(file({ ja: '訪問介護', source: 'S2 §1.3' })).success).toBe(false);
    expect(labelsFileSchema.safeParse(file({ ja: '訪問介護', en: 'Home help', source: 'S2 §1.3', note: 'x' })).success).toBe(false);
    expect(labelsFileSchema.safeParse({ serviceTypes: { '1': { ja: 'a', en: 'b', source: 'project' } }, fileKinds: {} }).success).toBe(false);
  });
});

// Each name function: known codes by their name in the chosen language, unknown ones as they are.
describe.each([
  {
    show: serviceTypeName,
    named: [['11', 'ja', '11 訪問介護'], ['43', 'en', '43 Care management']],
    unknown: [['2A', 'ja', '2A'], ['', 'en', '']],
  },
  {
    show: kindName,
    named: [['UPPLAN', 'ja', '第6表（予定）'], ['UPJSK', 'en', 'Table 6 (actual)']],
    unknown: [['DLTPLAN', 'ja', 'DLTPLAN'], ['NOTAKIND', 'en', 'NOTAKIND']],
  },
] satisfies { show: (code: string, lang: LabelLang) => string; named: [string, LabelLang, string][]; unknown: [string, LabelLang, string][] }[])('$show.name', ({ show, named, unknown }) => {
  it('shows a known code by its name in the chosen language', () => {
    for (const [code, lang, name] of named) expect(show(code, lang)).toBe(name);
  });

  it('shows an unknown code as it is', () => {
    for (const [code, lang, name] of unknown) expect(show(code, lang)).toBe(name);
  });
});
