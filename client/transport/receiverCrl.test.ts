// Issue 11: 受信側は設定の失効リストで送信元の署名を確かめる。失効した事業所の送信単位は理由を付けて隔離する。
// The receiver checks the sender's signature against the office config's CRLs: a unit signed by a
// revoked office is quarantined with a reason that says so (the relay may not know of it yet).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore, startRelay, type RunningRelay } from '../../relay/index.js';
import { seal } from '../../pki/cms.js';
import { packBundle, sha256, type UnitHeader } from './bundle.js';
import { receiveAll } from './receiver.js';
import { announce, openSession, type Session } from './session.js';
import { crlRevoking, fixturePem, TEST_ENV, ticket, writeOfficeConfig } from './testOffices.js';

const A = '1310000011';
const B = '1310000029';

describe('receiving from an office whose certificate the receiver knows to be revoked', () => {
  let relay: RunningRelay;
  let store: SqliteStore;
  let dir: string;
  let cm: Session, hh: Session;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cpl-rcv-crl-'));
    store = new SqliteStore(join(dir, 'relay'));
    // The relay holds no list: it lets the revoked office in, as a relay whose list lags behind would.
    relay = await startRelay({ store, port: 0, tls: { key: fixturePem('relay-server.key.pem'), cert: fixturePem('relay-server.pem'), clientCa: fixturePem('ca.pem') } });
    const crlPath = join(dir, 'ca.crl.pem');
    writeFileSync(crlPath, crlRevoking([fixturePem('care-manager.pem')]));
    cm = openSession(writeOfficeConfig(dir, 'care-manager', A, '43', relay.url), TEST_ENV);
    hh = openSession(writeOfficeConfig(dir, 'home-help', B, '11', relay.url, { crl: [crlPath] }), TEST_ENV);
    for (const s of [cm, hh]) await announce(s);
  });
  afterAll(async () => {
    for (const s of [cm, hh]) s.close();
    await relay.close();
    store.close();
  });

  it('quarantines the unit, says the sender’s certificate is revoked, and tells the sender', async () => {
    const seq = '20250601090000';
    const files = ticket(seq);
    const header: UnitHeader = { messageId: 'from-revoked', sender: { office: A, serviceType: '43' }, receiver: { office: B, serviceType: '11' }, sequence: seq, month: '202504', kinds: ['UPHOSOKU', 'UPPLAN', 'UPSIKYU'] };
    const envelope = await seal(packBundle(header, files), cm.identity, hh.identity.certificate);
    await cm.client.submit({ ...header, files: files.map((f) => f.name), sha256: sha256(envelope) }, envelope);

    const summary = await receiveAll(hh);
    expect(summary.imported).toEqual([]);
    expect(summary.pending).toEqual([]);
    expect(summary.quarantined.map((q) => q.messageId)).toEqual(['from-revoked']);
    const reason = summary.quarantined[0]!.reason;
    expect(reason).toContain('送信元の証明書は失効しています');
    expect(reason).toContain("The sender's certificate has been revoked");
    expect(readFileSync(join(dir, 'home-help', 'spool', 'quarantine', 'from-revoked', '理由.txt'), 'utf8')).toContain('送信元の証明書は失効しています');
    expect(readdirSync(join(dir, 'home-help', 'import')).some((n) => n.includes(seq))).toBe(false);
    const atRelay = (await cm.client.outbox()).messages.find((m) => m.messageId === 'from-revoked');
    expect(atRelay?.status).toBe('quarantined');
  });
});
