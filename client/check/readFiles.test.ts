// How the checker reads files: whole below the threshold, streamed above it, several at once with
// the results in the order asked, and the same report either way.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFixtures } from '../fixturesWriter.js';
import { mapBounded, openForReading, SMALL_FILE_BYTES } from './readFiles.js';
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
