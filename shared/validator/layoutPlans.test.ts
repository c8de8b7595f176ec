// Layouts are worked out once per catalog (layoutPlans.ts): every layout at a catalog's second file, the
// first file's own before. Whatever was worked out before, and for plain or redacted reports, a file's
// report is the one a catalog seeing it first gives; and a catalog's first file works out its layout only.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeMs932 } from '../../client/check/ms932.js';
import { readSpecFolders } from '../../client/check/specs.js';
import { specsDir } from '../../client/paths.js';
import { generateFixtures, toCsv, type GeneratedFile } from '../fixtures/generate.js';
import { newestEdition, trustedCatalog, type SpecCatalog } from '../spec/model.js';
import { validateBytes } from './index.js';
import { isPlanned } from './layoutPlans.js';

const freshCatalog = (): SpecCatalog => trustedCatalog(readSpecFolders(specsDir()));
const gen = generateFixtures(freshCatalog(), { month: '202504', users: 2 }).filter((g) => g.records);

function bytes(catalog: SpecCatalog, f: GeneratedFile, broken: boolean): Uint8Array {
  const records = f.records!.map((r, i) => (broken && i === 0 ? r.map((v, k) => (k === 1 ? 'x' : v)) : r));
  return iconv.encode(toCsv(newestEdition(catalog).layouts.get(f.kind)!, records), 'cp932');
}

const report = (catalog: SpecCatalog, f: GeneratedFile, redact: boolean, broken: boolean) =>
  JSON.stringify(validateBytes(f.name, bytes(catalog, f, broken), { catalog, decoder: decodeMs932, redact }).report);

describe('layouts worked out once per catalog', () => {
  it('give every file the report a catalog seeing it first gives, plain and redacted, valid and broken', () => {
    expect(new Set(gen.map((g) => g.kind)).size).toBeGreaterThanOrEqual(10);
    for (const redact of [false, true]) {
      const shared = freshCatalog();
      for (const broken of [false, true]) {
        for (const f of gen) expect(report(shared, f, redact, broken), `${f.name} redact=${redact} broken=${broken}`).toBe(report(freshCatalog(), f, redact, broken));
      }
    }
  });

  it('work out only the first file’s layout at a first file, and every layout at the second', () => {
    const catalog = freshCatalog();
    const layouts = [...newestEdition(catalog).layouts.values()];
    const [first, second] = [gen[0]!, gen.find((g) => g.kind !== gen[0]!.kind)!];
    validateBytes(first.name, bytes(catalog, first, false), { catalog, decoder: decodeMs932 });
    expect(layouts.filter(isPlanned).map((l) => l.prefix)).toEqual([first.kind]);
    validateBytes(second.name, bytes(catalog, second, false), { catalog, decoder: decodeMs932 });
    expect(layouts.every(isPlanned)).toBe(true);
  });
});
