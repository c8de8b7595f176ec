// Issue 11: 受信側は設定の失効リストで送信元の署名を確かめる。失効した事業所の送信単位は理由を付けて隔離する。
// The receiver checks the sender's signature against the office config's CRLs: a unit signed by a
// revoked office is quarantined with a reason that says so (the relay may not know of it yet).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useExchange } from '../../test/support/exchange.js';
import { receiveAll } from './receiver.js';
import { announce, type Session } from './session.js';
import { crlRevoking, fixturePem, submitUnit, ticket, ticketHeader } from './testOffices.js';

describe('receiving from an office whose certificate the receiver knows to be revoked', () => {
  let cm: Session, hh: Session;
  // The relay holds no list: it lets the revoked office in, as a relay whose list lags behind would.
  const exchange = useExchange('cpl-rcv-crl-', async (x) => {
    const crlPath = join(x.dir, 'ca.crl.pem');
    writeFileSync(crlPath, crlRevoking([fixturePem('care-manager.pem')]));
    cm = x.open('care-manager');
    hh = x.open('home-help', { crl: [crlPath] });
    for (const s of [cm, hh]) await announce(s);
  });

  it('quarantines the unit, says the sender’s certificate is revoked, and tells the sender', async () => {
    const seq = '20250601090000';
    await submitUnit(cm, ticketHeader('from-revoked', seq), ticket(seq), hh.identity.certificate);

    const summary = await receiveAll(hh);
    expect(summary.imported).toEqual([]);
    expect(summary.pending).toEqual([]);
    expect(summary.quarantined.map((q) => q.messageId)).toEqual(['from-revoked']);
    const reason = summary.quarantined[0]!.reason;
    expect(reason).toContain('送信元の証明書は失効しています');
    expect(reason).toContain("The sender's certificate has been revoked");
    expect(readFileSync(join(exchange.dir, 'home-help', 'spool', 'quarantine', 'from-revoked', '理由.txt'), 'utf8')).toContain('送信元の証明書は失効しています');
    expect(readdirSync(join(exchange.dir, 'home-help', 'import')).some((n) => n.includes(seq))).toBe(false);
    const atRelay = (await cm.client.outbox()).messages.find((m) => m.messageId === 'from-revoked');
    expect(atRelay?.status).toBe('quarantined');
  });
});
