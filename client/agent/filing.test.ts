// Filing a unit's originals into sent/YYYYMM/: a few renames at a time, each file under its own name,
// and the journal removed only once every file has moved.
import fs, { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Filing, MOVES_AT_ONCE } from './filing.js';

afterEach(() => {
  vi.restoreAllMocks();
  syncBuiltinESMExports();
});

describe('Filing.sent', () => {
  it('moves MOVES_AT_ONCE files at a time into sent/YYYYMM/, never over a file already there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-filing-'));
    const dirs = { processing: join(dir, 'processing'), sent: join(dir, 'sent'), errors: join(dir, 'errors') };
    mkdirSync(dirs.processing);
    mkdirSync(join(dirs.sent, '202612'), { recursive: true });
    const names = Array.from({ length: 20 }, (_, i) => `UPPLAN_${String(i).padStart(2, '0')}.CSV`);
    for (const n of names) writeFileSync(join(dirs.processing, n), n);
    // Sent before under the same name: kept, and the new one filed beside it.
    writeFileSync(join(dirs.sent, '202612', names[0]!), 'earlier');
    let inFlight = 0;
    let most = 0;
    const renameAsync = fs.promises.rename;
    vi.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
      const filing = String(to).startsWith(dirs.sent + sep);
      if (filing) most = Math.max(most, ++inFlight);
      try {
        await renameAsync(from, to);
      } finally {
        if (filing) inFlight--;
      }
    });
    syncBuiltinESMExports();
    await new Filing(dirs, () => undefined).sent(names, new Date('2026-12-02T03:00:00Z'));
    expect(most).toBe(MOVES_AT_ONCE);
    expect(readdirSync(dirs.processing)).toEqual([]);
    const filed = readdirSync(join(dirs.sent, '202612')).sort();
    expect(filed).toEqual([...names, 'UPPLAN_00 (2).CSV'].sort());
    expect(readFileSync(join(dirs.sent, '202612', names[0]!), 'utf8')).toBe('earlier');
    expect(readFileSync(join(dirs.sent, '202612', 'UPPLAN_00 (2).CSV'), 'utf8')).toBe(names[0]);
  });
});
