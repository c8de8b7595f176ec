import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { labels } from './labels.js';
import { serviceTypeLabel, serviceTypes } from './serviceTypes.js';
import { serviceTypesFileSchema } from './serviceTypesSchema.js';

// One table, three files: specs/service-types.json is the table; the newest edition's spec.json
// (what the validator reads) and specs/labels.json (the screens' list) must say the same.
const SPECS = join(import.meta.dirname, '..', '..', 'specs');
const newest = readdirSync(SPECS).filter((name) => /^\d{6}$/.test(name)).sort().at(-1)!;
const manifest = JSON.parse(readFileSync(join(SPECS, newest, 'spec.json'), 'utf8')) as {
  specEdition: string;
  sources: Record<string, unknown>;
  serviceTypes: Record<'inScope' | 'outOfScope' | 'planning', Record<string, string>>;
};
const table = serviceTypes.serviceTypes;

describe('specs/service-types.json', () => {
  // serviceTypes.ts takes the shipped file without parsing it (no zod when `check` starts): this is where it is checked.
  it('fits the strict schema, and the table the app uses is the file exactly as that schema reads it', () => {
    const raw: unknown = JSON.parse(readFileSync(join(SPECS, 'service-types.json'), 'utf8'));
    const parsed = serviceTypesFileSchema.safeParse(raw);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    expect(serviceTypes).toEqual(parsed.data);
    expect(serviceTypes).toEqual(raw);
  });

  it("has every code of spec.json's serviceTypes, in the same scope with the same name, and no other", () => {
    const fromSpec = (['inScope', 'outOfScope', 'planning'] as const).flatMap((scope) => Object.entries(manifest.serviceTypes[scope]).map(([code, ja]) => ({ code, ja, scope })));
    expect(fromSpec.length).toBe(63);
    expect(Object.keys(table).sort()).toEqual(fromSpec.map((t) => t.code).sort());
    for (const t of fromSpec) expect({ code: t.code, ja: table[t.code]!.ja, scope: table[t.code]!.scope }).toEqual(t);
    expect(serviceTypes.edition).toBe(manifest.specEdition);
  });

  it('names a source for every code: a source id of spec.json or a public page of the audit', () => {
    for (const [code, t] of Object.entries(table)) {
      const id = t.source.split(' ')[0]!;
      expect(id in manifest.sources || t.source.startsWith('public: '), `${code}: ${t.source}`).toBe(true);
    }
    // The codes the source does not name say so.
    for (const code of ['43', '46', 'AF']) expect(table[code]!.note, code).toBeTruthy();
  });

  it('agrees with specs/labels.json, which names a subset for the screens', () => {
    const labelled = Object.entries(labels.serviceTypes);
    expect(labelled.length).toBeGreaterThan(0);
    for (const [code, label] of labelled) expect({ code, ja: table[code]?.ja, en: table[code]?.en }).toEqual({ code, ja: label.ja, en: label.en });
  });

  it('refuses a misspelt key, an unknown scope and a malformed code', () => {
    const entry = { ja: '訪問介護', en: 'Home help', scope: 'inScope', source: 'S2 §1.3' };
    const file = (code: string, e: unknown) => ({ edition: '4.1', serviceTypes: { [code]: e } });
    expect(serviceTypesFileSchema.safeParse(file('11', entry)).success).toBe(true);
    expect(serviceTypesFileSchema.safeParse(file('11', { ...entry, sorce: 'x' })).success).toBe(false);
    expect(serviceTypesFileSchema.safeParse(file('11', { ...entry, scope: 'maybe' })).success).toBe(false);
    expect(serviceTypesFileSchema.safeParse(file('1', entry)).success).toBe(false);
  });
});

describe('serviceTypeLabel', () => {
  it('labels every code of the table, in Japanese or English', () => {
    expect(serviceTypeLabel('11', 'ja')).toBe('11 訪問介護');
    expect(serviceTypeLabel('2A', 'ja')).toBe('2A 短期入所療養介護（介護医療院）');
    expect(serviceTypeLabel('43', 'en')).toBe('43 Care management');
    expect(serviceTypeLabel('A2', 'en')).toBe('A2 Home-visit service (municipal)');
  });

  it('shows an unknown or malformed code as it is', () => {
    expect(serviceTypeLabel('ZZ', 'ja')).toBe('ZZ');
    expect(serviceTypeLabel('', 'en')).toBe('');
    expect(serviceTypeLabel('toString', 'ja')).toBe('toString');
  });
});

describe('the published JSON Schema (schemas/spec-service-types.schema.json)', () => {
  it('validates the table, which points to it', () => {
    const raw = JSON.parse(readFileSync(join(SPECS, 'service-types.json'), 'utf8')) as { $schema: string };
    expect(join(SPECS, raw.$schema)).toBe(join(SPECS, '..', 'schemas', 'spec-service-types.schema.json'));
    const published = z.fromJSONSchema(JSON.parse(readFileSync(join(SPECS, raw.$schema), 'utf8')) as Parameters<typeof z.fromJSONSchema>[0]);
    expect(published.safeParse(raw).success).toBe(true);
  });
});
