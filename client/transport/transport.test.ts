// The receiving side against units that a careless or hostile sender could produce: each is
// quarantined with a readable reason, nothing reaches the import folder, the sender sees why.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useExchange } from '../../test/support/exchange.js';
import { seal } from '../../pki/cms.js';
import { loadPkcs12 } from '../../pki/pkcs12.js';
import { TEST_PKI_PASSWORD } from '../../pki/testPki.js';
import { packBundle, sha256, type BundleFile, type UnitHeader } from './bundle.js';
import { checkReceipt } from './receipts.js';
import { receiveAll } from './receiver.js';
import { flushOutbox, prepareUnits, spoolUnit } from './sender.js';
import type { Session } from './session.js';
import { FIXTURE_PKI, issueOffice, submitUnit, ticket, TICKET_FILES } from './testOffices.js';

describe('receiving units that must not be imported', () => {
  let cm: Session, hh: Session, third: Session;
  const exchange = useExchange('cpl-tr-', async (x) => {
    [cm, hh, third] = await x.announced('care-manager', 'home-help', 'third-office');
  });

  const submitRaw = (from: Session, header: UnitHeader, files: BundleFile[], signer = from.identity) => submitUnit(from, header, files, hh.identity.certificate, signer);

  const header = (messageId: string, office = '1310000011', type = '43', sequence = '20250425120002'): UnitHeader => ({
    messageId,
    sender: { office, serviceType: type },
    receiver: { office: '1310000029', serviceType: '11' },
    sequence,
    month: '202504',
    kinds: ['UPPLAN', 'UPSIKYU', 'UPHOSOKU'],
  });

  it('imports a good unit, and the spool keeps the envelope and journal as evidence', async () => {
    const { units } = await prepareUnits(TICKET_FILES, cm);
    expect(units).toHaveLength(1);
    expect((await spoolUnit(units[0]!, cm)).state).toBe('spooled');
    expect((await spoolUnit(units[0]!, cm)).state).toBe('already-spooled');
    expect((await flushOutbox(cm)).accepted).toHaveLength(1);
    const summary = await receiveAll(hh);
    expect(summary.imported).toHaveLength(1);
    expect(readdirSync(join(exchange.dir, 'home-help', 'import')).sort()).toEqual(TICKET_FILES.map((f) => f.split('/').pop()).sort());
  });

  it('quarantines files that fail validation, with the report, and the sender is told', async () => {
    const files = ticket('20250426090000');
    files[0]!.data = Buffer.from(files[0]!.data.toString('latin1').replace(/,20250402,/, ',20250532,'), 'latin1');
    const h = header('bad-valid-1', '1310000011', '43', '20250426090000');
    const envelope = await submitRaw(cm, h, files);
    const summary = await receiveAll(hh);
    expect(summary.imported).toEqual([]);
    expect(summary.quarantined).toHaveLength(1);
    expect(summary.quarantined[0]!.reason).toContain('標準仕様に合っていません');
    const reason = readFileSync(join(exchange.dir, 'home-help', 'spool', 'quarantine', 'bad-valid-1', '理由.txt'), 'utf8');
    expect(reason).toContain('正しい日付（YYYYMMDD）ではありません: 20250532');
    expect(readdirSync(join(exchange.dir, 'home-help', 'import')).some((n) => n.includes('20250426090000'))).toBe(false);
    const m = (await cm.client.outbox()).messages.find((x) => x.messageId === 'bad-valid-1')!;
    expect(m.status).toBe('quarantined');
    const receipt = m.receipts.find((r) => r.disposition === 'quarantined')!;
    expect(receipt.reason).toContain('標準仕様');
    expect(checkReceipt(receipt, { messageId: 'bad-valid-1', sha256: sha256(envelope), receiver: '1310000029' }, cm.trust).valid).toBe(true);
  });

  it('quarantines a unit signed by another office than the sender', async () => {
    const files = ticket('20250427090000').map((f) => ({ ...f, name: f.name.replace('1310000011_43', '1310000037_15') }));
    await submitRaw(third, header('wrong-signer', '1310000037', '15', '20250427090000'), files, cm.identity);
    const summary = await receiveAll(hh);
    expect(summary.quarantined.map((q) => q.messageId)).toEqual(['wrong-signer']);
    expect(summary.quarantined[0]!.reason).toContain('送信元（1310000037）と違います');
  });

  it('quarantines a unit signed with a certificate from a foreign CA', async () => {
    const foreign = loadPkcs12(readFileSync(join(FIXTURE_PKI, 'foreign.p12')), TEST_PKI_PASSWORD);
    await submitRaw(cm, header('foreign-sig', '1310000011', '43', '20250428090000'), ticket('20250428090000'), foreign);
    const summary = await receiveAll(hh);
    expect(summary.quarantined.map((q) => q.messageId)).toEqual(['foreign-sig']);
    expect(summary.quarantined[0]!.reason).toContain('発行元が信頼されていません');
  });

  it('quarantines a unit signed by a second, CA-issued certificate for the sender that the directory does not hold', async () => {
    // The fixture CA's second certificate for the care manager, made now: the directory holds only the first.
    const twinIdentity = loadPkcs12(issueOffice('1310000011', 'もう一枚の証明書').p12, TEST_PKI_PASSWORD);
    await submitRaw(cm, header('twin-cert', '1310000011', '43', '20250430090000'), ticket('20250430090000'), twinIdentity);
    const summary = await receiveAll(hh);
    expect(summary.quarantined.map((q) => q.messageId)).toEqual(['twin-cert']);
    expect(summary.quarantined[0]!.reason).toContain('名簿にある送信元の証明書と違います');
  });

  it('quarantines a signed unit whose content claims another sequence than the relay metadata', async () => {
    const files = ticket('20250425120002');
    const h = header('seq-mismatch', '1310000011', '43', '20250429090000');
    const envelope = await seal(packBundle({ ...h, sequence: '20250429100000' }, files), cm.identity, hh.identity.certificate);
    await cm.client.submit({ ...h, files: files.map((f) => f.name), sha256: sha256(envelope) }, envelope);
    const summary = await receiveAll(hh);
    expect(summary.quarantined.map((q) => q.messageId)).toEqual(['seq-mismatch']);
    expect(summary.quarantined[0]!.reason).toContain('一致しません');
  });
});
