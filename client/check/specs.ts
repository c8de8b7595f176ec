// Loads the spec data (specs/<csvVersion>/spec.json + <PREFIX>.json). A new spec edition is a new
// folder here, not new code.
//
// The spec data the app ships is taken as it is (trustedCatalog): specFiles.test.ts reads every shipped
// file strictly and checks that both readings give the same catalog. Reading it strictly at run time
// needs zod, whose loading alone (about 65 ms of CPU) was the larger part of `careplan-link check` on
// one small file. Any other folder (CAREPLAN_LINK_SPECS) is read strictly, by modelCheck's
// buildCatalog, which strictSpecs.ts puts in place: loadCatalogChecked, or an entry point that imports
// strictSpecs.ts (the CLI does when CAREPLAN_LINK_SPECS is set, the Electron back end always).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SpecDataError, trustedCatalog, type SpecCatalog, type SpecFile, type SpecFolder } from '../../shared/spec/model.js';
import { packageRoot, specsDir } from '../paths.js';

let cached: { dir: string; catalog: SpecCatalog } | null = null;
let strictBuild: ((raw: SpecFolder[]) => SpecCatalog) | undefined;

/** Puts the strict reading in place for spec folders the app does not ship (strictSpecs.ts calls it). */
export function setStrictSpecReader(build: (raw: SpecFolder[]) => SpecCatalog): void {
  strictBuild = build;
}

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

/** Every edition folder of `dir` as read (JSON parsed, nothing checked yet). */
export function readSpecFolders(dir: string): SpecFolder[] {
  return readdirSync(dir)
    .filter((name) => /^\d{6}$/.test(name) && statSync(join(dir, name)).isDirectory())
    .map((edition) => {
      const layouts = readdirSync(join(dir, edition))
        .filter((f) => f.endsWith('.json') && f !== 'spec.json')
        .sort()
        .map((f) => readSpecFile(dir, edition, f));
      return { manifest: readSpecFile(dir, edition, 'spec.json'), layouts };
    });
}

/** The spec data the app ships: specs/ of the package (what specsDir gives without CAREPLAN_LINK_SPECS). */
export function isShippedSpecs(dir: string): boolean {
  return resolve(dir) === join(packageRoot(), 'specs');
}

export function loadCatalog(dir = specsDir()): SpecCatalog {
  if (cached?.dir === dir) return cached.catalog;
  const folders = readSpecFolders(dir);
  let catalog: SpecCatalog;
  if (isShippedSpecs(dir)) catalog = trustedCatalog(folders);
  else if (strictBuild) catalog = strictBuild(folders);
  else {
    // A program error, not a clerk's: fail closed rather than trust data nobody has checked.
    throw new SpecDataError({
      ja: `仕様データ ${dir} を検査する準備ができていません（プログラムの誤り）`,
      en: `spec data ${dir}: a folder the app does not ship is read only after its strict checks are loaded (loadCatalogChecked or strictSpecs.js)`,
    });
  }
  cached = { dir, catalog };
  return catalog;
}

/** loadCatalog with the strict reading loaded first: for a spec folder the app does not ship. */
export async function loadCatalogChecked(dir = specsDir()): Promise<SpecCatalog> {
  await import('./strictSpecs.js');
  return loadCatalog(dir);
}
