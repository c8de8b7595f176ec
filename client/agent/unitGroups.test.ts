import { describe, expect, it } from 'vitest';
import { parseFileName } from '../../shared/validator/fileName.js';
import { loadCatalog } from '../check/specs.js';
import { settledUnits, UnitKeys } from './unitGroups.js';

const PLAN = 'UPPLAN_202504_1310000011_43_1310000029_11_20250425120002.CSV';
const SIKYU = 'UPSIKYU_202504_1310000011_43_1310000029_11_20250425120002.CSV';
const HOSOKU = 'UPHOSOKU_202504_1310000011_43_1310000029_11_20250425120002.CSV';
const OTHER = 'UPPLAN_202505_1310000011_43_1310000029_11_20250525120002.CSV';

describe('a unit’s files are taken together', () => {
  const keys = new UnitKeys(loadCatalog());
  const take = (names: string[], settled: string[]) => settledUnits(names, (n) => keys.of(n), new Set(settled));

  it('waits while a file of the same unit is still settling, then takes them all', () => {
    expect(take([PLAN, SIKYU, HOSOKU], [PLAN])).toEqual([]);
    expect(take([PLAN, SIKYU, HOSOKU], [PLAN, SIKYU])).toEqual([]);
    expect(take([PLAN, SIKYU, HOSOKU], [PLAN, SIKYU, HOSOKU])).toEqual([PLAN, SIKYU, HOSOKU]);
  });

  it('another unit does not wait for it', () => {
    expect(take([PLAN, SIKYU, OTHER], [PLAN, OTHER])).toEqual([OTHER]);
  });

  it('knows the unit by sender, receiver and sequence, not by the file kind', () => {
    expect(keys.of(PLAN)).toBe(keys.of(HOSOKU));
    expect(keys.of(PLAN)).not.toBe(keys.of(OTHER));
  });
});

describe('one parse of a name for the whole agent', () => {
  const counting = () => {
    const parsed: string[] = [];
    const keys = new UnitKeys(loadCatalog(), (name, catalog) => {
      parsed.push(name);
      return parseFileName(name, catalog);
    });
    return { keys, parsed };
  };

  it('a name is parsed once while it is looked up pass after pass (the export folder, then processing/)', () => {
    const { keys, parsed } = counting();
    expect(keys.of(PLAN)).toBe(keys.unitOf(PLAN));
    keys.sweep();
    keys.unitOf(PLAN);
    keys.sweep();
    keys.of(PLAN);
    expect(parsed).toEqual([PLAN]);
  });

  it('a name that names no unit has no unit key (processing/ skips it), and is a unit of its own when claiming', () => {
    const { keys, parsed } = counting();
    expect(keys.unitOf('.moving-1-2-abc.json')).toBeNull();
    expect(keys.of('.moving-1-2-abc.json')).toBe('file:.moving-1-2-abc.json');
    expect(parsed).toEqual(['.moving-1-2-abc.json']);
  });

  it('forgets a name not looked up for a whole pass', () => {
    const { keys, parsed } = counting();
    keys.of(PLAN);
    keys.sweep();
    keys.sweep();
    keys.of(PLAN);
    expect(parsed).toEqual([PLAN, PLAN]);
  });
});
