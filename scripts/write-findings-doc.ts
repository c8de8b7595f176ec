// Writes docs/findings.md from the code table in shared/validator/codes.ts (the one source).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderFindingsDoc } from './findingsDoc.js';
import { packageRoot } from '../client/paths.js';

const path = join(packageRoot(), 'docs', 'findings.md');
writeFileSync(path, renderFindingsDoc());
process.stdout.write(`wrote ${path}\n`);
