// Spec data is parsed with its schemas: a file that does not fit is refused with a SpecDataError (a
// LocalizedError) naming the file and the field. The data the app ships is trusted at run time (so
// `check` starts without zod): here every shipped file is read strictly, and must give the same catalog.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog, loadCatalogChecked, readSpecFolders } from '../../client/check/specs.js';
import { LocalizedError } from '../errors.js';
import { SpecDataError, trustedCatalog } from './model.js';
import { buildCatalog } from './modelCheck.js';

const SPECS = join(import.meta.dirname, '..', '..', 'specs');

/** A copy of specs/ with one file of 202407 changed, and the error loading it gives. */
async function refusal(file: string, change: (json: Record<string, unknown>) => unknown): Promise<SpecDataError> {
  const dir = mkdtempSync(join(tmpdir(), 'cpl-specfile-'));
  cpSync(SPECS, dir, { recursive: true });
  const path = join(dir, '202407', file);
  const changed = change(JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>);
  writeFileSync(path, typeof changed === 'string' ? changed : JSON.stringify(changed));
  try {
    await loadCatalogChecked(dir);
  } catch (e) {
    return e as SpecDataError;
  }
  throw new Error('the spec data was accepted');
}

describe('the spec data the app ships', () => {
  it('fits the strict schemas and cross-checks, and the trusted reading gives exactly the strict catalog', () => {
    const folders = readSpecFolders(SPECS);
    expect(folders.map((f) => f.manifest.name)).toContain('202407/spec.json');
    expect(folders.flatMap((f) => f.layouts).length).toBeGreaterThanOrEqual(17);
    const strict = buildCatalog(folders);
    expect(trustedCatalog(readSpecFolders(SPECS))).toEqual(strict);
    // What the validator gets (the shipped folder is found as such and trusted).
    expect(loadCatalog()).toEqual(strict);
    expect(loadCatalog(SPECS)).toEqual(strict);
  });
});

describe('spec data files', () => {
  it('refuses a layout file with a value of the wrong type, naming the file and the field', async () => {
    const e = await refusal('UPPLAN.json', (l) => ({ ...l, columnCount: '25' }));
    expect(e).toBeInstanceOf(SpecDataError);
    expect(e).toBeInstanceOf(LocalizedError);
    expect(e.code).toBe('spec_data');
    expect(e.en).toContain('202407/UPPLAN.json');
    expect(e.en).toContain('"columnCount" must be a number');
    expect(e.ja).toContain('202407/UPPLAN.json');
    expect(e.ja).toContain('"columnCount"');
  });

  it('names the column of a nested field and the rule of an unknown kind', async () => {
    const column = await refusal('DLTPLAN.json', (l) => ({ ...l, columns: (l.columns as object[]).map((c, i) => (i === 2 ? { ...c, required: 'yes' } : c)) }));
    expect(column.en).toMatch(/202407\/DLTPLAN\.json: "columns\[2\]\.required" must be true or false/);
    const rule = await refusal('UPPLAN.json', (l) => ({ ...l, rules: [{ rule: 'noSuchRule', source: 'S1' }] }));
    expect(rule.en).toContain('"rules[0].rule": unknown rule noSuchRule');
  });

  it('refuses a misspelt key rather than silently dropping what it meant', async () => {
    const e = await refusal('UPPLAN.json', (l) => ({ ...l, columns: (l.columns as object[]).map((c, i) => (i === 0 ? { ...c, allowPsuedo: true } : c)) }));
    expect(e.en).toContain('"columns[0].allowPsuedo" has unknown keys: allowPsuedo');
  });

  it('refuses a manifest that does not fit, and a file that is not JSON, by name', async () => {
    expect((await refusal('spec.json', (m) => ({ ...m, sendUnits: {} }))).en).toContain('spec data 202407/spec.json: "sendUnits" must be a list');
    const broken = await refusal('UPJSK.json', () => '{ "prefix": ');
    expect(broken).toBeInstanceOf(SpecDataError);
    expect(broken.en).toContain('spec data 202407/UPJSK.json: not valid JSON');
  });
});
