// The soak's own arithmetic (scripts/soakUnits.ts): a soak that cannot see a loss or a duplicate would
// pass for the wrong reason. Its units must also be valid standard-spec units with names of their own.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../client/check/specs.js';
import { checkPaths } from '../client/check/validation.js';
import { reportHasErrors } from '../shared/validator/index.js';
import { random } from '../scripts/soakProcesses.js';
import { journalDuplicates, stuckEntries, tally, UnitMaker, type Take } from '../scripts/soakUnits.js';

const maker = () => new UnitMaker(loadCatalog());

describe('soak units', () => {
  it('are valid units, each with its own names', async () => {
    const m = maker();
    const units = [...Array.from({ length: 26 }, () => m.next('cm-hh')), ...Array.from({ length: 14 }, () => m.next('hh-cm'))];
    const names = units.flatMap((u) => u.files.map((f) => f.name));
    expect(new Set(names).size).toBe(names.length);
    expect(units.filter((u) => u.direction === 'cm-hh').every((u) => u.files.length === 3)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'cpl-soakunits-'));
    for (const u of units) for (const f of u.files) writeFileSync(join(dir, f.name), f.data);
    const report = await checkPaths([dir]);
    expect(reportHasErrors(report)).toBe(false);
    expect(report.summary.units).toBe(40);
  });

  it('the seeded random source repeats', () => {
    const a = random(7);
    const b = random(7);
    const xs = Array.from({ length: 5 }, () => a.between(0, 1000));
    expect(Array.from({ length: 5 }, () => b.between(0, 1000))).toEqual(xs);
    expect(Array.from({ length: 5 }, () => random(8).between(0, 1000))).not.toEqual(xs);
  });
});

describe('the soak count', () => {
  const m = maker();
  const plan = m.next('cm-hh');
  const actuals = m.next('hh-cm');
  const took = (u: typeof plan, office: Take['office']): Take[] => u.files.map((f) => ({ office, name: f.name, hash: f.hash }));

  it('everything arrived once: nothing lost or duplicated', () => {
    const { rows, unknownContent } = tally([plan, actuals], [...took(plan, 'home-help'), ...took(actuals, 'care-manager')], [], []);
    expect(rows.map((r) => [r.sent, r.received, r.lost, r.duplicated])).toEqual([
      [1, 1, 0, 0],
      [1, 1, 0, 0],
    ]);
    expect(unknownContent).toEqual([]);
  });

  it('a file missing, or arriving at the wrong office, is a lost unit', () => {
    const { rows } = tally([plan, actuals], [...took(plan, 'home-help').slice(1), ...took(actuals, 'home-help')], [], []);
    expect(rows.map((r) => r.lost)).toEqual([1, 1]);
    expect(rows[0]!.lostUnits).toEqual([plan.sequence]);
  });

  it('a file taken twice, a double journal entry or two relay messages make a duplicate', () => {
    expect(tally([plan], [...took(plan, 'home-help'), took(plan, 'home-help')[0]!], [], []).rows[0]!.duplicated).toBe(1);
    expect(tally([plan], took(plan, 'home-help'), [`home-help:1310000011#${plan.sequence}`], []).rows[0]!.duplicated).toBe(1);
    expect(tally([plan], took(plan, 'home-help'), [], [`care-manager#${plan.sequence}×2`]).rows[0]!.duplicated).toBe(1);
  });

  it('bytes nobody sent (a damaged or partial file) are reported', () => {
    const bad: Take = { office: 'home-help', name: plan.files[0]!.name, hash: '0'.repeat(64) };
    const { rows, unknownContent } = tally([plan], [...took(plan, 'home-help'), bad], [], []);
    expect(rows[0]!.lost).toBe(0);
    expect(unknownContent).toEqual([`home-help/${plan.files[0]!.name}`]);
  });

  it('leftovers in the export folder and the spool count as stuck; the received journal is checked for doubles', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-soakstuck-'));
    const o = { export: join(dir, 'export'), spool: join(dir, 'spool') };
    for (const d of ['export/processing', 'export/errors', 'export/sent/202612', 'spool/outbox', 'spool/inbox', 'spool/received', 'spool/failed']) mkdirSync(join(dir, d), { recursive: true });
    expect(Object.values(stuckEntries(o)).flat()).toEqual([]);
    writeFileSync(join(dir, 'export', 'UPJSK_x.CSV'), 'x');
    writeFileSync(join(dir, 'export', 'sent', '202612', 'UPJSK_y.CSV'), 'y');
    writeFileSync(join(dir, 'spool', 'outbox', 'm1.json'), '{}');
    writeFileSync(join(dir, 'spool', 'inbox', 'm2.cms'), '');
    expect(stuckEntries(o)).toMatchObject({ exportFolder: ['UPJSK_x.CSV'], outbox: ['m1.json'], inbox: ['m2.cms'], processing: [], errors: [] });
    for (const id of ['a', 'b']) writeFileSync(join(dir, 'spool', 'received', `${id}.json`), JSON.stringify({ sender: { office: '1310000011' }, sequence: '20260101000001' }));
    expect(journalDuplicates(o.spool)).toEqual(['1310000011#20260101000001']);
  });
});
