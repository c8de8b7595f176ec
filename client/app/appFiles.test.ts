// The app's own files on a Windows PC: the copy of an arrival kept in the archive is durable and
// owner-only, and one the care software still holds is copied at a later refresh instead of failing
// it; the app's folder and its certificate are owner-only; the replaced certificate is moved even while
// antivirus holds it a moment; the history never shows a unit going back from imported to quarantined.
import fs, { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RelayMessage } from '../transport/relayClient.js';
import type { OutboxRecord } from '../transport/sender.js';
import type { Session } from '../transport/session.js';
import type { BackendContext } from './context.js';
import { History } from './history.js';
import type { Partners } from './partners.js';
import { Profile } from './profile.js';
import { Receiving } from './receiving.js';
import type { SpoolRecords } from './spoolRecords.js';

const posix = process.platform !== 'win32';
const mode = (p: string) => statSync(p).mode & 0o777;
const busy = (p: string) => Object.assign(new Error(`EBUSY: resource busy or locked, '${p}'`), { code: 'EBUSY', path: p });

afterEach(() => {
  vi.restoreAllMocks();
  syncBuiltinESMExports();
});

/** Calls of `name` on node:fs whose first path `held` answers true fail with EBUSY (named imports too). */
function hold<K extends 'copyFileSync' | 'renameSync'>(name: K, held: (p: string) => boolean): void {
  const real = fs[name] as (...a: unknown[]) => unknown;
  vi.spyOn(fs, name).mockImplementation(((...a: unknown[]) => {
    if (held(String(a[0]))) throw busy(String(a[0]));
    return real(...a);
  }) as never);
  syncBuiltinESMExports();
}

describe('the archive of arrivals', () => {
  function setup() {
    const root = mkdtempSync(join(tmpdir(), 'cpl-app-files-'));
    const profile = new Profile(join(root, 'app'));
    const importDir = join(root, 'import');
    mkdirSync(importDir);
    const name = 'UPJSK_202504_1310000029_11_1310000011_43_20250425120008.CSV';
    // As the receiver writes it for the care software: readable by any program there.
    writeFileSync(join(importDir, name), 'actuals', { mode: 0o644 });
    chmodSync(join(importDir, name), 0o644);
    const receiving = new Receiving({ profile } as unknown as BackendContext, {} as Partners, async () => undefined);
    const s = { config: { folders: { import: importDir } } } as unknown as Session;
    const records = { inbox: () => [{ messageId: 'm-1', importedFiles: [name] }] } as unknown as SpoolRecords;
    return { profile, importDir, name, archive: () => receiving.archiveArrivals(s, records), archived: join(profile.archiveDir('m-1'), name) };
  }

  it('keeps an owner-only copy, written durably', () => {
    const a = setup();
    a.archive();
    expect(readFileSync(a.archived, 'utf8')).toBe('actuals');
    if (posix) expect(mode(a.archived)).toBe(0o600);
    if (posix) expect(mode(join(a.profile.root, 'archive'))).toBe(0o700);
  });

  it('copies a file the care software still holds at a later refresh, without failing this one', () => {
    const a = setup();
    hold('copyFileSync', (p) => p === join(a.importDir, a.name));
    expect(() => a.archive()).not.toThrow();
    expect(fs.existsSync(a.archived)).toBe(false);
    vi.restoreAllMocks();
    syncBuiltinESMExports();
    a.archive();
    expect(readFileSync(a.archived, 'utf8')).toBe('actuals');
  });
});

describe('the app folder and its certificate', () => {
  it('are owner-only, also when an older version left them readable by others', () => {
    if (!posix) return;
    const root = join(mkdtempSync(join(tmpdir(), 'cpl-app-files-')), 'app');
    mkdirSync(root, { mode: 0o755 });
    chmodSync(root, 0o755);
    writeFileSync(join(root, 'office.p12'), 'p12', { mode: 0o644 });
    chmodSync(join(root, 'office.p12'), 0o644);
    const p = new Profile(root);
    expect(mode(root)).toBe(0o700);
    expect(mode(p.p12Path)).toBe(0o600);
    p.writeOffice({ office: '1310000011', serviceType: '43', name: 'x', relayUrl: 'https://relay.example', exportDir: '/e', importDir: '/i', autoSend: true, pollSeconds: 60 }, Buffer.from('new'), 'pem');
    expect(mode(p.p12Path)).toBe(0o600);
  });

  it('moves the replaced certificate to retired/ while antivirus holds it a moment', () => {
    const p = new Profile(join(mkdtempSync(join(tmpdir(), 'cpl-app-files-')), 'app'));
    writeFileSync(p.p12Path, 'old');
    let refusals = 0;
    hold('renameSync', (from) => from === p.p12Path && refusals++ < 2);
    const retired = p.retireCertificate('AB:CD:EF', new Date(2026, 11, 1));
    expect(refusals).toBe(3);
    expect(readFileSync(retired!, 'utf8')).toBe('old');
    if (posix) expect(mode(join(p.root, 'retired'))).toBe(0o700);
  });
});

describe('the history of what we sent', () => {
  const id = 'message-0001';
  const record: OutboxRecord = {
    messageId: id,
    header: { messageId: id, sender: { office: '1310000011', serviceType: '43' }, receiver: { office: '1310000029', serviceType: '11' }, sequence: '20250425120002', month: '202504', kinds: ['UPPLAN'] },
    files: ['UPPLAN_x.CSV'],
    size: 10,
    sha256: 'a'.repeat(64),
    createdAt: '2026-12-01T00:00:00.000Z',
    attempts: 1,
    lastError: null,
    acceptedAt: '2026-12-01T00:00:01.000Z',
  };
  const message = (status: RelayMessage['status']): RelayMessage => ({
    messageId: id,
    cursor: 1,
    sender: record.header.sender,
    receiver: record.header.receiver,
    sequence: record.header.sequence,
    month: record.header.month,
    kinds: record.header.kinds,
    files: record.files,
    size: record.size,
    sha256: record.sha256,
    status,
    createdAt: record.acceptedAt!,
    deliveredAt: status === 'queued' ? null : record.acceptedAt!,
    receipts: [],
  });

  it('never goes back from imported to quarantined, nor from received to delivered', async () => {
    const profile = new Profile(mkdtempSync(join(tmpdir(), 'cpl-app-files-')));
    const history = new History({ profile } as unknown as BackendContext, { nameOf: () => null } as unknown as Partners);
    const answers: RelayMessage['status'][] = ['received', 'delivered', 'imported', 'quarantined'];
    // The spool is empty: nothing went on paper (the history reads those units from it too).
    const s = { client: { message: async () => message(answers.shift()!) }, spool: { root: mkdtempSync(join(tmpdir(), 'cpl-app-spool-')) } } as unknown as Session;
    const records = { outbox: (state: string) => (state === 'sent' ? [record] : []), inbox: () => [] } as unknown as SpoolRecords;
    const shown = () => history.entries(s, records, {})[0]!.status;
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      await history.refreshRelayStatus(s, records);
      seen.push(shown());
    }
    expect(seen).toEqual(['received', 'received', 'imported', 'imported']);
    // What is kept for the next start says the same.
    expect(new History({ profile } as unknown as BackendContext, { nameOf: () => null } as unknown as Partners).entries(s, records, {})[0]!.status).toBe('imported');
  });
});
