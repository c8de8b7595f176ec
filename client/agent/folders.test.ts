import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freeName, moveInto, renameWithRetry, Settler } from './folders.js';

const err = (code: string) => Object.assign(new Error(code), { code });

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
});
