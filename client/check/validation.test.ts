// The pieces of validation.ts that stand in for node:path on the many-files path give what node:path gives.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathResolver } from './validation.js';

describe('pathResolver', () => {
  it('resolves as path.resolve does: absolute, relative, dotted, doubled slashes, trailing slashes, bare names', () => {
    const paths = [
      '/tmp/a/UPPLAN_x.CSV', '/tmp/a/b.CSV', '/tmp/a/../a/c.csv', '/tmp//a/d.jpg', '/tmp/a/./e.CSV', '/f.CSV', '/', '//g.CSV',
      'rel/h.CSV', './i.CSV', '../j.CSV', 'k.CSV', 'rel/', 'rel/.', 'rel/..', '.', '..', '', 'a/b/../../l.CSV', '/tmp/a/ m .CSV',
    ];
    const resolvePath = pathResolver();
    // Twice: the second time each folder comes from the resolver's own record.
    for (const round of [1, 2]) for (const p of paths) expect(resolvePath(p), `${p} (round ${round})`).toBe(resolve(p));
  });
});
