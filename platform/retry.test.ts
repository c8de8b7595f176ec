// Retries while a file is held (antivirus, care software), then an error that names the file.
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalizedError } from '../shared/errors.js';
import { fsPlatform } from './os.js';
import { FolderNames } from './paths.js';
import { backoff, FileBusyError, moveInto, moveIntoSync, renameWithRetry, renameWithRetrySync, unlinkWithRetry, unlinkWithRetrySync } from './retry.js';

const held = (code = 'EBUSY') => Object.assign(new Error(`${code}: resource busy or locked`), { code });
const noSleep = async () => undefined;
const realPlatform = fsPlatform.name;
afterEach(() => {
  fsPlatform.name = realPlatform;
});

describe('the backoff', () => {
  it('starts at 50 ms, doubles up to 1 s, and never waits longer than maxWait in total', () => {
    expect([...backoff({ maxWaitMs: 3_000 }, 0)]).toEqual([50, 100, 200, 400, 800, 1_000, 450]);
    expect([...backoff({ maxWaitMs: 120 }, 0)]).toEqual([50, 70]);
    expect([...backoff({ maxWaitMs: 0 }, 0)]).toEqual([]);
    expect([...backoff({}, 60_000)].reduce((a, b) => a + b, 0)).toBe(60_000);
  });
});

describe('renameWithRetry', () => {
  it('succeeds once the lock clears after a few attempts (async and sync)', async () => {
    let calls = 0;
    const rename = () => {
      if (++calls < 4) throw held(['EBUSY', 'EPERM', 'EACCES'][calls - 1]);
    };
    await renameWithRetry('a', 'b', { rename, sleep: noSleep });
    expect(calls).toBe(4);
    calls = 0;
    renameWithRetrySync('a', 'b', { rename, sleep: () => undefined });
    expect(calls).toBe(4);
  });

  it('gives up with FILE_BUSY naming the file, in Japanese and English with a hint, when it stays held', async () => {
    const waits: number[] = [];
    const from = '\\\\server\\share\\ケアプラン\\UPPLAN_1.CSV';
    const e = await renameWithRetry(from, 'C:\\送信済み\\UPPLAN_1.CSV', {
      maxWaitMs: 500,
      rename: () => {
        throw held('EPERM');
      },
      sleep: async (ms) => void waits.push(ms),
    }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(FileBusyError);
    expect(e).toBeInstanceOf(LocalizedError);
    const busy = e as FileBusyError;
    expect(busy.code).toBe('FILE_BUSY');
    expect(busy.path).toBe(from);
    expect(busy.ja).toContain(from);
    expect(busy.en).toContain(from);
    expect(busy.ja).toContain('C:\\送信済み\\UPPLAN_1.CSV');
    expect(busy.hint?.ja).toContain('介護ソフト');
    expect(busy.hint?.en).toContain('antivirus');
    expect((busy.cause as NodeJS.ErrnoException).code).toBe('EPERM');
    expect(waits.reduce((a, b) => a + b, 0)).toBe(500);

    expect(() =>
      renameWithRetrySync('a.csv', 'b.csv', {
        maxWaitMs: 100,
        rename: () => {
          throw held();
        },
        sleep: () => undefined,
      }),
    ).toThrow(/a\.csv/);
  });

  it('passes any other error through at once', async () => {
    let calls = 0;
    const rename = () => {
      calls++;
      throw held('ENOENT');
    };
    await expect(renameWithRetry('a', 'b', { rename, sleep: noSleep })).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() => renameWithRetrySync('a', 'b', { rename, sleep: () => undefined })).toThrow(/ENOENT/);
    expect(calls).toBe(2);
  });

  it('waits for real between attempts (the sync variant blocks, bounded by maxWait)', () => {
    let calls = 0;
    const started = Date.now();
    renameWithRetrySync('a', 'b', {
      rename: () => {
        if (++calls < 3) throw held();
      },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('unlinkWithRetry', () => {
  it('retries a held delete, and a file already gone is fine', async () => {
    let calls = 0;
    const unlink = () => {
      if (++calls < 3) throw held();
      throw held('ENOENT');
    };
    await unlinkWithRetry('x', { unlink, sleep: noSleep });
    expect(calls).toBe(3);
    calls = 0;
    unlinkWithRetrySync('x', { unlink, sleep: () => undefined });
    expect(calls).toBe(3);
    await expect(unlinkWithRetry('held.csv', { maxWaitMs: 10, unlink: () => { throw held(); }, sleep: noSleep })).rejects.toMatchObject({ code: 'FILE_BUSY', action: 'delete', path: 'held.csv' });
  });
});

describe('moveInto', () => {
  it('never replaces a file already in the folder', async () => {
    const dir = fs.mkdtempSync(join(tmpdir(), 'cpl-move-'));
    const target = join(dir, 'エラー');
    fs.writeFileSync(join(dir, 'A.CSV'), 'first');
    expect(await moveInto(join(dir, 'A.CSV'), target)).toBe(join(target, 'A.CSV'));
    fs.writeFileSync(join(dir, 'A.CSV'), 'second');
    expect(await moveInto(join(dir, 'A.CSV'), target)).toBe(join(target, 'A (2).CSV'));
    fs.writeFileSync(join(dir, 'A.CSV'), 'third');
    expect(moveIntoSync(join(dir, 'A.CSV'), target)).toBe(join(target, 'A (3).CSV'));
    expect(['A.CSV', 'A (2).CSV', 'A (3).CSV'].map((n) => fs.readFileSync(join(target, n), 'utf8'))).toEqual(['first', 'second', 'third']);
  });

  it('on win32 a name that differs only in case is taken (NTFS would replace it)', async () => {
    const dir = fs.mkdtempSync(join(tmpdir(), 'cpl-move-'));
    fs.mkdirSync(join(dir, 'sent'));
    fs.writeFileSync(join(dir, 'sent', 'UPPLAN_1.CSV'), 'first');
    fs.writeFileSync(join(dir, 'upplan_1.csv'), 'second');
    fsPlatform.name = 'win32';
    expect(await moveInto(join(dir, 'upplan_1.csv'), join(dir, 'sent'))).toBe(join(dir, 'sent', 'upplan_1 (2).csv'));
  });

  it('moves run side by side into one listed folder never pick the same free name, and a failed move frees its name', async () => {
    for (const kind of ['set', 'list']) {
      const dir = fs.mkdtempSync(join(tmpdir(), 'cpl-move-'));
      const target = join(dir, 'sent');
      fs.mkdirSync(target);
      fs.writeFileSync(join(target, 'A.CSV'), 'there');
      const names = kind === 'set' ? new FolderNames(fs.readdirSync(target)) : fs.readdirSync(target);
      const sources = ['x', 'y', 'z'].map((d) => {
        fs.mkdirSync(join(dir, d));
        fs.writeFileSync(join(dir, d, 'A.CSV'), d);
        return join(dir, d, 'A.CSV');
      });
      // The three renames are under way together: each must have taken its name before the others chose.
      const moved = await Promise.all(sources.map((p) => moveInto(p, target, { names })));
      expect(new Set(moved).size).toBe(3);
      for (const [i, p] of moved.entries()) expect(fs.readFileSync(p, 'utf8')).toBe(['x', 'y', 'z'][i]);
      expect(fs.readdirSync(target)).toHaveLength(4);
      const failing = () => Promise.reject(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }));
      await expect(moveInto(join(dir, 'gone', 'B.CSV'), target, { names, rename: failing })).rejects.toMatchObject({ code: 'ENOENT' });
      const has = (n: string) => (names instanceof FolderNames ? names.has(n) : names.includes(n));
      expect(has('B.CSV')).toBe(false);
      expect(moved.every((p) => has(p.slice(target.length + 1)))).toBe(true);
    }
  });
});
