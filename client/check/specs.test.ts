// Which spec data is trusted: only the folder the app ships (checked strictly by specFiles.test.ts).
// A folder named by CAREPLAN_LINK_SPECS is read strictly, never trusted, and not read at all before
// the strict checks are loaded. This file must not load strictSpecs.js before its first assertion.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SpecDataError } from '../../shared/spec/model.js';
import { packageRoot } from '../paths.js';
import { isShippedSpecs, loadCatalog, loadCatalogChecked } from './specs.js';

const SPECS = join(packageRoot(), 'specs');

function copyOfSpecs(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cpl-specs-copy-'));
  cpSync(SPECS, dir, { recursive: true });
  return dir;
}

describe('loadCatalog', () => {
  it('trusts the shipped folder only; another folder is refused until read strictly, then read strictly', async () => {
    expect(isShippedSpecs(SPECS)).toBe(true);
    expect(isShippedSpecs(join(SPECS, '..', 'specs', '.'))).toBe(true);
    const copy = copyOfSpecs();
    expect(isShippedSpecs(copy)).toBe(false);
    // Same bytes as the shipped data, yet not trusted: without the strict reader it is not read at all.
    expect(() => loadCatalog(copy)).toThrow(SpecDataError);
    expect(() => loadCatalog(copy)).toThrow(/strict checks/);
    const checked = await loadCatalogChecked(copy);
    expect(checked).toEqual(loadCatalog(SPECS));
    // And strictly: a misspelt key in the copy is refused (the trusted reading would have kept it).
    const broken = copyOfSpecs();
    const path = join(broken, '202407', 'UPPLAN.json');
    writeFileSync(path, JSON.stringify({ ...(JSON.parse(readFileSync(path, 'utf8')) as object), colunmCount: 25 }));
    await expect(loadCatalogChecked(broken)).rejects.toThrow(/has unknown keys: colunmCount/);
  });
});
