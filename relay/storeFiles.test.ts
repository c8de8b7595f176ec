// The relay's files on disk: payload segments written without a folder fsync on Windows (the app
// embeds the relay on the clerk's PC), and owner-only database and payloads. (Orphans at start:
// sweepOrphans.)
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fsPlatform } from '../platform/fs.js';
import type { MessageMeta } from '../shared/protocol/index.js';
import { SqliteStore } from './sqliteStore.js';

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
    const store = await open(join(scratch(), 'relay'));
    await store.putMessages([entry('m1', Buffer.from('one')), entry('m2', Buffer.from('二つ目'))], new Date());
    expect((await store.readPayload('m2')).toString()).toBe('二つ目');
    expect(attempts).toEqual([]);
  });

  it('keeps the database, the payload folder and the segments owner-only', async () => {
    const dir = join(scratch(), 'relay');
    const store = await open(dir);
    await store.putMessages([entry('m1', Buffer.from('one'))], new Date());
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
