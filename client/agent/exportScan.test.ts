// The export folder may hold thousands of files that are not the agent's (issue 16): each name is
// judged once, and an unchanged folder is not listed again. Counted on a file system double.
import { describe, expect, it } from 'vitest';
import { ExportScan, FULL_LISTING_MS, type ScanFs } from './exportScan.js';

const SPEC = 'UPPLAN_202504_1310000011_43_1310000029_11_20250401000000.CSV';

function folder(names: string[]) {
  const state = { names: [...names], mtime: 1_000, listings: 0, stats: 0, judged: [] as string[], now: 10_000 };
  const fs: ScanFs = {
    list: () => {
      state.listings++;
      return state.names.map((name) => ({ name, isFile: () => name !== 'processing' }));
    },
    mtimeMs: () => {
      state.stats++;
      return state.mtime;
    },
  };
  const scan = new ExportScan(
    '/export',
    (name) => {
      state.judged.push(name);
      return name.endsWith('.CSV');
    },
    fs,
    () => state.now,
  );
  return { state, scan };
}

describe('looking at the export folder', () => {
  const foreign = Array.from({ length: 1_000 }, (_, i) => `memo-${i}.txt`);

  it('judges each foreign name once and does not list an unchanged folder again', () => {
    const { state, scan } = folder([...foreign, SPEC, 'processing']);
    expect(scan.specNames()).toEqual([SPEC]);
    expect(state.listings).toBe(1);
    expect(state.judged).toHaveLength(foreign.length + 1);
    expect(scan.ignoredNames()).toHaveLength(foreign.length);
    const version = scan.ignoredVersion;
    for (let i = 0; i < 10; i++) {
      state.now += 2_000;
      expect(scan.specNames()).toEqual([SPEC]);
    }
    // An idle rescan is one look at the folder's mtime: no listing, no name judged again.
    expect(state.listings).toBe(1);
    expect(state.stats).toBe(11);
    expect(state.judged).toHaveLength(foreign.length + 1);
    expect(scan.ignoredVersion).toBe(version);
  });

  it('lists again when the folder changed, judging only the new names', () => {
    const { state, scan } = folder([...foreign]);
    scan.specNames();
    state.names.push(SPEC, 'new.txt');
    state.mtime = 9_500;
    state.now = 12_000;
    expect(scan.specNames()).toEqual([SPEC]);
    expect(state.listings).toBe(2);
    expect(state.judged.slice(foreign.length)).toEqual([SPEC, 'new.txt']);
    expect(scan.ignoredNames()).toContain('new.txt');
  });

  it('lists again when the watcher names a file it does not know, or the mtime is too recent to trust, or a while has passed', () => {
    const { state, scan } = folder([...foreign]);
    scan.specNames();
    scan.hint('memo-1.txt');
    scan.specNames();
    expect(state.listings).toBe(1);
    scan.hint(SPEC);
    scan.specNames();
    expect(state.listings).toBe(2);
    // Changed within the same moment as the listing: listed until the mtime is clearly older.
    state.mtime = state.now;
    scan.specNames();
    scan.specNames();
    expect(state.listings).toBe(4);
    state.now += 5_000;
    scan.specNames();
    scan.specNames();
    expect(state.listings).toBe(5);
    state.now += FULL_LISTING_MS;
    scan.specNames();
    expect(state.listings).toBe(6);
  });
});
