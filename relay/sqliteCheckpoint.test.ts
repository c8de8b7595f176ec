// The SQLite relay's log is copied into its database file by a worker thread, never by a commit on
// the event loop (relay/sqliteCheckpoint.ts).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageMeta } from '../shared/protocol/index.js';
import { WalCheckpointer } from './sqliteCheckpoint.js';
import { SqliteStore } from './sqliteStore.js';
import { until } from './testSupport.js';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

const scratch = () => mkdtempSync(join(tmpdir(), 'cpl-checkpoint-'));
/** Bytes no page of SQLite's own would hold by chance, short enough to lie whole in one page. */
const pattern = (n: number) => Buffer.from(`payload-${n}-`.repeat(50));

describe('WAL checkpoints on a worker thread', () => {
  it('copies every committed frame of the log into the database file, and the writer restarts the log after it', async () => {
    const file = join(scratch(), 'relay.sqlite');
    const db = new Database(file);
    cleanup.push(() => db.close());
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (data BLOB NOT NULL)');
    for (let i = 0; i < 20; i++) db.prepare('INSERT INTO t (data) VALUES (?)').run(pattern(i));
    // Only in the log so far: this connection never checkpoints.
    expect(readFileSync(file).includes(pattern(7))).toBe(false);
    const cp = new WalCheckpointer(file, (e) => {
      throw e;
    });
    cleanup.push(() => cp.close());
    const r = await cp.run();
    expect(r.log).toBeGreaterThan(0);
    expect(r.checkpointed).toBe(r.log);
    expect(readFileSync(file).includes(pattern(7))).toBe(true);
    // All of it was copied: the next write starts the log again from its first frame.
    db.prepare('INSERT INTO t (data) VALUES (?)').run(pattern(99));
    const again = await cp.run();
    expect(again.log).toBeLessThan(r.log);
    expect(again.checkpointed).toBe(again.log);
    expect((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(21);
  });

  it('reports a worker that cannot open the database, so that the store checkpoints as SQLite does', async () => {
    const failed = await new Promise<Error>((resolve) => new WalCheckpointer(join(scratch(), 'missing', 'relay.sqlite'), resolve));
    expect(failed.message).toMatch(/directory does not exist|unable to open/i);
  });

  it('checkpoints a SQLite store after its writes, without waiting for it to close', async () => {
    const dir = scratch();
    const store = new SqliteStore(dir);
    cleanup.push(() => store.close());
    await store.ready();
    const meta = (messageId: string, size: number): MessageMeta => ({ messageId, sender: { office: '1310000011', serviceType: '43' }, receiver: { office: '1310000029', serviceType: '11' }, sequence: '20250425120002', month: '202504', kinds: ['UPPLAN'], files: ['UPPLAN.CSV'], size, sha256: '0'.repeat(64) });
    const units = [1, 2, 3].map((i) => pattern(i));
    await store.putMessages(units.map((p, i) => ({ meta: meta(`cp-${i}`, p.length), payload: p, audit: { office: '1310000011', action: 'submit', messageId: `cp-${i}`, detail: null } })), new Date());
    // A few pages: SQLite's own checkpoint (at 1000) would not have run before the close.
    await until(() => readFileSync(join(dir, 'relay.sqlite')).includes(units[2]!), 'the units in the database file');
    expect((await store.readPayload('cp-2')).equals(units[2]!)).toBe(true);
  });
});
