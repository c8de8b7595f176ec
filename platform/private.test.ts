// Owner-only files and folders: POSIX modes, and the icacls command line built for Windows.
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ensurePrivateDir, ensurePrivateFile, fileLayerLog, icaclsArgs, restrictToOwner, windowsUser } from './private.js';

const posix = process.platform !== 'win32';
afterEach(() => vi.restoreAllMocks());

describe('owner-only files and folders', () => {
  it('creates folders 0700 and files 0600, and tightens a database file left readable', () => {
    const root = fs.mkdtempSync(join(tmpdir(), 'cpl-private-'));
    const dir = join(root, 'spool', 'quarantine');
    ensurePrivateDir(dir);
    ensurePrivateDir(dir);
    if (posix) for (const d of [join(root, 'spool'), dir]) expect(fs.statSync(d).mode & 0o777).toBe(0o700);
    const db = join(dir, 'relay.sqlite');
    ensurePrivateFile(db);
    expect(fs.readFileSync(db)).toHaveLength(0);
    fs.writeFileSync(db, 'SQLite format 3');
    fs.chmodSync(db, 0o644);
    ensurePrivateFile(db);
    expect(fs.readFileSync(db, 'utf8')).toBe('SQLite format 3');
    if (posix) expect(fs.statSync(db).mode & 0o777).toBe(0o600);
  });
});

describe('restrictToOwner (icacls on Windows)', () => {
  it('builds the command line: inheritance removed, full control to the user, inherited below a folder', () => {
    const unc = '\\\\server\\share\\ケアプラン\\spool';
    expect(icaclsArgs(unc, { directory: true, user: 'OFFICE\\山田' })).toEqual([unc, '/inheritance:r', '/grant:r', 'OFFICE\\山田:(OI)(CI)F']);
    expect(icaclsArgs('C:\\Users\\clerk\\office.p12', { directory: false, user: 'clerk' })).toEqual(['C:\\Users\\clerk\\office.p12', '/inheritance:r', '/grant:r', 'clerk:F']);
    expect(windowsUser({ USERNAME: 'clerk', USERDOMAIN: 'OFFICE' })).toBe('OFFICE\\clerk');
    expect(windowsUser({ USERNAME: 'clerk' })).toBe('clerk');
  });

  it('runs icacls only on win32, and a failure is logged, never thrown', async () => {
    const runs: string[][] = [];
    const run = async (command: string, args: string[]) => (runs.push([command, ...args]), null);
    expect(await restrictToOwner('/srv/spool', { platform: 'linux', directory: true, run })).toBe(false);
    expect(runs).toEqual([]);
    expect(await restrictToOwner('C:\\spool', { platform: 'win32', directory: true, run })).toBe(true);
    expect(runs[0]!.slice(0, 4)).toEqual(['icacls', 'C:\\spool', '/inheritance:r', '/grant:r']);
    expect(runs[0]![4]).toMatch(/:\(OI\)\(CI\)F$/);

    const warn = vi.spyOn(fileLayerLog, 'warn').mockImplementation(() => undefined);
    expect(await restrictToOwner('C:\\spool', { platform: 'win32', directory: true, run: async () => new Error('Access is denied.') })).toBe(false);
    expect(await restrictToOwner(join(tmpdir(), 'cpl-not-there-ないファイル'), { platform: 'win32', run })).toBe(false);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0]![0]).toContain('C:\\spool');
  });
});
