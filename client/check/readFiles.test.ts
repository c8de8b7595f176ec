// How the checker reads files: whole below the threshold, streamed above it, several at once with
// the results in the order asked, and the same report either way.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { writeFixtures } from '../fixturesWriter.js';
import { directReads, mapBounded, openForReading, SLOW_READ_MS, SLOW_READS_OFF, SMALL_FILE_BYTES, TURN_EVERY_MS, turns } from './readFiles.js';
import { checkPaths, validatePath } from './validation.js';

const dir = mkdtempSync(join(tmpdir(), 'cpl-readfiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function bytesOf(path: string): Promise<Buffer> {
  const o = await openForReading(path);
  if ('data' in o) return o.data;
  const chunks: Buffer[] = [];
  for await (const c of o.stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('openForReading', () => {
  it('reads a small file whole and streams a large one, the same bytes either way', async () => {
    const small = join(dir, 'small.bin');
    const large = join(dir, 'large.bin');
    const empty = join(dir, 'empty.bin');
    const big = Buffer.alloc(SMALL_FILE_BYTES + 12345, 7);
    big.write('end', big.length - 3);
    writeFileSync(small, 'abc');
    writeFileSync(large, big);
    writeFileSync(empty, '');
    const s = await openForReading(small);
    expect('data' in s && s.data.toString()).toBe('abc');
    const l = await openForReading(large);
    expect('stream' in l && l.size).toBe(big.length);
    if ('stream' in l) l.stream.destroy();
    expect((await bytesOf(large)).equals(big)).toBe(true);
    expect((await bytesOf(empty)).length).toBe(0);
  });

  it('rejects a missing file', async () => {
    await expect(openForReading(join(dir, 'missing.csv'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('openForReading: direct reads on the main thread, and through the pool', () => {
  const saved = { ...directReads };
  const savedTurns = { ...turns };
  afterEach(() => {
    Object.assign(directReads, saved);
    Object.assign(turns, savedTurns);
  });

  it('gives the same bytes, streams and failures both ways', async () => {
    const small = join(dir, 'both-small.bin');
    const large = join(dir, 'both-large.bin');
    const empty = join(dir, 'both-empty.bin');
    writeFileSync(small, Buffer.from([0x82, 0xa0, 0x0d, 0x0a, 0x41]));
    writeFileSync(large, Buffer.alloc(SMALL_FILE_BYTES, 3));
    writeFileSync(empty, '');
    const seen: unknown[] = [];
    for (const on of [true, false]) {
      directReads.on = on;
      const l = await openForReading(large);
      expect('stream' in l && l.size, `direct ${on}`).toBe(SMALL_FILE_BYTES);
      if ('stream' in l) l.stream.destroy();
      // A folder opens but cannot be read: the failure comes back, the fd closed.
      const folder = await openForReading(dir).then(() => 'read', (e: NodeJS.ErrnoException) => e.code);
      seen.push([(await bytesOf(small)).toString('hex'), (await bytesOf(empty)).length, (await bytesOf(large)).equals(Buffer.alloc(SMALL_FILE_BYTES, 3)), folder]);
    }
    expect(seen[0]).toEqual(['82a00d0a41', 0, true, 'EISDIR']);
    expect(seen[1]).toEqual(seen[0]);
  });

  it('fails the same way both ways: missing file, folder, unreadable file (code, errno, syscall, path, message)', async () => {
    const locked = join(dir, 'locked.bin');
    writeFileSync(locked, 'secret');
    chmodSync(locked, 0);
    // root reads a file whatever its mode: the permission case is then a read like any other, still compared.
    const failures: unknown[] = [];
    for (const on of [true, false]) {
      directReads.on = on;
      const seen = [];
      for (const p of [join(dir, 'missing.csv'), dir, locked]) {
        seen.push(
          await openForReading(p).then(
            (o) => ('data' in o ? o.data.toString() : 'stream'),
            (e: NodeJS.ErrnoException) => ({ code: e.code, errno: e.errno, syscall: e.syscall, path: e.path, message: e.message }),
          ),
        );
      }
      failures.push(seen);
    }
    expect(failures[0]).toEqual(failures[1]);
    expect(failures[0]).toMatchObject([{ code: 'ENOENT', syscall: 'open' }, { code: 'EISDIR', syscall: 'read' }, process.getuid?.() === 0 ? 'secret' : { code: 'EACCES', syscall: 'open' }]);
  });

  it('gives the event loop a turn during a long run of direct reads, not after every file', async () => {
    const files = Array.from({ length: 200 }, (_, i) => join(dir, `turn-${i}.bin`));
    for (const f of files) writeFileSync(f, 'a,b\r\n');
    // A clock on which each read holds the main thread for 1 ms: a turn is due every TURN_EVERY_MS reads.
    let t = 0;
    let step = 1;
    turns.now = () => (t += step);
    directReads.on = true;
    // Counts the loop's turns: a callback that runs once per turn while the reads go on.
    let ticks = 0;
    let reading = true;
    const tick = () => {
      ticks++;
      if (reading) setImmediate(tick);
    };
    setImmediate(tick);
    await new Promise((r) => setImmediate(r)); // start between turns, as a check does
    const at: number[] = [];
    await mapBounded(files, 8, async (f) => {
      const o = await openForReading(f);
      expect('data' in o && o.data.toString()).toBe('a,b\r\n');
      at.push(ticks);
    });
    const turnsDuring = at[at.length - 1]! - at[0]!;
    expect(turnsDuring).toBeGreaterThanOrEqual(Math.floor(200 / (TURN_EVERY_MS + 1)) - 1);
    // Never a turn per file: the loop is not asked to turn while the budget lasts.
    expect(turnsDuring).toBeLessThanOrEqual(Math.ceil(200 / TURN_EVERY_MS) + 1);
    // A clock that stands still: 200 reads in one turn.
    step = 0;
    const still: number[] = [];
    await new Promise((r) => setImmediate(r));
    await mapBounded(files, 8, async (f) => {
      await openForReading(f);
      still.push(ticks);
    });
    reading = false;
    expect(still[still.length - 1]! - still[0]!).toBe(0);
  });

  it('turns direct reads off once reads are slow again and again, not at one slow read among fast ones', async () => {
    const file = join(dir, 'slow.bin');
    writeFileSync(file, 'xyz');
    // A clock that makes every read last longer than SLOW_READ_MS, or none.
    let slow = true;
    let t = 0;
    directReads.now = () => (t += slow ? SLOW_READ_MS + 1 : 0);
    directReads.on = true;
    directReads.slow = 0;
    for (let i = 0; i < SLOW_READS_OFF - 1; i++) await openForReading(file);
    slow = false;
    for (let i = 0; i < 64; i++) await openForReading(file); // fast reads pay the slow ones off
    expect(directReads.on).toBe(true);
    expect(directReads.slow).toBeLessThan(SLOW_READS_OFF - 1);
    slow = true;
    const before = directReads.slow;
    for (let i = 0; directReads.on && i < 100; i++) {
      const o = await openForReading(file);
      expect('data' in o && o.data.toString()).toBe('xyz');
    }
    expect(directReads.on).toBe(false);
    expect(directReads.slow).toBeGreaterThanOrEqual(SLOW_READS_OFF);
    expect(before).toBeGreaterThan(0);
    // From then on files are read through the pool: the clock is no longer asked.
    const calls = t;
    const o = await openForReading(file);
    expect('data' in o && o.data.toString()).toBe('xyz');
    expect(t).toBe(calls);
  });
});

describe('mapBounded', () => {
  it('keeps the order of the items, whatever order they finish in, with at most `limit` at once', async () => {
    let running = 0;
    let most = 0;
    const out = await mapBounded([50, 10, 30, 0, 20, 5, 40], 3, async (ms) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return ms * 2;
    });
    expect(out).toEqual([100, 20, 60, 0, 40, 10, 80]);
    expect(most).toBe(3);
  });

  it('throws the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    await expect(
      mapBounded([1, 2, 3, 4, 5, 6], 2, async (n) => {
        started.push(n);
        await new Promise((r) => setTimeout(r, 1));
        if (n === 2) throw new Error('two');
        return n;
      }),
    ).rejects.toThrow('two');
    expect(started.length).toBeLessThanOrEqual(3);
  });
});

describe('checkPaths over many files', () => {
  it('reports the files in the order given, as checking them one by one does', async () => {
    const units = join(dir, 'units');
    const paths = [...(await writeFixtures(units, { month: '202504', users: 2 })), ...(await writeFixtures(units, { month: '202505', users: 1 }))].reverse();
    const together = await checkPaths(paths);
    expect(together.files.map((f) => f.path)).toEqual(paths);
    for (const [i, p] of paths.entries()) {
      const alone = (await validatePath(p)).report;
      expect(together.files[i]).toEqual(alone);
    }
    expect(together.summary.errors).toBe(0);
  });
});
