import { describe, expect, it } from 'vitest';
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
