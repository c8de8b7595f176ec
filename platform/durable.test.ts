// Durable writes: exact content, owner-only mode, no folder fsync on Windows, orphans cleaned.
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BATCH_IN_FLIGHT, cleanTmp, copyDurable, TMP_PREFIX, tmpPathFor, writeDurable, writeDurableAsync, writeDurableBatch } from './durable.js';
import { fsPlatform } from './os.js';

const realPlatform = fsPlatform.name;
const scratch = (name = 'cpl-durable-') => fs.mkdtempSync(join(tmpdir(), name));
/** Mode bits mean little on Windows: only that assertion is skipped there, not the test. */
const posix = process.platform !== 'win32';

afterEach(() => {
  fsPlatform.name = realPlatform;
  vi.restoreAllMocks();
});

/**
 * Behaves like Windows for a folder: fsync on a folder's descriptor fails with EPERM. Every attempt
 * is recorded, so a test can say that none was made.
 */
function refuseFolderFsync(): { sync: string[]; async: string[] } {
  const attempts = { sync: [] as string[], async: [] as string[] };
  const fsync = fs.fsyncSync;
  vi.spyOn(fs, 'fsyncSync').mockImplementation((fd: number) => {
    if (fs.fstatSync(fd).isDirectory()) {
      attempts.sync.push(String(fd));
      throw Object.assign(new Error('EPERM: operation not permitted, fsync'), { code: 'EPERM' });
    }
    return fsync(fd);
  });
  const open = fs.promises.open;
  vi.spyOn(fs.promises, 'open').mockImplementation(async (path, flags, mode) => {
    const handle = await open(path, flags, mode);
    if ((await handle.stat()).isDirectory()) {
      attempts.async.push(String(path));
      handle.sync = () => Promise.reject(Object.assign(new Error('EPERM: operation not permitted, fsync'), { code: 'EPERM' }));
    }
    return handle;
  });
  return attempts;
}

describe('writeDurable', () => {
  it('writes the exact bytes, owner-only (0600), replacing the old file and leaving no tmp file', () => {
    const dir = scratch();
    const target = join(dir, 'record.json');
    writeDurable(target, 'old');
    const bytes = Buffer.from([0, 1, 2, 0xff, 0x82, 0xa0]);
    writeDurable(target, bytes);
    expect(fs.readFileSync(target)).toEqual(bytes);
    if (posix) expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['record.json']);
  });

  it('writes several buffers back to back, asynchronously (the relay segments)', async () => {
    const dir = scratch();
    const target = join(dir, 'a.seg');
    await writeDurableAsync(target, [Buffer.from('one'), Buffer.from('二'), Buffer.alloc(0), Buffer.from('three')]);
    expect(fs.readFileSync(target, 'utf8')).toBe('one二three');
    if (posix) expect(fs.statSync(target).mode & 0o777).toBe(0o600);
  });

  it('uses the tmp folder it is given, and a Japanese folder name works as any other', () => {
    const dir = join(scratch(), 'ケアプラン連携', '送信済み');
    fs.mkdirSync(dir, { recursive: true });
    const tmp = join(dir, '..', 'tmp');
    fs.mkdirSync(tmp);
    writeDurable(join(dir, 'UPPLAN_利用者.CSV'), 'x', { tmpDir: tmp, mode: 0o644 });
    expect(fs.readFileSync(join(dir, 'UPPLAN_利用者.CSV'), 'utf8')).toBe('x');
    if (posix) expect(fs.statSync(join(dir, 'UPPLAN_利用者.CSV')).mode & 0o777).toBe(0o644);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it('never fsyncs a folder on win32 (Windows refuses it with EPERM), and does on POSIX', async () => {
    const attempts = refuseFolderFsync();
    const dir = scratch();
    fsPlatform.name = 'win32';
    writeDurable(join(dir, 'a'), 'a');
    await writeDurableAsync(join(dir, 'b'), 'b');
    copyDurable(join(dir, 'a'), join(dir, 'c'));
    expect(attempts).toEqual({ sync: [], async: [] });
    expect(fs.readFileSync(join(dir, 'c'), 'utf8')).toBe('a');

    // The same spy does see a folder fsync where the platform supports one: the check above is real.
    fsPlatform.name = 'linux';
    expect(() => writeDurable(join(dir, 'd'), 'd')).toThrow(/EPERM/);
    await expect(writeDurableAsync(join(dir, 'e'), 'e')).rejects.toThrow(/EPERM/);
    expect(attempts.sync).toHaveLength(1);
    expect(attempts.async).toHaveLength(1);
  });

  it('removes its tmp file when the write fails', () => {
    const dir = scratch();
    expect(() => writeDurable(join(dir, 'missing-folder', 'a'), 'a', { tmpDir: dir })).toThrow(/ENOENT/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('copyDurable', () => {
  it('copies the exact bytes and makes the copy owner-only even when the original is not', () => {
    const dir = scratch();
    fs.writeFileSync(join(dir, 'src.CSV'), 'データ', { mode: 0o644 });
    copyDurable(join(dir, 'src.CSV'), join(dir, 'copy.CSV'));
    expect(fs.readFileSync(join(dir, 'copy.CSV'), 'utf8')).toBe('データ');
    if (posix) expect(fs.statSync(join(dir, 'copy.CSV')).mode & 0o777).toBe(0o600);
  });
});

describe('cleanTmp', () => {
  it('removes only our tmp files older than the age given, and leaves everything else', () => {
    const dir = scratch();
    const old = new Date(Date.now() - 60 * 60_000);
    const files = { [`${TMP_PREFIX}1-old`]: true, [`${TMP_PREFIX}2-young`]: false, 'UPPLAN_1.CSV': false, 'm1.json': false, '20261201.seg': false, 'x.tmp': false };
    for (const name of Object.keys(files)) {
      fs.writeFileSync(join(dir, name), name);
      if (name !== `${TMP_PREFIX}2-young`) fs.utimesSync(join(dir, name), old, old);
    }
    fs.mkdirSync(join(dir, `${TMP_PREFIX}folder`));
    fs.utimesSync(join(dir, `${TMP_PREFIX}folder`), old, old);
    expect(cleanTmp(dir, 10 * 60_000)).toEqual([`${TMP_PREFIX}1-old`]);
    expect(fs.readdirSync(dir).sort()).toEqual([`${TMP_PREFIX}2-young`, `${TMP_PREFIX}folder`, '20261201.seg', 'UPPLAN_1.CSV', 'm1.json', 'x.tmp'].sort());
    expect(cleanTmp(dir, 0)).toEqual([`${TMP_PREFIX}2-young`]);
    expect(cleanTmp(join(dir, 'not-there'), 0)).toEqual([]);
    expect(cleanTmp(dir, 10 * 60_000, Date.now(), (n) => n.endsWith('.tmp'))).toEqual(['x.tmp']);
  });

  it('names its tmp files with the prefix, beside the target unless told otherwise', () => {
    const target = join(tmpdir(), '事業所', 'a.json');
    const tmp = tmpPathFor(target);
    expect(tmp.startsWith(join(tmpdir(), '事業所', TMP_PREFIX))).toBe(true);
    expect(tmpPathFor(target, join(tmpdir(), 'tmp')).startsWith(join(tmpdir(), 'tmp', TMP_PREFIX))).toBe(true);
    expect(tmpPathFor(target)).not.toBe(tmp);
  });
});

describe('a batch of durable writes (one group commit)', () => {
  it('writes every file and renames group after group (envelopes before the records that commit them)', async () => {
    const dir = scratch();
    const tmp = join(dir, 'tmp');
    fs.mkdirSync(tmp);
    const renames: string[] = [];
    const rename = fs.promises.rename;
    vi.spyOn(fs.promises, 'rename').mockImplementation(async (a, b) => {
      renames.push(String(b));
      await rename(a, b);
    });
    const data = [join(dir, 'a.cms'), join(dir, 'b.cms')];
    const records = [join(dir, 'a.json'), join(dir, 'b.json')];
    await writeDurableBatch([data.map((target, i) => ({ target, data: `data ${i}` })), records.map((target, i) => ({ target, data: [Buffer.from('rec'), Buffer.from(` ${i}`)] }))], { tmpDir: tmp });
    expect(data.map((f) => fs.readFileSync(f, 'utf8'))).toEqual(['data 0', 'data 1']);
    expect(records.map((f) => fs.readFileSync(f, 'utf8'))).toEqual(['rec 0', 'rec 1']);
    expect(renames).toEqual([...data, ...records]);
    expect(fs.readdirSync(tmp)).toEqual([]);
    if (posix) expect(fs.statSync(records[0]!).mode & 0o777).toBe(0o600);
  });

  it("renames a group's files BATCH_IN_FLIGHT at a time, and none of the next group before all of it", async () => {
    const dir = scratch();
    const tmp = join(dir, 'tmp');
    fs.mkdirSync(tmp);
    const data = Array.from({ length: 20 }, (_, i) => join(dir, `${i}.cms`));
    const records = data.map((f) => f.replace(/\.cms$/, '.json'));
    let inFlight = 0;
    let most = 0;
    const early: string[] = [];
    const rename = fs.promises.rename;
    vi.spyOn(fs.promises, 'rename').mockImplementation(async (a, b) => {
      if (String(b).endsWith('.json') && !data.every((f) => fs.existsSync(f))) early.push(String(b));
      most = Math.max(most, ++inFlight);
      try {
        await rename(a, b);
      } finally {
        inFlight--;
      }
    });
    await writeDurableBatch([data.map((target) => ({ target, data: 'd' })), records.map((target) => ({ target, data: 'r' }))], { tmpDir: tmp });
    expect(most).toBe(BATCH_IN_FLIGHT);
    expect(early).toEqual([]);
    expect([...data, ...records].every((f) => fs.existsSync(f))).toBe(true);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });

  it('leaves no tmp file and no target when one write fails', async () => {
    const dir = scratch();
    const tmp = join(dir, 'tmp');
    fs.mkdirSync(tmp);
    const open = fs.open as (...args: unknown[]) => void;
    let opened = 0;
    // The batch's tmp files are opened through the callback API (platform/durable.ts writeSyncedTmp).
    vi.spyOn(fs, 'open').mockImplementation(((...args: unknown[]) => {
      const done = args[args.length - 1] as (e: Error | null) => void;
      if (++opened === 3) return done(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
      open(...args);
    }) as typeof fs.open);
    const items = ['a', 'b', 'c', 'd'].map((n) => ({ target: join(dir, n), data: n }));
    await expect(writeDurableBatch([items.slice(0, 2), items.slice(2)], { tmpDir: tmp })).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(fs.readdirSync(tmp)).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual(['tmp']);
  });
});
