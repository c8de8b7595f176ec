// Writes fixtures/valid (generated sample units) and fixtures/invalid (hand-made broken files, each
// case with the findings a correct validator must report, written down by hand in expected.json).
// Run: npm run fixtures. The output is committed; the test suite checks every case. The cases live in
// scripts/fixtures/: the older file and unit cases, and one module per group of spec-audit fixes.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../client/paths.js';
import { writeFixtures } from '../client/fixturesWriter.js';
import { addAuditCases } from './fixtures/auditCases.js';
import { addAuditUnitCases } from './fixtures/auditUnitCases.js';
import { cases, catalog, MONTH } from './fixtures/context.js';
import { addFileCases } from './fixtures/fileCases.js';
import { addTimeCases } from './fixtures/timeCases.js';
import { addUnitCases } from './fixtures/unitCases.js';

export type { ExpectedCase, ExpectedFile, ExpectedFinding } from './fixtures/context.js';

addFileCases();
addUnitCases();
addAuditCases();
addAuditUnitCases();
addTimeCases();

async function main(): Promise<void> {
  const root = join(packageRoot(), 'fixtures');
  rmSync(join(root, 'valid'), { recursive: true, force: true });
  rmSync(join(root, 'invalid'), { recursive: true, force: true });
  const written = await writeFixtures(join(root, 'valid'), { month: MONTH, users: 3 }, catalog);
  for (const c of cases) {
    const dir = join(root, 'invalid', c.id);
    mkdirSync(dir, { recursive: true });
    for (const f of c.files) writeFileSync(join(dir, f.name), f.bytes);
    writeFileSync(join(dir, 'expected.json'), JSON.stringify(c.expected, null, 2) + '\n');
  }
  process.stdout.write(`fixtures: ${written.length} valid files, ${cases.length} invalid cases\n`);
}

await main();
