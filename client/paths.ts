import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (where specs/ lives), whether running from source or from dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'specs'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('careplan-link: cannot find the package root (specs/ and package.json)');
    dir = up;
  }
}

export function specsDir(): string {
  return process.env.CAREPLAN_LINK_SPECS ? resolve(process.env.CAREPLAN_LINK_SPECS) : join(packageRoot(), 'specs');
}
