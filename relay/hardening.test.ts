// Issue 11, relay side: malformed input is a 4xx with an error body (never a 500), bodies must say
// what they are, another office's message id reveals nothing, receipts never move a message back,
// crash leftovers are swept, only client certificates of end entities are offices, display names
// cannot hide tricks, and the largest unit is one documented number.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptCms, seal } from '../pki/cms.js';
import { MAX_UNIT_BYTES } from '../pki/limits.js';
import { loadPkcs12, type OfficeIdentity } from '../pki/pkcs12.js';
import { packBundle } from '../client/transport/bundle.js';
import { makeReceipt } from '../client/transport/receipts.js';
import { MAX_UNIT_CIPHERTEXT_BYTES } from '../shared/protocol/index.js';
import { BACKENDS, FIXTURE_PKI, fixturePem, newTestSchema, queryTestDatabase, rawRequest, startTestRelay, type RawAnswer, type TestRelay } from './testSupport.js';
import { startRelay } from './server.js';
import { openStore } from './store.js';
import { readFileSync } from 'node:fs';

const office = (name: string) => loadPkcs12(readFileSync(join(FIXTURE_PKI, `${name}.p12`)), 'test-password', { requireUsable: false });
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function meta(from: OfficeIdentity, to: OfficeIdentity) {
  return {
    sender: { office: from.officeNumber, serviceType: '43' },
    receiver: { office: to.officeNumber, serviceType: '11' },
    sequence: '20250425120002',
    month: '202504',
    kinds: ['UPPLAN'],
    files: ['UPPLAN.CSV'],
  };
}

async function envelope(from: OfficeIdentity, to: OfficeIdentity, text: string): Promise<Buffer> {
  return seal(packBundle({ messageId: 'x', ...meta(from, to) }, [{ name: 'UPPLAN.CSV', data: Buffer.from(text) }]), from, to.certificate);
}

function submit(t: TestRelay, as: string, id: string, from: OfficeIdentity, to: OfficeIdentity, body: Buffer, contentType: string | null = 'application/cms'): Promise<RawAnswer> {
  return rawRequest(t.relay, {
    as,
    method: 'POST',
    path: '/v1/messages',
    headers: {
      ...(contentType ? { 'content-type': contentType } : {}),
      'careplan-message-id': id,
      'careplan-meta': Buffer.from(JSON.stringify(meta(from, to))).toString('base64url'),
      'careplan-sha256': sha(body),
    },
    body,
  });
}

const code = (a: RawAnswer) => (a.json() as { error?: { code?: string } } | null)?.error?.code;

describe.each(BACKENDS)('relay hardening (issue 11, %s)', (backend) => {
  let t: TestRelay;
  let manager: OfficeIdentity, provider: OfficeIdentity, third: OfficeIdentity;

  beforeAll(async () => {
    t = await startTestRelay({ backend, maxUnitBytes: 256 * 1024 });
    [manager, provider, third] = [office('care-manager'), office('home-help'), office('third-office')];
    for (const who of ['care-manager', 'home-help', 'third-office']) expect((await rawRequest(t.relay, { as: who, path: '/v1/health' })).status).toBe(200);
  });
  afterAll(() => t.close());

  it('answers a malformed percent-encoding in a message id with 400 and an error body, not 500', async () => {
    for (const path of ['/v1/messages/%E0%A4%A', '/v1/messages/%E0%A4%A/payload', '/v1/messages/%ZZ']) {
      const a = await rawRequest(t.relay, { as: 'home-help', path });
      expect({ path, status: a.status, code: code(a) }).toEqual({ path, status: 400, code: 'bad_message_id' });
    }
    const r = await rawRequest(t.relay, { as: 'home-help', method: 'POST', path: '/v1/messages/%E0%A4%A/receipt', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect([r.status, code(r)]).toEqual([400, 'bad_message_id']);
  });

  it('answers every other kind of bad input with a 4xx and an error body', async () => {
    const json = { 'content-type': 'application/json' };
    const cases: [string, Parameters<typeof rawRequest>[1]][] = [
      ['null directory body', { as: 'home-help', method: 'PUT', path: '/v1/directory/me', headers: json, body: 'null' }],
      ['array directory body', { as: 'home-help', method: 'PUT', path: '/v1/directory/me', headers: json, body: '[]' }],
      ['broken directory JSON', { as: 'home-help', method: 'PUT', path: '/v1/directory/me', headers: json, body: '{"name":' }],
      ['bad query encoding', { as: 'home-help', path: '/v1/inbox?after=%E0%A4%A&limit=%ZZ' }],
      ['bad directory query', { as: 'home-help', path: '/v1/directory?q=%E0%A4%A&type=%00' }],
      ['empty id', { as: 'home-help', path: '/v1/messages/' }],
      ['encoded slash', { as: 'home-help', path: '/v1/messages/..%2F..%2Fetc' }],
      ['receipt of nothing', { as: 'home-help', method: 'POST', path: '/v1/messages/nothing-here/receipt', headers: json, body: 'null' }],
      ['unknown method', { as: 'home-help', method: 'DELETE', path: '/v1/messages/nothing-here' }],
      ['garbage meta', { as: 'care-manager', method: 'POST', path: '/v1/messages', headers: { 'content-type': 'application/cms', 'careplan-message-id': 'garbage-01', 'careplan-meta': '!!!', 'careplan-sha256': sha(Buffer.from('x')) }, body: 'x' }],
      ['meta of null', { as: 'care-manager', method: 'POST', path: '/v1/messages', headers: { 'content-type': 'application/cms', 'careplan-message-id': 'garbage-02', 'careplan-meta': Buffer.from('null').toString('base64url'), 'careplan-sha256': sha(Buffer.from('x')) }, body: 'x' }],
    ];
    for (const [what, req] of cases) {
      const a = await rawRequest(t.relay, req);
      // Forgiving reads (queries) answer 200; everything else is a refusal that says why.
      const fine = (a.status >= 200 && a.status < 300) || (a.status >= 400 && a.status < 500 && typeof code(a) === 'string');
      expect({ what, status: a.status, fine }).toEqual({ what, status: a.status, fine: true });
    }
  });

  it('requires Content-Type application/cms on submit and application/json on JSON bodies (415)', async () => {
    const env = await envelope(manager, provider, 'content-type');
    for (const type of [null, 'application/octet-stream', 'text/plain']) {
      const a = await submit(t, 'care-manager', 'ctype-0001', manager, provider, env, type);
      expect({ type, status: a.status, code: code(a) }).toEqual({ type, status: 415, code: 'unsupported_media_type' });
    }
    expect((await submit(t, 'care-manager', 'ctype-0001', manager, provider, env, 'application/cms')).status).toBe(201);
    const put = (type: string | null) => rawRequest(t.relay, { as: 'home-help', method: 'PUT', path: '/v1/directory/me', headers: type ? { 'content-type': type } : {}, body: JSON.stringify({ name: 'ひまわり', serviceTypes: ['11'] }) });
    expect([(await put(null)).status, code(await put('text/plain'))]).toEqual([415, 'unsupported_media_type']);
    expect((await put('application/json; charset=utf-8')).status).toBe(200);
    const receipt = makeReceipt(provider, { messageId: 'ctype-0001', sha256: sha(env), disposition: 'received', reason: null });
    const r = await rawRequest(t.relay, { as: 'home-help', method: 'POST', path: '/v1/messages/ctype-0001/receipt', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ statement: receipt.statement, signature: receipt.signature.toString('base64') }) });
    expect([r.status, code(r)]).toEqual([415, 'unsupported_media_type']);
  });

  it("does not reveal another office's message id: ids are per sender, 409 only for one's own id with other bytes", async () => {
    const mine = await envelope(manager, provider, 'from the manager');
    expect((await submit(t, 'care-manager', 'shared-id-01', manager, provider, mine)).status).toBe(201);
    // Another office using the same id is answered exactly like any new id.
    const theirs = await envelope(third, provider, 'from the third office');
    const other = await submit(t, 'third-office', 'shared-id-01', third, provider, theirs);
    expect(other.status).toBe(201);
    expect((other.json() as { sender: { office: string } }).sender.office).toBe('1310000037');
    expect((await submit(t, 'third-office', 'shared-id-01', third, provider, theirs)).status).toBe(200);
    const again = await envelope(manager, provider, 'other bytes');
    const conflict = await submit(t, 'care-manager', 'shared-id-01', manager, provider, again);
    expect([conflict.status, code(conflict)]).toEqual([409, 'id_conflict']);
    // Each sender reads its own; the receiver gets the first, and the later twin stays out of its inbox.
    const read = async (as: string) => ((await rawRequest(t.relay, { as, path: '/v1/messages/shared-id-01' })).json() as { sender: { office: string } }).sender.office;
    expect([await read('care-manager'), await read('third-office'), await read('home-help')]).toEqual(['1310000011', '1310000037', '1310000011']);
    const inbox = (await rawRequest(t.relay, { as: 'home-help', path: '/v1/inbox?limit=500' })).json() as { messages: { messageId: string; sender: { office: string } }[] };
    expect(inbox.messages.filter((m) => m.messageId === 'shared-id-01').map((m) => m.sender.office)).toEqual(['1310000011']);
    const download = await rawRequest(t.relay, { as: 'home-help', path: '/v1/messages/shared-id-01/payload' });
    expect(download.body.equals(mine)).toBe(true);
  });

  it('never moves a message back: the first final receipt wins, the other final one is refused 409', async () => {
    const env = await envelope(manager, provider, 'final');
    expect((await submit(t, 'care-manager', 'final-0001', manager, provider, env)).status).toBe(201);
    const post = (disposition: 'received' | 'imported' | 'quarantined') => {
      const r = makeReceipt(provider, { messageId: 'final-0001', sha256: sha(env), disposition, reason: disposition === 'quarantined' ? '取り込めません' : null });
      return rawRequest(t.relay, { as: 'home-help', method: 'POST', path: '/v1/messages/final-0001/receipt', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ statement: r.statement, signature: r.signature.toString('base64') }) });
    };
    expect((await post('imported')).status).toBe(201);
    const back = await post('quarantined');
    expect([back.status, code(back)]).toEqual([409, 'receipt_final']);
    expect(((back.json() as { error: { message: string } }).error.message)).toContain('取込済');
    expect((await post('imported')).status).toBe(200);
    // A late "received" is kept as evidence but does not move the status.
    const late = await post('received');
    expect(late.status).toBe(201);
    expect((late.json() as { status: string }).status).toBe('imported');
    const status = ((await rawRequest(t.relay, { as: 'care-manager', path: '/v1/messages/final-0001' })).json() as { status: string; receipts: { disposition: string }[] });
    expect([status.status, status.receipts.map((r) => r.disposition)]).toEqual(['imported', ['imported', 'received']]);
  });

  it('refuses CA certificates and certificates without clientAuth as offices (403)', async () => {
    const make = (cn: string, ca: boolean, eku: boolean) => {
      const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const caCert = forge.pki.certificateFromPem(fixturePem('ca.pem'));
      const cert = forge.pki.createCertificate();
      cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKey.export({ type: 'spki', format: 'pem' }).toString());
      cert.serialNumber = ca ? '7b01' : '7b02';
      cert.validity.notBefore = new Date(Date.now() - 86_400_000);
      cert.validity.notAfter = new Date(Date.now() + 86_400_000 * 30);
      cert.setSubject([{ name: 'commonName', value: cn }]);
      cert.setIssuer(caCert.subject.attributes);
      cert.setExtensions([
        { name: 'basicConstraints', cA: ca, critical: true },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, ...(ca ? { keyCertSign: true } : {}), critical: true },
        ...(eku ? [{ name: 'extKeyUsage', clientAuth: true }] : []),
      ]);
      cert.sign(forge.pki.privateKeyFromPem(fixturePem('ca.key.pem')) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
      return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    };
    const asCa = await rawRequest(t.relay, { as: make('1310000094', true, true), path: '/v1/health' });
    const noEku = await rawRequest(t.relay, { as: make('1310000102', false, false), path: '/v1/health' });
    expect([asCa.status, code(asCa)]).toEqual([403, 'not_client_cert']);
    expect([noEku.status, code(noEku)]).toEqual([403, 'not_client_cert']);
    expect(await t.store.getOffice('1310000094')).toBeUndefined();
    expect(await t.store.getOffice('1310000102')).toBeUndefined();
  });

  it('sanitises display names: no control or bidi characters, trimmed, bounded', async () => {
    const a = await rawRequest(t.relay, { as: 'third-office', method: 'PUT', path: '/v1/directory/me', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: ' さくら\u202Eスビーサイデ\u0007\n  デイ\u2066 ', serviceTypes: ['15'] }) });
    expect(a.status).toBe(200);
    expect((a.json() as { name: string; office: string }).name).toBe('さくらスビーサイデ デイ');
    expect((a.json() as { office: string }).office).toBe('1310000037');
  });

  it('documents one largest unit: the relay refuses a ciphertext over MAX_UNIT_CIPHERTEXT_BYTES by default, and sealing the largest plaintext fits under it', async () => {
    // Sealing adds the signature and certificates (a few KB) and 4 bytes per 1,024 (pki/limits.ts).
    expect(MAX_UNIT_BYTES * (1 + 4 / 1024) + 64 * 1024).toBeLessThan(MAX_UNIT_CIPHERTEXT_BYTES);
    const d = await startTestRelay({ backend });
    try {
      for (const who of ['care-manager', 'home-help']) await rawRequest(d.relay, { as: who, path: '/v1/health' });
      const headers = {
        'content-type': 'application/cms',
        'content-length': String(MAX_UNIT_CIPHERTEXT_BYTES + 1),
        'careplan-message-id': 'too-big-01',
        'careplan-meta': Buffer.from(JSON.stringify(meta(manager, provider))).toString('base64url'),
        'careplan-sha256': '0'.repeat(64),
      };
      const tooBig = await rawRequest(d.relay, { as: 'care-manager', method: 'POST', path: '/v1/messages', headers, body: Buffer.alloc(0) });
      expect([tooBig.status, code(tooBig)]).toEqual([413, 'too_large']);
      expect((tooBig.json() as { error: { messageEn: string } }).error.messageEn).toContain(String(MAX_UNIT_CIPHERTEXT_BYTES));
    } finally {
      await d.close();
    }
  });
});

describe('relay start after a crash', () => {
  it('removes payload segments that no message row points to, and keeps the ones that do', async () => {
    const first = await startTestRelay();
    const manager = office('care-manager');
    const provider = office('home-help');
    for (const who of ['care-manager', 'home-help']) await rawRequest(first.relay, { as: who, path: '/v1/health' });
    // Over 64 KiB: a unit with a segment file of its own (a small one would be in the database).
    const env = await encryptCms(Buffer.alloc(100 * 1024, 0x6b), provider.certificate);
    expect((await submit(first, 'care-manager', 'kept-0001', manager, provider, env)).status).toBe(201);
    const small = await encryptCms(Buffer.from('kept'), provider.certificate);
    expect((await submit(first, 'care-manager', 'kept-0002', manager, provider, small)).status).toBe(201);
    await first.close();
    const payloads = join(first.dataDir, 'payloads');
    const kept = readdirSync(payloads);
    expect(kept).toHaveLength(1);
    // A crash between the segment's rename and the rows' commit leaves a segment nobody references.
    const orphan = join(payloads, '20260101T000000000Z-1-1.seg');
    writeFileSync(orphan, Buffer.alloc(1024, 7));
    const second = await startTestRelay({ dataDir: first.dataDir });
    try {
      expect(existsSync(orphan)).toBe(false);
      expect(readdirSync(payloads)).toEqual(kept);
      expect((await second.store.readPayload('kept-0001')).equals(env)).toBe(true);
      expect((await second.store.readPayload('kept-0002')).equals(small)).toBe(true);
      expect((await second.store.auditEvents()).map((a) => a.action)).toContain('orphan-segments-removed');
    } finally {
      await second.close();
    }
  });
});

describe.runIf(BACKENDS.includes('postgres'))('relay start after a crash (postgres)', () => {
  it('removes uploads that no message points to once they are old enough to be dead, and leaves the ones in progress', async () => {
    const schema = await newTestSchema();
    const tls = { key: fixturePem('relay-server.key.pem'), cert: fixturePem('relay-server.pem'), clientCa: fixturePem('ca.pem') };
    const store = await openStore({ databaseUrl: schema.url });
    try {
      // A crash mid-upload (or between the chunks and the commit) leaves an uncommitted payload. Another
      // relay process sharing the database may be writing one right now: only old ones may go.
      const dead = await store.openUpload();
      await dead.write([Buffer.alloc(1024, 7)]);
      const live = await store.openUpload();
      await live.write([Buffer.alloc(1024, 8)]);
      await queryTestDatabase(schema.url, `UPDATE payloads SET created_at = now() - interval '2 hours' WHERE id = $1`, [(dead as unknown as { payloadId: number }).payloadId]);
      const relay = await startRelay({ store, port: 0, tls });
      await relay.close();
      const left = await queryTestDatabase<{ id: number }>(schema.url, 'SELECT id FROM payloads');
      expect(left.map((r) => Number(r.id))).toEqual([(live as unknown as { payloadId: number }).payloadId]);
      expect((await queryTestDatabase<{ n: number }>(schema.url, 'SELECT count(*)::int AS n FROM payload_chunks'))[0]!.n).toBe(1);
      expect((await store.auditEvents()).map((a) => a.action)).toContain('orphan-segments-removed');
    } finally {
      await store.close();
      await schema.drop();
    }
  });
});
