// The per-record service-type checks in rules.ts avoid slicing a string per record (issue 16); these
// pin that they still judge every record as `types.includes(code.slice(0, 2))` did.
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeMs932 } from '../../client/check/ms932.js';
import { loadCatalog } from '../../client/check/specs.js';
import { generateFixtures, toCsv } from '../fixtures/generate.js';
import { newestEdition } from '../spec/model.js';
import { validateBytes } from './index.js';
import { hasType } from './rules.js';

const catalog = loadCatalog();
const layouts = newestEdition(catalog).layouts;
const gen = generateFixtures(catalog, { month: '202504', users: 2 });
const opts = { catalog, decoder: decodeMs932 };

describe('hasType', () => {
  it('agrees with includes(slice(0, 2)) on short, long and odd codes', () => {
    const types = ['17', '67', '1'];
    for (const code of ['', '1', '17', '171111', '67AAAA', '6', '711111', '1X', '\u0000\u0000']) {
      expect(hasType(code, types)).toBe(types.includes(code.slice(0, 2)));
    }
    expect(hasType('', [''])).toBe(true);
  });
});

describe('serviceTypeInScope after an in-scope code', () => {
  it('still reports an unknown and an out-of-scope type on later records of the same file', () => {
    const f = gen.find((g) => g.kind === 'UPPLAN')!;
    const r = f.records!.map((x) => [...x]);
    expect(r.length).toBeGreaterThanOrEqual(3);
    // Record 1 keeps its in-scope code (remembered); later records differ in their first two characters.
    r[1]![14] = 'ZZ1111';
    r[2]![14] = '331111';
    const bytes = iconv.encode(toCsv(layouts.get('UPPLAN')!, r), 'cp932');
    const found = validateBytes(f.name, bytes, opts).report.errors.map((e) => [e.code, e.row, e.value]);
    expect(found).toEqual([
      ['E_FIELD_SERVICE_TYPE_UNKNOWN', 2, 'ZZ'],
      ['E_FIELD_SERVICE_TYPE_OUT_OF_SCOPE', 3, '33'],
    ]);
  });
});
