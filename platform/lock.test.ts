// One writer per spool: a second writer is refused with the holder named; a dead holder's lock is
// taken over. Uses a real second process, so the liveness check is the real one.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock, LOCK_FILE, SpoolLockedError, type HeldLock } from './lock.js';

const scratch = () => fs.mkdtempSync(join(tmpdir(), 'cpl-lock-'));
const held: HeldLock[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const h of held.splice(0)) h.release();
  for (const c of children.splice(0)) c.kill();
});

function refusal(fn: () => unknown): SpoolLockedError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SpoolLockedError) return e;
    throw e;
  }
  throw new Error('the second writer was let in');
}

/** A lock file as another program on this machine would have left it. */
function lockAs(dir: string, pid: number, app = 'agent', startedAt = new Date(2026, 11, 1, 10, 15).toISOString()): void {
  fs.writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ app, pid, startedAt, host: hostname(), token: 'theirs' }));
}

describe('acquireLock', () => {
  it('refuses a second writer in the same process, naming the holder; free again after release', () => {
    const dir = scratch();
    const first = acquireLock(dir, { app: 'app', startedAt: new Date(2026, 11, 1, 9, 5).toISOString() });
    const e = refusal(() => acquireLock(dir, { app: 'cli' }));
    expect(e.code).toBe('SPOOL_LOCKED');
    expect(e.holder).toMatchObject({ app: 'app', pid: process.pid });
    expect(e.ja).toContain(`この事業所のデータは別のプログラム（app, PID ${process.pid}, 12/01 09:05 から）が使っています`);
    expect(e.en).toContain(`(app, PID ${process.pid}, since 12/01 09:05)`);
    expect(e.hint?.ja).toContain('終了');
    first.release();
    first.release();
    expect(fs.existsSync(join(dir, LOCK_FILE))).toBe(false);
    held.push(acquireLock(dir, { app: 'cli' }));
  });

  it('refuses while another live process holds it, and takes it over once that process is gone', async () => {
    const dir = scratch();
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(other);
    await new Promise((r) => other.once('spawn', r));
    lockAs(dir, other.pid!);
    const e = refusal(() => acquireLock(dir, { app: 'app' }));
    expect(e.holder).toMatchObject({ app: 'agent', pid: other.pid });
    expect(e.ja).toContain(`（agent, PID ${other.pid}, 12/01 10:15 から）`);

    const exited = new Promise((r) => other.once('exit', r));
    other.kill();
    await exited;
    const mine = acquireLock(dir, { app: 'app' });
    held.push(mine);
    expect(JSON.parse(fs.readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ app: 'app', pid: process.pid });
    expect(fs.readdirSync(dir)).toEqual([LOCK_FILE]);
  });

  it('takes over a lock left by an earlier process that had this same pid', () => {
    const dir = scratch();
    lockAs(dir, process.pid, 'agent');
    held.push(acquireLock(dir, { app: 'cli' }));
    expect(JSON.parse(fs.readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ app: 'cli' });
  });

  it('treats a lock from another machine as live (its process cannot be checked from here)', () => {
    const dir = scratch();
    fs.writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ app: 'agent', pid: 4242, startedAt: new Date().toISOString(), host: 'OTHER-PC', token: 't' }));
    const e = refusal(() => acquireLock(dir, { app: 'app' }, { isAlive: () => false }));
    expect(e.ja).toContain('OTHER-PC');
  });

  it('an unreadable lock is refused while fresh (being written) and taken over when old', () => {
    const dir = scratch();
    fs.writeFileSync(join(dir, LOCK_FILE), '');
    const e = refusal(() => acquireLock(dir, { app: 'app' }));
    expect(e.holder).toBeNull();
    expect(e.ja).toContain('別のプログラムが使っています');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(join(dir, LOCK_FILE), old, old);
    held.push(acquireLock(dir, { app: 'app' }));
  });

  it('release leaves a lock alone that is no longer ours', () => {
    const dir = scratch();
    const mine = acquireLock(dir, { app: 'agent' });
    lockAs(dir, 4242, 'app');
    mine.release();
    expect(JSON.parse(fs.readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: 4242 });
  });
});
