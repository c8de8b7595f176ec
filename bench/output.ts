import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../client/paths.js';

/** Writes one benchmark's results to bench-output/<name>.json in the package root (git ignores the folder); returns the file's path. */
export function writeBenchOutput(name: string, results: unknown): string {
  const dir = join(packageRoot(), 'bench-output');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  return file;
}
