// The spool on disk, as Windows treats it: no folder fsync (EPERM there), owner-only files and
// folders, one writer per spool (the app and a CLI agent on the same office config), and the tmp
// files of a crashed write cleaned when the spool is opened for writing.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fsPlatform, SpoolLockedError, TMP_PREFIX } from '../../platform/fs.js';
import { openSession, type Session } from './session.js';
import { Spool } from './spool.js';

const ROOT = join(import.meta.dirname, '..', '..');
const PKI = join(ROOT, 'fixtures', 'pki');
const posix = process.platform !== 'win32';
const realPlatform = fsPlatform.name;
const open: { close(): void }[] = [];

afterEach(() => {
  fsPlatform.name = realPlatform;
  vi.restoreAllMocks();
  syncBuiltinESMExports();
  for (const o of open.splice(0)) o.close();
});

const scratch = () => fs.mkdtempSync(join(tmpdir(), 'cpl-spoolfiles-'));

/**
 * fsync on a folder fails with EPERM, as on Windows. Named imports of node:fs see the spy too
 * (syncBuiltinESMExports), so no way of calling fsync escapes it.
 */
function refuseFolderFsync(): string[] {
  const attempts: string[] = [];
  const fsync = fs.fsyncSync;
  vi.spyOn(fs, 'fsyncSync').mockImplementation((fd: number) => {
    if (fs.fstatSync(fd).isDirectory()) {
      attempts.push(String(fd));
      throw Object.assign(new Error('EPERM: operation not permitted, fsync'), { code: 'EPERM' });
    }
    return fsync(fd);
  });
  syncBuiltinESMExports();
  return attempts;
}

describe('the spool on Windows', () => {
  it('writes and moves records without fsyncing a folder (Windows refuses it with EPERM)', () => {
    const attempts = refuseFolderFsync();
    fsPlatform.name = 'win32';
    const spool = new Spool(scratch());
    spool.write('outbox', 'm1.cms', 'envelope');
    spool.write('outbox', 'm1.json', '{"messageId":"m1"}');
    spool.writePartner('1310000029', 'PEM');
    spool.move('outbox', 'sent', ['m1.cms', 'm1.json']);
    expect(spool.list('sent')).toEqual(['m1']);
    expect(spool.read('sent', 'm1.cms').toString()).toBe('envelope');
    expect(attempts).toEqual([]);
  });

  it('keeps its files owner-only (0600) and its folders 0700', () => {
    const root = join(scratch(), 'spool');
    const spool = new Spool(root);
    spool.write('quarantine', 'q.json', '{}');
    if (posix) {
      expect(fs.statSync(spool.path('quarantine', 'q.json')).mode & 0o777).toBe(0o600);
      for (const d of [root, spool.dir('quarantine'), spool.tmp]) expect(fs.statSync(d).mode & 0o777).toBe(0o700);
    }
  });
});

describe('one writer per spool', () => {
  it('refuses a second writer, naming the first; a reader is fine; free again after close', () => {
    const root = scratch();
    const first = Spool.openForWriting(root, 'app');
    open.push(first);
    expect(() => Spool.openForWriting(root, 'agent')).toThrow(SpoolLockedError);
    expect(() => Spool.openForWriting(root, 'agent')).toThrow(/app, PID/);
    expect(new Spool(root).list('outbox')).toEqual([]);
    first.close();
    open.push(Spool.openForWriting(root, 'agent'));
  });

  it('cleans what a crashed write left in tmp/ when opened for writing, and nothing else', () => {
    const root = scratch();
    const spool = new Spool(root);
    const old = new Date(Date.now() - 60 * 60_000);
    for (const name of [`${TMP_PREFIX}123-crashed`, '4242-1764580000000-k3j5x9a', 'keep.txt']) {
      fs.writeFileSync(join(spool.tmp, name), 'x');
      fs.utimesSync(join(spool.tmp, name), old, old);
    }
    spool.write('outbox', 'm1.json', '{}');
    open.push(Spool.openForWriting(root, 'cli'));
    expect(fs.readdirSync(spool.tmp)).toEqual(['keep.txt']);
    expect(spool.list('outbox')).toEqual(['m1']);
  });

  it('the app and a CLI agent opening the same office config: the second is refused until the first closes', () => {
    const dir = scratch();
    for (const f of ['export', 'import', 'spool']) fs.mkdirSync(join(dir, f));
    const config = join(dir, 'office.json');
    fs.writeFileSync(config, JSON.stringify({ office: '1310000011', serviceType: '43', p12: join(PKI, 'care-manager.p12'), passwordEnv: 'CPL_PW', relay: 'https://127.0.0.1:1', trust: [join(PKI, 'ca.pem')], folders: { export: 'export', import: 'import', spool: 'spool' } }));
    const env = { CPL_PW: 'test-password' };
    const app: Session = openSession(config, env, 'app');
    open.push(app);
    let refused: unknown;
    try {
      open.push(openSession(config, env, 'agent'));
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(SpoolLockedError);
    expect((refused as SpoolLockedError).code).toBe('SPOOL_LOCKED');
    expect((refused as SpoolLockedError).ja).toContain(`この事業所のデータは別のプログラム（app, PID ${process.pid}`);
    // Reading commands (status, offices) do not write the spool and are not refused.
    open.push(openSession(config, env, null));
    app.close();
    open.splice(open.indexOf(app), 1);
    open.push(openSession(config, env, 'agent'));
  });
});

describe('moving many entries at once (a flush: outbox → sent/, failed/)', () => {
  it('moves entries side by side, each entry data first and record last; a file gone already is skipped', async () => {
    const spool = new Spool(scratch());
    const ids = Array.from({ length: 20 }, (_, i) => `m${i}`);
    for (const id of ids) {
      spool.write('outbox', `${id}.cms`, `envelope ${id}`);
      spool.write('outbox', `${id}.json`, `{"messageId":"${id}"}`);
    }
    // m3 moved before a crash: its files are in sent/ already.
    spool.move('outbox', 'sent', ['m3.cms', 'm3.json']);
    const rename = fs.promises.rename;
    const order: string[] = [];
    let inFlight = 0;
    let most = 0;
    vi.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
      order.push(String(from).split(/[\\/]/).pop()!);
      most = Math.max(most, ++inFlight);
      try {
        await rename(from, to);
      } finally {
        inFlight--;
      }
    });
    await spool.moveBatch([{ from: 'outbox', to: 'sent', names: ids.flatMap((id) => [`${id}.cms`, `${id}.json`]) }]);
    expect(spool.list('outbox')).toEqual([]);
    expect(spool.list('sent')).toEqual([...ids].sort());
    expect(spool.read('sent', 'm7.cms').toString()).toBe('envelope m7');
    for (const id of ids.filter((i) => i !== 'm3')) expect(order.indexOf(`${id}.cms`)).toBeLessThan(order.indexOf(`${id}.json`));
    // Not one rename after the other (nor a look before each).
    expect(most).toBeGreaterThan(1);
  });
});
