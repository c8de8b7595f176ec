// Issue 11: 連携サービスが既に別の最終受領証（取込／隔離）を持っているとき（409 receipt_final）、受信側はそれを
// 完了として扱い、送信単位を未処理のまま残さない。
// When the relay already holds the other final receipt (409 receipt_final), the receiver takes the
// unit as done instead of keeping it pending for ever. Here another PC of the same office gives the
// other final receipt between this PC's download and its own receipt, against the real relay.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useExchange } from '../../test/support/exchange.js';
import type { Disposition } from '../../shared/protocol/index.js';
import { makeReceipt } from './receipts.js';
import { receiveAll } from './receiver.js';
import { withOverrides } from './relayDouble.js';
import type { Session } from './session.js';
import { FIXTURE_PKI, submitUnit, ticket, ticketHeader } from './testOffices.js';

describe('a final receipt the relay already holds the other way (409 receipt_final)', () => {
  let cm: Session, hh: Session, otherPc: Session;
  const exchange = useExchange('cpl-rcpt-final-', async (x) => {
    [cm, hh] = await x.announced('care-manager', 'home-help');
    // The same office on a second PC: same certificate, its own spool and import folder.
    otherPc = x.open('home-help-pc2', { as: 'home-help', p12: join(FIXTURE_PKI, 'home-help.p12') });
  });

  /** Sends the fixture ticket from the care manager under `seq`; the name of its first file. */
  async function submit(messageId: string, seq: string): Promise<string> {
    const files = ticket(seq);
    await submitUnit(cm, ticketHeader(messageId, seq), files, hh.identity.certificate);
    return files[0]!.name;
  }

  it('finishes the unit either way and leaves the relay’s outcome standing', async () => {
    // One unit this PC will quarantine (a different file of that name waits in its import folder)
    // and one it will import; the other PC says the opposite first.
    const blocked = await submit('other-pc-imported', '20250901090000');
    writeFileSync(join(exchange.dir, 'home-help', 'import', blocked), 'another file of that name');
    await submit('other-pc-quarantined', '20250902090000');
    const otherSays: Record<string, Disposition> = { 'other-pc-imported': 'imported', 'other-pc-quarantined': 'quarantined' };
    const thisPc: Session = {
      ...hh,
      client: withOverrides(hh.client, (real) => ({
        download: async (id) => {
          const got = await real.download(id);
          const disposition = otherSays[id]!;
          const { statement, signature } = makeReceipt(otherPc.identity, { messageId: id, sha256: got.sha256, disposition, reason: disposition === 'quarantined' ? '別の PC で隔離 / quarantined on the other PC' : null });
          await otherPc.client.receipt(id, statement, signature);
          return got;
        },
      })),
    };

    const summary = await receiveAll(thisPc);
    expect(summary.pending).toEqual([]);
    expect(summary.quarantined.map((q) => q.messageId)).toEqual(['other-pc-imported']);
    expect(summary.imported.map((m) => m.messageId)).toEqual(['other-pc-quarantined']);
    const spool = join(exchange.dir, 'home-help', 'spool');
    expect(hh.spool.list('inbox')).toEqual([]);
    expect(JSON.parse(readFileSync(join(spool, 'quarantine', 'other-pc-imported.json'), 'utf8')).state).toBe('quarantined');
    expect(JSON.parse(readFileSync(join(spool, 'received', 'other-pc-quarantined.json'), 'utf8')).state).toBe('imported');

    // The relay keeps the first final receipt; nothing is left to retry.
    const outbox = (await cm.client.outbox()).messages;
    expect(outbox.find((m) => m.messageId === 'other-pc-imported')?.status).toBe('imported');
    expect(outbox.find((m) => m.messageId === 'other-pc-quarantined')?.status).toBe('quarantined');
    expect(await receiveAll(hh)).toEqual({ imported: [], quarantined: [], pending: [] });
  });
});
