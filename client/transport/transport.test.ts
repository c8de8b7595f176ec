// The receiving side against units that a careless or hostile sender could produce: each is
// quarantined with a readable reason, nothing reaches the import folder, the sender sees why.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore, startRelay, type RunningRelay } from '../../relay/index.js';
import forge from 'node-forge';
import { seal } from '../../pki/cms.js';
import { keyPair, makeCert } from '../../pki/testPki.js';
import { loadPkcs12 } from '../../pki/pkcs12.js';
import { packBundle, sha256, type UnitHeader } from './bundle.js';
import { checkReceipt } from './receipts.js';
import { receiveAll } from './receiver.js';
import { flushOutbox, prepareUnits, spoolUnit } from './sender.js';
import { announce, openSession, type Session } from './session.js';

const ROOT = join(import.meta.dirname, '..', '..');
const PKI = join(ROOT, 'fixtures', 'pki');
const VALID = join(ROOT, 'fixtures', 'valid');
const pem = (f: string) => readFileSync(join(PKI, f), 'utf8');
const env = { CPL_PW: 'test-password' };
const ticketFiles = ['UPPLAN', 'UPSIKYU', 'UPHOSOKU'].map((k) => join(VALID, readdirSync(VALID).find((f) => f.startsWith(`${k}_202504_`))!));

function config(dir: string, id: string, office: string, type: string, url: string): string {
  for (const f of ['export', 'import', 'spool']) mkdirSync(join(dir, id, f), { recursive: true });
  const p = join(dir, `${id}.json`);
  writeFileSync(p, JSON.stringify({ office, serviceType: type, p12: join(PKI, `${id}.p12`), passwordEnv: 'CPL_PW', relay: url, trust: [join(PKI, 'ca.pem')], folders: { export: `${id}/export`, import: `${id}/import`, spool: `${id}/spool` } }));
  return p;
}

describe('receiving units that must not be imported', () => {
  let relay: RunningRelay;
  let store: SqliteStore;
  let dir: string;
  let cm: Session, hh: Session, third: Session;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cpl-tr-'));
    store = new SqliteStore(join(dir, 'relay'));
    relay = await startRelay({ store, port: 0, tls: { key: pem('relay-server.key.pem'), cert: pem('relay-server.pem'), clientCa: pem('ca.pem') } });
    cm = openSession(config(dir, 'care-manager', '1310000011', '43', relay.url), env);
    hh = openSession(config(dir, 'home-help', '1310000029', '11', relay.url), env);
    third = openSession(config(dir, 'third-office', '1310000037', '15', relay.url), env);
    for (const s of [cm, hh, third]) await announce(s);
  });
  afterAll(async () => {
    for (const s of [cm, hh, third]) s.close();
    await relay.close();
    store.close();
  });

  async function submitRaw(from: Session, header: UnitHeader, files: { name: string; data: Buffer }[], signer = from.identity) {
    const envelope = await seal(packBundle(header, files), signer, hh.identity.certificate);
    await from.client.submit({ ...header, files: files.map((f) => f.name), sha256: sha256(envelope) }, envelope);
    return envelope;
  }

  const header = (messageId: string, office = '1310000011', type = '43', sequence = '20250425120002'): UnitHeader => ({
    messageId,
    sender: { office, serviceType: type },
    receiver: { office: '1310000029', serviceType: '11' },
    sequence,
    month: '202504',
    kinds: ['UPPLAN', 'UPSIKYU', 'UPHOSOKU'],
  });

  it('imports a good unit, and the spool keeps the envelope and journal as evidence', async () => {
    const { units } = await prepareUnits(ticketFiles, cm);
    expect(units).toHaveLength(1);
    expect((await spoolUnit(units[0]!, cm)).state).toBe('spooled');
    expect((await spoolUnit(units[0]!, cm)).state).toBe('already-spooled');
    expect((await flushOutbox(cm)).accepted).toHaveLength(1);
    const summary = await receiveAll(hh);
    expect(summary.imported).toHaveLength(1);
    expect(readdirSync(join(dir, 'home-help', 'import')).sort()).toEqual(ticketFiles.map((f) => f.split('/').pop()).sort());
  });

  it('quarantines files that fail validation, with the report, and the sender is told', async () => {
    const files = ticketFiles.map((p) => ({ name: p.split('/').pop()!.replace('20250425120002', '20250426090000'), data: readFileSync(p) }));
    files[0]!.data = Buffer.from(files[0]!.data.toString('latin1').replace(/,20250402,/, ',20250532,'), 'latin1');
    const h = header('bad-valid-1', '1310000011', '43', '20250426090000');
    const envelope = await submitRaw(cm, h, files);
    const summary = await receiveAll(hh);
    expect(summary.imported).toEqual([]);
    expect(summary.quarantined).toHaveLength(1);
    expect(summary.quarantined[0]!.reason).toContain('標準仕様に合っていません');
    const reason = readFileSync(join(dir, 'home-help', 'spool', 'quarantine', 'bad-valid-1', '理由.txt'), 'utf8');
    expect(reason).toContain('正しい日付（YYYYMMDD）ではありません: 20250532');
    expect(readdirSync(join(dir, 'home-help', 'import')).some((n) => n.includes('20250426090000'))).toBe(false);
    const m = (await cm.client.outbox()).messages.find((x) => x.messageId === 'bad-valid-1')!;
    expect(m.status).toBe('quarantined');
    const receipt = m.receipts.find((r) => r.disposition === 'quarantined')!;
    expect(receipt.reason).toContain('標準仕様');
    expect(checkReceipt(receipt, { messageId: 'bad-valid-1', sha256: sha256(envelope), receiver: '1310000029' }, cm.trust).valid).toBe(true);
  });

  it('quarantines a unit signed by another office than the sender', async () => {
    const files = ticketFiles.map((p) => ({ name: p.split('/').pop()!.replace('1310000011_43', '1310000037_15').replace('20250425120002', '20250427090000'), data: readFileSync(p) }));
    await submitRaw(third, header('wrong-signer', '1310000037', '15', '20250427090000'), files, cm.identity);
    const summary = await receiveAll(hh);
    expect(summary.quarantined.map((q) => q.messageId)).toEqual(['wrong-signer']);
    expect(summary.quarantined[0]!.reason).toContain('送信元（1310000037）と違います');
  });

  it('quarantines a unit signed with a certificate from a foreign CA', async () => {
    const foreign = loadPkcs12(readFileSync(join(PKI, 'foreign.p12')), 'test-password');
    const files = ticketFiles.map((p) => ({ name: p.split('/').pop()!.replace('20250425120002', '20250428090000'), data: readFileSync(p) }));
    await submitRaw(cm, header('foreign-sig', '1310000011', '43', '20250428090000'), files, foreign);
    const summary = await receiveAll(hh);
    expect(summary.quarantined.map((q) => q.messageId)).toEqual(['foreign-sig']);
    expect(summary.quarantined[0]!.reason).toContain('発行元が信頼されていません');
  });

  it('quarantines a unit signed by a second, CA-issued certificate for the sender that the directory does not hold', async () => {
    const caCert = forge.pki.certificateFromPem(pem('ca.pem'));
    const caKey = forge.pki.privateKeyFromPem(pem('ca.key.pem')) as forge.pki.rsa.PrivateKey;
    const keys = keyPair();
    const now = new Date();
    const twin = makeCert({ cn: '1310000011', org: 'もう一枚の証明書', notBefore: new Date(now.getTime() - 86_400_000), notAfter: new Date(now.getTime() + 86_400_000 * 30), serial: '7f01', eku: ['clientAuth', 'emailProtection'] }, keys.publicKey, { cert: caCert, key: caKey });
    const p12 = Buffer.from(forge.asn1.toDer(forge.pkcs12.toPkcs12Asn1(keys.privateKey, [twin, caCert], 'pw', { algorithm: 'aes256' })).getBytes(), 'binary');
    const twinIdentity = loadPkcs12(p12, 'pw');
    const files = ticketFiles.map((p) => ({ name: p.split('/').pop()!.replace('20250425120002', '20250430090000'), data: readFileSync(p) }));
    await submitRaw(cm, header('twin-cert', '1310000011', '43', '20250430090000'), files, twinIdentity);
    const summary = await receiveAll(hh);
    expect(summary.quarantined.map((q) => q.messageId)).toEqual(['twin-cert']);
    expect(summary.quarantined[0]!.reason).toContain('名簿にある送信元の証明書と違います');
  });

  it('quarantines a signed unit whose content claims another sequence than the relay metadata', async () => {
    const files = ticketFiles.map((p) => ({ name: p.split('/').pop()!, data: readFileSync(p) }));
    const h = header('seq-mismatch', '1310000011', '43', '20250429090000');
    const envelope = await seal(packBundle({ ...h, sequence: '20250429100000' }, files), cm.identity, hh.identity.certificate);
    await cm.client.submit({ ...h, files: files.map((f) => f.name), sha256: sha256(envelope) }, envelope);
    const summary = await receiveAll(hh);
    expect(summary.quarantined.map((q) => q.messageId)).toEqual(['seq-mismatch']);
    expect(summary.quarantined[0]!.reason).toContain('一致しません');
  });
});
