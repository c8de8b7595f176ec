// The published JSON Schemas (schemas/) are generated from the zod schemas and must never drift from
// them; every committed spec data file must validate against its published schema and point to it.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Profile } from '../../client/app/profile.js';
import { renderJsonSchemas } from '../../scripts/write-json-schemas.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SCHEMAS = join(ROOT, 'schemas');
const EDITION = join(ROOT, 'specs', '202407');

/** The committed JSON Schema as a validator (zod reads JSON Schema too: no second schema library). */
function committed(file: string): z.ZodType {
  return z.fromJSONSchema(JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')) as Parameters<typeof z.fromJSONSchema>[0]);
}

const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe('published JSON Schemas', () => {
  it('are exactly what scripts/write-json-schemas.ts generates (run `npm run schemas` after changing a schema)', () => {
    const generated = renderJsonSchemas();
    expect(readdirSync(SCHEMAS).sort()).toEqual(Object.keys(generated).sort());
    for (const [file, text] of Object.entries(generated)) expect(readFileSync(join(SCHEMAS, file), 'utf8'), file).toBe(text);
  });

  it('validate every committed spec data file, each of which points to its schema with $schema', () => {
    const layout = committed('spec-layout.schema.json');
    const manifest = committed('spec-manifest.schema.json');
    const files = readdirSync(EDITION).filter((f) => f.endsWith('.json'));
    expect(files).toContain('spec.json');
    for (const f of files) {
      const json = readJson(join(EDITION, f));
      const schemaFile = f === 'spec.json' ? 'spec-manifest.schema.json' : 'spec-layout.schema.json';
      const result = (f === 'spec.json' ? manifest : layout).safeParse(json);
      expect(result.success ? [] : result.error.issues, f).toEqual([]);
      expect(typeof json.$schema === 'string' && resolve(EDITION, json.$schema), f).toBe(join(SCHEMAS, schemaFile));
    }
    const labels = committed('spec-labels.schema.json').safeParse(readJson(join(ROOT, 'specs', 'labels.json')));
    expect(labels.success ? [] : labels.error.issues).toEqual([]);
  });

  it('refuse what the loader refuses: an unknown column type, a misspelt key, an unknown rule', () => {
    const layout = committed('spec-layout.schema.json');
    const good = readJson(join(EDITION, 'UPPLAN.json')) as { columns: Record<string, unknown>[]; rules: unknown[] };
    expect(layout.safeParse(good).success).toBe(true);
    const withColumn = (change: Record<string, unknown>) => ({ ...good, columns: good.columns.map((c, i) => (i === 1 ? { ...c, ...change } : c)) });
    expect(layout.safeParse(withColumn({ type: 'money' })).success).toBe(false);
    expect(layout.safeParse(withColumn({ requried: true })).success).toBe(false);
    expect(layout.safeParse({ ...good, rules: [...good.rules, { rule: 'nope', source: 'S1' }] }).success).toBe(false);
    expect(committed('spec-manifest.schema.json').safeParse({ ...readJson(join(EDITION, 'spec.json')), csvVersion: 202407 }).success).toBe(false);
  });

  it("accept the README's example office config, which points to its schema", () => {
    const blocks = [...readFileSync(join(ROOT, 'README.md'), 'utf8').matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const example = blocks.find((b) => b.includes('"passwordEnv"'));
    expect(example, 'an office config example in README.md').toBeDefined();
    const config = JSON.parse(example!) as Record<string, unknown>;
    expect(committed('office-config.schema.json').safeParse(config).success).toBe(true);
    expect(resolve(ROOT, config.$schema as string)).toBe(join(SCHEMAS, 'office-config.schema.json'));
  });

  it('describe the office config the app writes, and refuse one with a plain http relay', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-schema-'));
    const profile = new Profile(dir);
    profile.writeOffice({ office: '1310000011', serviceType: '43', name: 'テスト居宅', relayUrl: 'https://relay.example:8443', exportDir: join(dir, 'export'), importDir: join(dir, 'import'), autoSend: true, pollSeconds: 60 }, Buffer.from('p12'), 'pem');
    const schema = committed('office-config.schema.json');
    const config = readJson(profile.configPath);
    expect(dirname(profile.configPath)).toBe(dir);
    expect(schema.safeParse(config).success).toBe(true);
    expect(schema.safeParse({ ...config, relay: 'http://relay.example' }).success).toBe(false);
    expect(schema.safeParse({ ...config, agent: { pollMs: 'often' } }).success).toBe(false);
  });
});
