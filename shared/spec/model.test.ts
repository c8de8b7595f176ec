import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { loadCatalog, loadCatalogChecked } from '../../client/check/specs.js';
import { decodeMs932 } from '../../client/check/ms932.js';
import { generateFixtures } from '../fixtures/generate.js';
import { validateBytes } from '../validator/index.js';
import { newestEdition, SpecDataError } from './model.js';
import { buildCatalog, checkLayout } from './modelCheck.js';

const SPECS = join(import.meta.dirname, '..', '..', 'specs');

describe('spec data 202407', () => {
  const catalog = loadCatalog(SPECS);
  const edition = newestEdition(catalog);

  it('has one layout per interface file with the column counts of the digest', () => {
    const counts = Object.fromEntries([...edition.layouts].map(([p, l]) => [p, l.columns.length]));
    expect(counts).toEqual({
      DLT1KYO: 4, DLTJSK: 6, DLTKIHON: 4, DLTPLAN: 4, DLTYOBO: 4, UP1KYO: 28, UP2KYO: 22, UP3KYO: 13, UPHOSOKU: 63,
      UPJSK: 25, UPKIHON: 71, UPKIHON_SUB1: 7, UPKIHON_SUB2: 11, UPPLAN: 25, UPSIKYU: 37, UPYOBO: 57, UPYOBO_SUB: 17,
    });
    expect(edition.manifest.csvVersion).toBe('202407');
    expect(catalog.prefixes.indexOf('UPKIHON_SUB1')).toBeLessThan(catalog.prefixes.indexOf('UPKIHON'));
  });

  it('gives every column a number, name, type, required flag and source', () => {
    for (const l of edition.layouts.values()) {
      l.columns.forEach((c, i) => {
        expect(c.no).toBe(i + 1);
        expect(c.name.length).toBeGreaterThan(0);
        expect(c.source.length).toBeGreaterThan(0);
        for (const s of c.source) expect(s.split(' ')[0]! in edition.manifest.sources || /^derived/.test(s)).toBe(true);
      });
    }
  });

  it('marks every delete-file item required (delete files must be complete)', () => {
    for (const p of ['DLT1KYO', 'DLTPLAN', 'DLTJSK', 'DLTKIHON', 'DLTYOBO']) {
      expect(edition.layouts.get(p)!.columns.every((c) => c.required)).toBe(true);
    }
  });

  it('says why wherever a fact is uncertain', () => {
    const uncertain = [...edition.layouts.values()].flatMap((l) => l.columns.filter((c) => c.uncertain).map((c) => [l.prefix, c.no, c.uncertain]));
    expect(uncertain.length).toBeGreaterThan(20);
    for (const [, , u] of uncertain) expect(Object.values(u as object).every((why) => typeof why === 'string' && why.length > 5)).toBe(true);
    expect(edition.layouts.get('UPPLAN')!.columns[5]!.uncertain?.required).toBeDefined();
  });

  it('rejects broken spec data loudly', () => {
    const l = JSON.parse(readFileSync(join(SPECS, '202407', 'DLTPLAN.json'), 'utf8'));
    expect(() => checkLayout({ ...l, columnCount: 5 }, 't')).toThrow(SpecDataError);
    expect(() => checkLayout({ ...l, columns: l.columns.map((c: object, i: number) => (i === 1 ? { ...c, type: 'money' } : c)) }, 't')).toThrow(/unknown type money/);
    expect(() => checkLayout({ ...l, columns: l.columns.map((c: object, i: number) => (i === 1 ? { ...c, no: 7 } : c)) }, 't')).toThrow(/no=7/);
    expect(() => buildCatalog([])).toThrow(SpecDataError);
  });
});

describe('a new spec edition is data, not code', () => {
  it('validates files of an added edition folder by their CSV version, next to 202407', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-specs-'));
    cpSync(SPECS, dir, { recursive: true });
    cpSync(join(dir, '202407'), join(dir, '209901'), { recursive: true });
    for (const f of ['spec.json', 'UPPLAN.json', 'DLTPLAN.json']) {
      const p = join(dir, '209901', f);
      const j = JSON.parse(readFileSync(p, 'utf8'));
      j.csvVersion = '209901';
      if (f === 'spec.json') {
        j.appliesFromServiceMonth = '209901';
        j.specEdition = '9.9';
        j.csvVersionHistory.push({ value: '209901', appliesFromServiceMonth: '209901', edition: '9.9' });
      }
      writeFileSync(p, JSON.stringify(j));
    }
    // Only two layouts changed their version here; the others keep 202407, which the loader rejects for this folder.
    for (const f of ['UPPLAN.json', 'DLTPLAN.json', 'spec.json']) expect(JSON.parse(readFileSync(join(dir, '209901', f), 'utf8')).csvVersion).toBe('209901');
    await expect(loadCatalogChecked(dir)).rejects.toThrow(/has csvVersion 202407/);
    for (const f of ['DLT1KYO', 'DLTJSK', 'DLTKIHON', 'DLTYOBO', 'UP1KYO', 'UP2KYO', 'UP3KYO', 'UPHOSOKU', 'UPJSK', 'UPKIHON', 'UPKIHON_SUB1', 'UPKIHON_SUB2', 'UPSIKYU', 'UPYOBO', 'UPYOBO_SUB']) {
      const p = join(dir, '209901', `${f}.json`);
      writeFileSync(p, JSON.stringify({ ...JSON.parse(readFileSync(p, 'utf8')), csvVersion: '209901' }));
    }
    const catalog = await loadCatalogChecked(dir);
    expect(catalog.editions.map((e) => e.manifest.csvVersion)).toEqual(['209901', '202407']);
    const opts = { catalog, decoder: decodeMs932 };
    const file = generateFixtures(loadCatalog(SPECS), { month: '202504', users: 1 }).find((f) => f.kind === 'DLTPLAN')!;
    const old = validateBytes(file.name, iconv.encode(file.text!, 'cp932'), opts);
    expect(old.report.errors).toEqual([]);
    const next = validateBytes(file.name, iconv.encode(file.text!.replace(/^202407/, '209901'), 'cp932'), opts);
    expect(next.report.errors).toEqual([]);
    // The new edition applies from 2099-01: a 2025 file with its version gets the warning.
    expect(next.report.warnings.map((w) => w.code)).toEqual(['W_FILE_VERSION_BEFORE_APPLICATION']);
    const unknown = validateBytes(file.name, iconv.encode(file.text!.replace(/^202407/, '209902'), 'cp932'), opts);
    expect(unknown.report.errors.map((e) => e.code)).toEqual(['E_FILE_CSV_VERSION_UNKNOWN']);
  });
});
