// The relay in-process, against real TLS: who may see what, what is refused, what is stored.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { request } from 'node:https';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptCms, seal } from '../pki/cms.js';
import { loadPkcs12, type OfficeIdentity } from '../pki/pkcs12.js';
import { packBundle, sha256 } from '../client/transport/bundle.js';
import { makeReceipt } from '../client/transport/receipts.js';
import { RelayClient, RelayError } from '../client/transport/relayClient.js';
import { startRelay, type RunningRelay } from './server.js';
import type { RelayStore } from './store.js';
import { BACKENDS, openTestStore, queryTestDatabase, sqliteRows, type TestStore } from './testSupport.js';

const PKI = join(import.meta.dirname, '..', 'fixtures', 'pki');
const pem = (f: string) => readFileSync(join(PKI, f), 'utf8');
const id = (name: string) => loadPkcs12(readFileSync(join(PKI, `${name}.p12`)), 'test-password', { requireUsable: false });

const CSV = Buffer.from('202407,131010,1000000000,20250401,202504,1310000011,"山田　花子"\r\n', 'utf8');
const header = (messageId: string, sender = '1310000011', receiver = '1310000029') => ({
  messageId,
  sender: { office: sender, serviceType: '43' },
  receiver: { office: receiver, serviceType: '11' },
  sequence: '20250425120002',
  month: '202504',
  kinds: ['UPPLAN'],
  files: ['UPPLAN_202504_1310000011_43_1310000029_11_20250425120002.CSV'],
});

async function envelopeFor(from: OfficeIdentity, to: OfficeIdentity, messageId: string): Promise<Buffer> {
  const h = header(messageId, from.officeNumber, to.officeNumber);
  return seal(packBundle({ ...h }, [{ name: h.files[0]!, data: CSV }]), from, to.certificate);
}

async function expectRelayError(p: Promise<unknown>, status: number, code: string): Promise<void> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(RelayError);
  expect({ status: (e as RelayError).status, code: (e as RelayError).code }).toEqual({ status, code });
}

describe.each(BACKENDS)('relay (%s)', (backend) => {
  let relay: RunningRelay;
  let t: TestStore;
  let store: RelayStore;
  let dataDir: string;
  let manager: OfficeIdentity, provider: OfficeIdentity, third: OfficeIdentity;
  let cm: RelayClient, hh: RelayClient, other: RelayClient;
  const clock = { now: new Date() };

  beforeAll(async () => {
    t = await openTestStore(backend);
    ({ store, dataDir } = t);
    relay = await startRelay({
      store,
      port: 0,
      tls: { key: pem('relay-server.key.pem'), cert: pem('relay-server.pem'), clientCa: pem('ca.pem') },
      maxUnitBytes: 64 * 1024,
      rate: { requests: 1000, perMs: 60_000 },
      now: () => clock.now,
    });
    [manager, provider, third] = [id('care-manager'), id('home-help'), id('third-office')];
    const client = (i: OfficeIdentity) => new RelayClient({ url: relay.url, identity: i, trustPem: pem('ca.pem') });
    [cm, hh, other] = [client(manager), client(provider), client(third)];
    for (const c of [cm, hh, other]) await c.health();
  });

  afterAll(async () => {
    for (const c of [cm, hh, other]) c.close();
    await relay.close();
    await t.dispose();
  });

  it('takes the office number from the certificate and lists offices in the directory', async () => {
    expect((await hh.health()).office).toBe('1310000029');
    await hh.updateMe({ name: 'ひまわり訪問介護ステーション', serviceTypes: ['11'] });
    const { offices } = await cm.directory({ type: '11' });
    expect(offices.map((o) => [o.office, o.name])).toEqual([['1310000029', 'ひまわり訪問介護ステーション']]);
    expect(offices[0]!.certificate).toContain('BEGIN CERTIFICATE');
    expect((await cm.directory({ q: 'ひまわり' })).offices).toHaveLength(1);
  });

  it('accepts a unit once: a retry with the same id returns the same message, other bytes conflict', async () => {
    const env = await envelopeFor(manager, provider, 'idem-0001');
    const meta = { ...header('idem-0001'), sha256: sha256(env) };
    const first = await cm.submit(meta, env);
    expect(first.duplicate).toBe(false);
    expect(first.message.status).toBe('queued');
    const again = await cm.submit(meta, env);
    expect(again.duplicate).toBe(true);
    expect(again.message.cursor).toBe(first.message.cursor);
    const other = await envelopeFor(manager, provider, 'idem-0001');
    await expectRelayError(cm.submit({ ...meta, sha256: sha256(other) }, other), 409, 'id_conflict');
    expect((await hh.inbox()).messages.filter((m) => m.messageId === 'idem-0001')).toHaveLength(1);
  });

  it('keeps messages private: another office cannot list, read, download or acknowledge them', async () => {
    const env = await envelopeFor(manager, provider, 'private-01');
    await cm.submit({ ...header('private-01'), sha256: sha256(env) }, env);
    expect((await other.inbox()).messages).toEqual([]);
    expect((await other.outbox()).messages).toEqual([]);
    await expectRelayError(other.message('private-01'), 404, 'not_found');
    await expectRelayError(other.download('private-01'), 404, 'not_found');
    const r = makeReceipt(third, { messageId: 'private-01', sha256: sha256(env), disposition: 'received', reason: null });
    await expectRelayError(other.receipt('private-01', r.statement, r.signature), 404, 'not_found');
    // The sender may read its own message but not download the payload meant for the receiver.
    expect((await cm.message('private-01')).status).toBe('queued');
    await expectRelayError(cm.download('private-01'), 404, 'not_found');
  });

  it('refuses a forged sender, oversize and malformed submissions, with clear errors', async () => {
    const env = await envelopeFor(third, provider, 'forged-01');
    await expectRelayError(other.submit({ ...header('forged-01', '1310000011'), sha256: sha256(env) }, env), 403, 'forged_sender');
    const big = await encryptCms(Buffer.alloc(80 * 1024, 1), provider.certificate);
    await expectRelayError(cm.submit({ ...header('big-0001'), sha256: sha256(big) }, big), 413, 'too_large');
    const plain = Buffer.from('202407,131010,...plain CSV');
    await expectRelayError(cm.submit({ ...header('plain-01'), sha256: sha256(plain) }, plain), 400, 'not_encrypted');
    const ok = await envelopeFor(manager, provider, 'digest-01');
    await expectRelayError(cm.submit({ ...header('digest-01'), sha256: '0'.repeat(64) }, ok), 400, 'digest_mismatch');
    await expectRelayError(cm.submit({ ...header('bad id!'), sha256: sha256(ok) }, ok), 400, 'bad_message_id');
    await expectRelayError(cm.submit({ ...header('badmeta-1'), sequence: '2025', sha256: sha256(ok) }, ok), 400, 'bad_meta');
    await expectRelayError(cm.submit({ ...header('unknown-1', '1310000011', '9999999999'), sha256: sha256(ok) }, ok), 404, 'unknown_receiver');
    const e = await cm.submit({ ...header('big-0002'), sha256: sha256(big) }, big).catch((x: RelayError) => x);
    expect((e as RelayError).ja).toContain('大きすぎます');
    const audit = (await store.auditEvents()).map((a) => a.action);
    expect(audit).toContain('refused-forged-sender');
    expect(audit).toEqual(expect.arrayContaining(['refused-too_large', 'refused-not_encrypted', 'refused-digest_mismatch', 'refused-bad_meta', 'refused-unknown_receiver']));
  });

  it('stores only ciphertext', async () => {
    const env = await envelopeFor(manager, provider, 'cipher-01');
    await cm.submit({ ...header('cipher-01'), sha256: sha256(env) }, env);
    const stored = await store.readPayload('cipher-01');
    expect(stored.equals(env)).toBe(true);
    expect(pkijs.ContentInfo.fromBER(stored).contentType).toBe('1.2.840.113549.1.7.3');
    if (backend === 'sqlite') {
      // Every file the relay keeps: the database and its log (a small unit's bytes are in them) and
      // any segment file. The ciphertext is there; the plaintext is nowhere.
      const files = [...readdirSync(dataDir).filter((f) => f.startsWith('relay.sqlite')).map((f) => join(dataDir, f)), ...readdirSync(join(dataDir, 'payloads')).map((f) => join(dataDir, 'payloads', f))];
      expect(files.map((f) => readFileSync(f)).some((bytes) => bytes.includes(env))).toBe(true);
      for (const f of files) {
        const bytes = readFileSync(f);
        expect(bytes.includes(Buffer.from('山田'))).toBe(false);
        expect(bytes.includes(Buffer.from('202407,131010'))).toBe(false);
      }
    } else {
      // Every byte the database holds for the relay, payloads included: no plaintext anywhere.
      const chunks = await queryTestDatabase<{ data: Buffer }>(t.databaseUrl!, 'SELECT data FROM payload_chunks');
      expect(chunks.length).toBeGreaterThan(0);
      for (const { data } of chunks) {
        expect(data.includes(Buffer.from('山田'))).toBe(false);
        expect(data.includes(Buffer.from('202407,131010'))).toBe(false);
      }
      const rows = await queryTestDatabase<{ t: string }>(t.databaseUrl!, `SELECT concat_ws(' ', m::text, (SELECT string_agg(r::text, ' ') FROM receipts r), (SELECT string_agg(a::text, ' ') FROM audit a)) AS t FROM messages m`);
      for (const r of rows) expect(r.t.includes('山田')).toBe(false);
      // Nothing of it on local disk.
      expect(readdirSync(dataDir)).toEqual([]);
    }
  });

  it('moves a message queued → delivered → received → imported with verified, signed receipts', async () => {
    const env = await envelopeFor(manager, provider, 'flow-0001');
    await cm.submit({ ...header('flow-0001'), sha256: sha256(env) }, env);
    const dl = await hh.download('flow-0001');
    expect(dl.payload.equals(env)).toBe(true);
    expect((await cm.message('flow-0001')).status).toBe('delivered');
    // A receipt about other bytes, or signed by someone else, is refused.
    const wrongHash = makeReceipt(provider, { messageId: 'flow-0001', sha256: '1'.repeat(64), disposition: 'received', reason: null });
    await expectRelayError(hh.receipt('flow-0001', wrongHash.statement, wrongHash.signature), 400, 'receipt_digest');
    const good = makeReceipt(provider, { messageId: 'flow-0001', sha256: sha256(env), disposition: 'received', reason: null });
    const byThird = makeReceipt(third, { messageId: 'flow-0001', sha256: sha256(env), disposition: 'received', reason: null });
    await expectRelayError(hh.receipt('flow-0001', good.statement, byThird.signature), 400, 'receipt_signature');
    expect((await hh.receipt('flow-0001', good.statement, good.signature)).status).toBe('received');
    expect((await hh.receipt('flow-0001', good.statement, good.signature)).receipts).toHaveLength(1);
    const done = makeReceipt(provider, { messageId: 'flow-0001', sha256: sha256(env), disposition: 'imported', reason: null });
    const m = await hh.receipt('flow-0001', done.statement, done.signature);
    expect(m.status).toBe('imported');
    expect((await cm.outbox()).messages.find((x) => x.messageId === 'flow-0001')!.receipts.map((r) => r.disposition)).toEqual(['received', 'imported']);
    expect((await hh.inbox()).messages.some((x) => x.messageId === 'flow-0001')).toBe(false);
    const actions = (await store.auditEvents()).filter((a) => a.messageId === 'flow-0001').map((a) => a.action);
    expect(actions).toEqual(['submit', 'download', 'receipt-received', 'receipt-imported']);
  });

  it('purges messages past the retention period, payload files included', async () => {
    const env = await envelopeFor(manager, provider, 'old-00001');
    await cm.submit({ ...header('old-00001'), sha256: sha256(env) }, env);
    // SQLite: segment files and the bytes of small units in message_payloads (read through a connection of our own).
    const payloads = async () => (backend === 'sqlite' ? [...readdirSync(join(dataDir, 'payloads')), ...sqliteRows(join(dataDir, 'relay.sqlite'), 'SELECT cursor FROM message_payloads')] : (await queryTestDatabase<{ id: number }>(t.databaseUrl!, 'SELECT id FROM payloads')).map((r) => String(r.id)));
    const before = await payloads();
    clock.now = new Date(Date.now() + 91 * 86_400_000);
    const purged = await relay.purge();
    clock.now = new Date();
    expect(purged).toContain('old-00001');
    // Every message so far is older than the cutoff: every segment file (every payload row) is gone.
    expect(before.length).toBeGreaterThan(0);
    expect(await payloads()).toEqual([]);
    await expectRelayError(cm.message('old-00001'), 404, 'not_found');
    expect((await store.auditEvents()).some((a) => a.action === 'purge')).toBe(true);
  });
});

describe.each(BACKENDS)('relay TLS and limits (%s)', (backend) => {
  let relay: RunningRelay;
  let t: TestStore;
  let store: RelayStore;

  beforeAll(async () => {
    t = await openTestStore(backend);
    store = t.store;
    relay = await startRelay({ store, port: 0, tls: { key: pem('relay-server.key.pem'), cert: pem('relay-server.pem'), clientCa: pem('ca.pem') }, rate: { requests: 3, perMs: 60_000 } });
  });
  afterAll(async () => {
    await relay.close();
    await t.dispose();
  });

  it('refuses a certificate from a foreign CA, and clients without a certificate, at TLS', async () => {
    const foreign = new RelayClient({ url: relay.url, identity: id('foreign'), trustPem: pem('ca.pem') });
    const e = (await foreign.health().catch((x: unknown) => x)) as RelayError;
    foreign.close();
    expect(e).toBeInstanceOf(RelayError);
    expect(['tls', 'refused']).toContain(e.code);
    expect(e.ja).toMatch(/証明書|TLS/);
    // The foreign certificate claims office 1310000011; the relay never got as far as registering it.
    expect(await store.getOffice('1310000011')).toBeUndefined();
    expect(await store.auditEvents()).toEqual([]);
    const anonymous = await new Promise<string>((resolve) => {
      const req = request(`${relay.url}/v1/health`, { ca: pem('ca.pem') }, (res) => resolve(`HTTP ${res.statusCode}`));
      req.on('error', (e) => resolve((e as NodeJS.ErrnoException).code ?? e.message));
      req.end();
    });
    expect(anonymous).not.toMatch(/^HTTP/);
  });

  it('checks the relay certificate against the trust anchors', async () => {
    const c = new RelayClient({ url: relay.url, identity: id('care-manager'), trustPem: pem('foreign-ca.pem') });
    await expectRelayError(c.health(), 0, 'tls');
    c.close();
  });

  it('limits the request rate per office (429 with Retry-After)', async () => {
    const c = new RelayClient({ url: relay.url, identity: id('care-manager'), trustPem: pem('ca.pem') });
    for (let i = 0; i < 3; i++) await c.health();
    const e = (await c.health().catch((x: unknown) => x)) as RelayError;
    expect(e.status).toBe(429);
    expect(e.retryAfterMs).toBeGreaterThan(0);
    expect(e.transient).toBe(true);
    // Another office has its own budget.
    const d = new RelayClient({ url: relay.url, identity: id('home-help'), trustPem: pem('ca.pem') });
    expect((await d.health()).status).toBe('ok');
    c.close();
    d.close();
  });
});

describe('isEnvelopedData', () => {
  it('accepts DER and BER EnvelopedData, refuses plain data, SignedData and truncated input', async () => {
    const { isEnvelopedData } = await import('./server.js');
    const { execFileSync } = await import('node:child_process');
    const berFromPkijs = await encryptCms(Buffer.from('x'), id('home-help').certificate);
    expect(berFromPkijs[1]).toBe(0x80);
    expect(isEnvelopedData(berFromPkijs)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'cpl-der-'));
    const plainFile = join(dir, 'p.txt');
    (await import('node:fs')).writeFileSync(plainFile, 'hello');
    const der = execFileSync('openssl', ['cms', '-encrypt', '-binary', '-aes256', '-outform', 'DER', '-in', plainFile, '-recip', join(PKI, 'home-help.pem')]);
    expect(der[1]).not.toBe(0x80);
    expect(isEnvelopedData(der)).toBe(true);
    expect(isEnvelopedData(der.subarray(0, der.length - 1))).toBe(false);
    expect(isEnvelopedData(Buffer.from('202407,131010,1000000000'))).toBe(false);
    const signed = execFileSync('openssl', ['cms', '-sign', '-binary', '-outform', 'DER', '-in', plainFile, '-signer', join(PKI, 'home-help.pem'), '-inkey', join(PKI, 'home-help.key.pem')]);
    expect(isEnvelopedData(signed)).toBe(false);
  });
});
