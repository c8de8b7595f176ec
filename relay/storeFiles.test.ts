// The relay's files on disk: payload segments written without a folder fsync on Windows (the app
// embeds the relay on the clerk's PC), owner-only database and payloads, and small units kept in the
// database rather than in files (migration 0003). (Orphans at start: sweepOrphans.)
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fsPlatform } from '../platform/fs.js';
import type { MessageMeta } from '../shared/protocol/index.js';
import { SMALL_UNIT_BYTES } from './sqliteFiles.js';
import { SqliteStore } from './sqliteStore.js';
import { sqliteRows } from './testSupport.js';

const posix = process.platform !== 'win32';
const realPlatform = fsPlatform.name;
const stores: SqliteStore[] = [];
afterEach(() => {
  fsPlatform.name = realPlatform;
  vi.restoreAllMocks();
  syncBuiltinESMExports();
  for (const s of stores.splice(0)) void s.close();
});

const scratch = () => fs.mkdtempSync(join(tmpdir(), 'cpl-storefiles-'));
const open = async (dir: string) => {
  const s = new SqliteStore(dir);
  stores.push(s);
  await s.ready();
  return s;
};

function entry(messageId: string, payload: Buffer) {
  const meta: MessageMeta = { messageId, sender: { office: '1310000011', serviceType: '43' }, receiver: { office: '1310000029', serviceType: '11' }, sequence: '20250425120002', month: '202504', kinds: ['UPPLAN'], files: ['UPPLAN.CSV'], size: payload.length, sha256: '0'.repeat(64) };
  return { meta, payload, audit: { office: '1310000011', action: 'submit', messageId, detail: null } };
}

/** A folder's fsync fails with EPERM, as on Windows; named imports of node:fs/promises see it too. */
function refuseFolderFsync(): string[] {
  const attempts: string[] = [];
  const openFile = fs.promises.open;
  vi.spyOn(fs.promises, 'open').mockImplementation(async (path, flags, mode) => {
    const handle = await openFile(path, flags, mode);
    if ((await handle.stat()).isDirectory()) {
      attempts.push(String(path));
      handle.sync = () => Promise.reject(Object.assign(new Error('EPERM: operation not permitted, fsync'), { code: 'EPERM' }));
    }
    return handle;
  });
  syncBuiltinESMExports();
  return attempts;
}

describe('relay store files', () => {
  it('stores payload segments on Windows without fsyncing the folder', async () => {
    const attempts = refuseFolderFsync();
    fsPlatform.name = 'win32';
    const dir = join(scratch(), 'relay');
    const store = await open(dir);
    const large = Buffer.alloc(SMALL_UNIT_BYTES + 1, 0x32);
    await store.putMessages([entry('m1', Buffer.alloc(SMALL_UNIT_BYTES + 1, 0x31)), entry('m2', large)], new Date());
    expect(fs.readdirSync(join(dir, 'payloads'))).toHaveLength(1);
    expect((await store.readPayload('m2')).equals(large)).toBe(true);
    expect(attempts).toEqual([]);
  });

  it('keeps the database, the payload folder and the segments owner-only', async () => {
    const dir = join(scratch(), 'relay');
    const store = await open(dir);
    await store.putMessages([entry('m1', Buffer.alloc(SMALL_UNIT_BYTES + 1))], new Date());
    const segments = fs.readdirSync(join(dir, 'payloads'));
    expect(segments).toHaveLength(1);
    if (posix) {
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
      expect(fs.statSync(join(dir, 'payloads')).mode & 0o777).toBe(0o700);
      expect(fs.statSync(join(dir, 'relay.sqlite')).mode & 0o777).toBe(0o600);
      expect(fs.statSync(join(dir, 'payloads', segments[0]!)).mode & 0o777).toBe(0o600);
    }
  });
});

/** A unit through the upload path, as the server stores it: streamed in pieces, then committed. */
async function upload(store: SqliteStore, messageId: string, pieces: Buffer[]) {
  const u = await store.openUpload();
  for (const p of pieces) await u.write([p]);
  await u.end();
  const { payload: _payload, ...e } = entry(messageId, Buffer.concat(pieces));
  return (await store.commitUploads([{ ...e, upload: u }], new Date()))[0]!;
}

describe('small units in the database', () => {
  const payloadRows = (dir: string) => sqliteRows(join(dir, 'relay.sqlite'), 'SELECT cursor FROM message_payloads');

  it('keeps a small unit in the database: no segment file, no folder flush, the same bytes after a reopen, gone after a purge', async () => {
    const attempts = refuseFolderFsync();
    const dir = join(scratch(), 'relay');
    const first = await open(dir);
    const unit = Buffer.alloc(SMALL_UNIT_BYTES, 0xa5);
    expect((await upload(first, 'small-1', [unit])).created).toBe(true);
    await first.putMessages([entry('small-2', Buffer.from('二つ目'))], new Date());
    expect(fs.readdirSync(join(dir, 'payloads'))).toEqual([]);
    // Nothing but the log was flushed for it (a folder's fsync would have been refused and recorded).
    expect(attempts).toEqual([]);
    await first.close();
    const second = await open(dir);
    expect((await second.readPayload('small-1')).equals(unit)).toBe(true);
    expect((await second.readPayload('small-2')).toString()).toBe('二つ目');
    expect(payloadRows(dir)).toHaveLength(2);
    expect(await second.sweepOrphans()).toEqual([]);
    expect((await second.purgeBefore(new Date(Date.now() + 60_000))).sort()).toEqual(['small-1', 'small-2']);
    expect(payloadRows(dir)).toEqual([]);
  });

  it('stores a repeated small unit once, and a unit one byte over the limit in a segment file of its own', async () => {
    const dir = join(scratch(), 'relay');
    const store = await open(dir);
    const unit = Buffer.from('once');
    expect((await upload(store, 'again-1', [unit])).created).toBe(true);
    const repeat = await upload(store, 'again-1', [unit]);
    expect(repeat.created).toBe(false);
    expect(payloadRows(dir)).toHaveLength(1);
    // Two pieces: the upload went to a file as it arrived. One piece over the limit goes to a file too.
    const large = Buffer.alloc(SMALL_UNIT_BYTES + 1, 0x4c);
    await upload(store, 'large-1', [large.subarray(0, SMALL_UNIT_BYTES), large.subarray(SMALL_UNIT_BYTES)]);
    await upload(store, 'large-2', [large]);
    expect(fs.readdirSync(join(dir, 'payloads'))).toHaveLength(2);
    expect(payloadRows(dir)).toHaveLength(1);
    expect((await store.readPayload('large-1')).equals(large)).toBe(true);
    expect((await store.readPayload('large-2')).equals(large)).toBe(true);
    expect((await store.readPayload('again-1')).equals(unit)).toBe(true);
  });

  it('serves and purges the segment files of a database from before migration 0003', async () => {
    const dir = join(scratch(), 'relay');
    await (await open(dir)).close();
    // A relay before 0003: no message_payloads, every unit (small ones too) in a segment file.
    const old = new Database(join(dir, 'relay.sqlite'));
    old.exec(`DROP TABLE message_payloads; DELETE FROM kysely_migration WHERE name = '0003-payloads-in-database'`);
    fs.writeFileSync(join(dir, 'payloads', 'old.seg'), 'xxxHELLO', { mode: 0o600 });
    old
      .prepare(`INSERT INTO messages (id, sender_office, sender_type, receiver_office, receiver_type, sequence, month, kinds, files, size, sha256, status, created_at, segment, segment_offset)
        VALUES ('old-1', '1310000011', '43', '1310000029', '11', '20250425120002', '202504', '["UPPLAN"]', '["UPPLAN.CSV"]', 5, ?, 'queued', ?, 'old.seg', 3)`)
      .run('0'.repeat(64), new Date(Date.now() - 1000).toISOString());
    old.close();
    const store = await open(dir);
    expect((await store.readPayload('old-1')).toString()).toBe('HELLO');
    await upload(store, 'new-1', [Buffer.from('new')]);
    expect(fs.readdirSync(join(dir, 'payloads'))).toEqual(['old.seg']);
    expect(await store.sweepOrphans()).toEqual([]);
    expect(await store.purgeBefore(new Date(Date.now() - 500))).toEqual(['old-1']);
    expect(fs.readdirSync(join(dir, 'payloads'))).toEqual([]);
    expect((await store.readPayload('new-1')).toString()).toBe('new');
  });
});
