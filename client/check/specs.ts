// Loads the spec data (specs/<csvVersion>/spec.json + <PREFIX>.json). A new spec edition is a new
// folder here, not new code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildCatalog, type SpecCatalog } from '../../shared/spec/model.js';
import { specsDir } from '../paths.js';

let cached: { dir: string; catalog: SpecCatalog } | null = null;

export function loadCatalog(dir = specsDir()): SpecCatalog {
  if (cached?.dir === dir) return cached.catalog;
  const editions = readdirSync(dir)
    .filter((name) => /^\d{6}$/.test(name) && statSync(join(dir, name)).isDirectory())
    .map((name) => {
      const folder = join(dir, name);
      const read = (file: string): unknown => JSON.parse(readFileSync(join(folder, file), 'utf8'));
      const layouts = readdirSync(folder)
        .filter((f) => f.endsWith('.json') && f !== 'spec.json')
        .sort()
        .map(read);
      return { manifest: read('spec.json'), layouts };
    });
  const catalog = buildCatalog(editions);
  cached = { dir, catalog };
  return catalog;
}
