// Loads the spec data (specs/<csvVersion>/spec.json + <PREFIX>.json). A new spec edition is a new
// folder here, not new code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildCatalog, SpecDataError, type SpecCatalog, type SpecFile } from '../../shared/spec/model.js';
import { specsDir } from '../paths.js';

let cached: { dir: string; catalog: SpecCatalog } | null = null;

/** One spec data file, named in messages by its edition folder and file name (e.g. 202407/UPPLAN.json). */
function readSpecFile(dir: string, edition: string, file: string): SpecFile {
  const name = `${edition}/${file}`;
  let text: string;
  try {
    text = readFileSync(join(dir, edition, file), 'utf8');
  } catch (e) {
    throw new SpecDataError({ ja: `仕様データ ${name} を読めません: ${(e as Error).message}`, en: `spec data ${name}: cannot read the file: ${(e as Error).message}` }, { cause: e });
  }
  try {
    return { name, json: JSON.parse(text) as unknown };
  } catch (e) {
    throw new SpecDataError({ ja: `仕様データ ${name} が JSON として読めません: ${(e as Error).message}`, en: `spec data ${name}: not valid JSON: ${(e as Error).message}` }, { cause: e });
  }
}

export function loadCatalog(dir = specsDir()): SpecCatalog {
  if (cached?.dir === dir) return cached.catalog;
  const editions = readdirSync(dir)
    .filter((name) => /^\d{6}$/.test(name) && statSync(join(dir, name)).isDirectory())
    .map((edition) => {
      const layouts = readdirSync(join(dir, edition))
        .filter((f) => f.endsWith('.json') && f !== 'spec.json')
        .sort()
        .map((f) => readSpecFile(dir, edition, f));
      return { manifest: readSpecFile(dir, edition, 'spec.json'), layouts };
    });
  const catalog = buildCatalog(editions);
  cached = { dir, catalog };
  return catalog;
}
