import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fsPlatform } from '../../platform/fs.js';
import { freeName, moveInto, renameWithRetry, SettleAlarm, Settler } from './folders.js';

const err = (code: string) => Object.assign(new Error(code), { code });
const realPlatform = fsPlatform.name;
afterEach(() => {
  fsPlatform.name = realPlatform;
});

describe('agent file moves', () => {
  it('retries a rename while the file is locked (EBUSY/EPERM), and gives up on other errors at once', async () => {
    let calls = 0;
    await renameWithRetry('a', 'b', 5_000, () => {
      if (++calls < 3) throw err(calls === 1 ? 'EBUSY' : 'EPERM');
    });
    expect(calls).toBe(3);
    let enoent = 0;
    await expect(renameWithRetry('a', 'b', 5_000, () => {
      enoent++;
      throw err('ENOENT');
    })).rejects.toMatchObject({ code: 'ENOENT' });
    expect(enoent).toBe(1);
    await expect(renameWithRetry('a', 'b', 120, () => {
      throw err('EACCES');
    })).rejects.toMatchObject({ code: 'EACCES' });
  });

  it('never replaces a file already in the target folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-move-'));
    const target = join(dir, 'errors');
    writeFileSync(join(dir, 'A.CSV'), 'first');
    await moveInto(join(dir, 'A.CSV'), target);
    writeFileSync(join(dir, 'A.CSV'), 'second');
    const second = await moveInto(join(dir, 'A.CSV'), target);
    expect(second).toBe(join(target, 'A (2).CSV'));
    expect(readFileSync(join(target, 'A.CSV'), 'utf8')).toBe('first');
    expect(readFileSync(second, 'utf8')).toBe('second');
    expect(freeName(target, 'B.CSV')).toBe(join(target, 'B.CSV'));
  });

  it('on Windows a name that differs only in case is taken: the move picks a free name instead of replacing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-move-'));
    const errors = join(dir, 'errors');
    await moveInto((writeFileSync(join(dir, 'UPPLAN_1.CSV'), 'first'), join(dir, 'UPPLAN_1.CSV')), errors);
    writeFileSync(join(dir, 'upplan_1.csv'), 'second');
    fsPlatform.name = 'win32';
    expect(freeName(errors, 'upplan_1.csv')).toBe(join(errors, 'upplan_1 (2).csv'));
    expect(await moveInto(join(dir, 'upplan_1.csv'), errors)).toBe(join(errors, 'upplan_1 (2).csv'));
    expect(readFileSync(join(errors, 'UPPLAN_1.CSV'), 'utf8')).toBe('first');
  });

  it('a move that stays blocked ends in FILE_BUSY naming the file (care software or antivirus holding it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-move-'));
    writeFileSync(join(dir, 'UPPLAN_利用者.CSV'), 'x');
    const busy = moveInto(join(dir, 'UPPLAN_利用者.CSV'), join(dir, 'processing'), {
      maxWaitMs: 100,
      rename: () => {
        throw err('EBUSY');
      },
    });
    await expect(busy).rejects.toMatchObject({ code: 'FILE_BUSY', path: join(dir, 'UPPLAN_利用者.CSV') });
    await expect(busy).rejects.toThrow(/UPPLAN_利用者\.CSV/);
    expect(readFileSync(join(dir, 'UPPLAN_利用者.CSV'), 'utf8')).toBe('x');
  });

  it('calls a file complete only after size and mtime stay the same for the settle window', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-settle-'));
    const f = join(dir, 'x');
    writeFileSync(f, 'a');
    const s = new Settler(1_000);
    expect(s.observe(f, 0)).toBe(false);
    expect(s.observe(f, 999)).toBe(false);
    writeFileSync(f, 'ab');
    expect(s.observe(f, 1_500)).toBe(false);
    expect(s.observe(f, 2_400)).toBe(false);
    expect(s.observe(f, 2_500)).toBe(true);
    expect(s.observe(join(dir, 'gone'), 3_000)).toBe(false);
  });

  it('knows when the next file settles ("stable since" + the window), counting only files not yet due', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-settle-'));
    const [a, b] = [join(dir, 'a'), join(dir, 'b')];
    writeFileSync(a, 'a');
    writeFileSync(b, 'b');
    const s = new Settler(2_000);
    expect(s.nextDue(0)).toBeNull();
    s.observe(a, 100);
    s.observe(b, 700);
    expect(s.nextDue(700)).toBe(2_100);
    // a is due (a claim that failed waits for the rescan, not for a timer of 0 ms over and over).
    expect(s.nextDue(2_100)).toBe(2_700);
    writeFileSync(b, 'bb');
    // The watcher names the file: looked at in the next pass although its window has not ended.
    s.changed(b);
    s.observe(b, 2_200);
    expect(s.nextDue(2_200)).toBe(4_200);
  });

  it('does not look at a file again inside its window unless the watcher names it (a burst: one look per file and window, not one per pass)', () => {
    const files = new Map([
      ['a', { size: 1, mtimeMs: 1 }],
      ['b', { size: 1, mtimeMs: 1 }],
    ]);
    const looks: string[] = [];
    const s = new Settler(2_000, (p) => {
      looks.push(p);
      return files.get(p)!;
    });
    for (let t = 0; t < 2_000; t += 100) {
      expect(s.observe('a', t)).toBe(false);
      expect(s.observe('b', t)).toBe(false);
    }
    expect(looks).toEqual(['a', 'b']);
    // Named by the watcher: looked at now; the change starts its window again.
    files.set('b', { size: 2, mtimeMs: 2 });
    s.changed('b');
    expect(s.observe('b', 1_950)).toBe(false);
    expect(looks).toEqual(['a', 'b', 'b']);
    expect([s.observe('a', 2_000), s.observe('b', 2_000)]).toEqual([true, false]);
    expect(s.observe('b', 3_950)).toBe(true);
  });

  it('without the watcher a change inside the window is seen when the window ends, and the window starts again', () => {
    const files = new Map([['a', { size: 1, mtimeMs: 1 }]]);
    const s = new Settler(2_000, (p) => files.get(p)!);
    expect(s.observe('a', 0)).toBe(false);
    files.set('a', { size: 1, mtimeMs: 500 });
    expect(s.observe('a', 1_000)).toBe(false);
    expect(s.observe('a', 2_000)).toBe(false);
    expect(s.nextDue(2_000)).toBe(4_000);
    expect(s.observe('a', 4_000)).toBe(true);
  });

  it('a change the watcher did not name a file for: every file is looked at in the next pass', () => {
    const files = new Map([['a', { size: 1, mtimeMs: 1 }]]);
    const s = new Settler(2_000, (p) => files.get(p)!);
    s.observe('a', 0);
    files.set('a', { size: 3, mtimeMs: 9 });
    s.changed(null);
    expect(s.observe('a', 500)).toBe(false);
    s.looked();
    expect(s.nextDue(500)).toBe(2_500);
  });
});

describe('the settle alarm', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('rings at exactly the moment set, not at the next rescan; a new moment replaces the old', () => {
    vi.useFakeTimers();
    let rang = 0;
    const alarm = new SettleAlarm(() => rang++);
    /** Advances the clock by `ms` and says how often the alarm has rung by then. */
    const after = (ms: number) => {
      vi.advanceTimersByTime(ms);
      return rang;
    };
    alarm.set(Date.now() + 2_000);
    expect([after(1_999), after(1)]).toEqual([0, 1]);
    alarm.set(Date.now() + 500);
    alarm.set(Date.now() + 300);
    expect([after(299), after(1), after(10_000)]).toEqual([1, 2, 2]);
    alarm.set(Date.now() + 100);
    alarm.clear();
    expect(after(10_000)).toBe(2);
  });
});
