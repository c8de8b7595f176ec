// Issue 11 (#9): the relay honours its CA's revocation list. A revoked office is refused with a
// reason it can read (403 certificate_revoked), including on a connection it already holds when a
// new list arrives; a list that cannot serve (wrong CA, missing CA, expired) stops the start.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certInfo } from '../pki/certs.js';
import { makeCrl } from '../pki/crl.js';
import { loadPkcs12 } from '../pki/pkcs12.js';
import { makeReceipt } from '../client/transport/receipts.js';
import { RelayClient, RelayError } from '../client/transport/relayClient.js';
import { encryptCms } from '../pki/cms.js';
import { BACKENDS, fixturePem, issueCert, rawRequest, startTestRelay, type IssuedCert, type TestRelay } from './testSupport.js';

const DAY = 86_400_000;
const serialOf = (pem: string) => certInfo(pem).serialNumber;
const crlRevoking = (...pems: string[]) => makeCrl({ caCertPem: fixturePem('ca.pem'), caKeyPem: fixturePem('ca.key.pem'), revoked: pems.map((p) => ({ serial: serialOf(p) })) });
const code = (a: { json(): unknown }) => (a.json() as { error?: { code?: string; message?: string } } | null)?.error;

describe.each(BACKENDS)('relay with a CRL (%s)', (backend) => {
  let t: TestRelay;
  let revoked: IssuedCert;

  beforeAll(async () => {
    revoked = issueCert({ cn: '1310000086', org: '失効した事業所' });
    t = await startTestRelay({ backend, tls: { key: fixturePem('relay-server.key.pem'), cert: fixturePem('relay-server.pem'), clientCa: fixturePem('ca.pem'), crl: crlRevoking(revoked.certPem) } });
  });
  afterAll(() => t.close());

  it('refuses a revoked office with 403 certificate_revoked and a reason, and never registers it', async () => {
    const a = await rawRequest(t.relay, { as: revoked, path: '/v1/health' });
    expect(a.status).toBe(403);
    expect(code(a)?.code).toBe('certificate_revoked');
    expect(code(a)?.message).toContain('失効');
    expect(await t.store.getOffice('1310000086')).toBeUndefined();
    expect((await t.store.auditEvents()).some((e) => e.action === 'refused-certificate_revoked' && e.office === '1310000086')).toBe(true);
    expect((await rawRequest(t.relay, { as: 'care-manager', path: '/v1/health' })).status).toBe(200);
  });

  it('still refuses clients without a certificate or from a foreign CA at TLS', async () => {
    const foreign = await rawRequest(t.relay, { as: 'foreign', path: '/v1/health' });
    expect(foreign.status).toBe(0);
  });

  it('applies a new list at once, also on a connection already open, and drops the revoked certificate from the directory', async () => {
    const provider = loadPkcs12(Buffer.from(issueCert({ cn: '1310000110', org: '後で失効する事業所' }).p12), 'test-password');
    const client = new RelayClient({ url: t.relay.url, identity: provider, trustPem: fixturePem('ca.pem') });
    try {
      expect((await client.health()).office).toBe('1310000110');
      expect((await rawRequest(t.relay, { as: 'care-manager', path: '/v1/directory?q=1310000110' })).json()).toMatchObject({ offices: [{ office: '1310000110' }] });
      t.relay.setCrl(crlRevoking(revoked.certPem, provider.certificate.pem));
      const e = (await client.health().catch((x: unknown) => x)) as RelayError;
      expect(e).toBeInstanceOf(RelayError);
      expect([e.status, e.code]).toEqual([403, 'certificate_revoked']);
      expect(e.ja).toContain('失効');
      const listed = (await rawRequest(t.relay, { as: 'care-manager', path: '/v1/directory?q=1310000110' })).json() as { offices: { certificates?: unknown[] }[] };
      expect(listed.offices.flatMap((o) => o.certificates ?? [])).toEqual([]);
    } finally {
      client.close();
    }
  });

  it('refuses a receipt signed by a certificate revoked since (400 receipt_signature, with the reason)', async () => {
    // One office, two certificates: the old one signs, is then revoked; the new one posts.
    const old = issueCert({ cn: '1310000128', org: '鍵を失くした事業所' });
    const renewed = issueCert({ cn: '1310000128', org: '鍵を失くした事業所' });
    const signer = loadPkcs12(old.p12, 'test-password');
    expect((await rawRequest(t.relay, { as: old, path: '/v1/health' })).status).toBe(200);
    const env = await encryptCms(Buffer.from('x'), signer.certificate);
    const meta = { sender: { office: '1310000011', serviceType: '43' }, receiver: { office: '1310000128', serviceType: '11' }, sequence: '20250425120002', month: '202504', kinds: ['UPPLAN'], files: ['UPPLAN.CSV'] };
    const sha256 = createHash('sha256').update(env).digest('hex');
    const sent = await rawRequest(t.relay, { as: 'care-manager', method: 'POST', path: '/v1/messages', headers: { 'content-type': 'application/cms', 'careplan-message-id': 'revoked-rcpt', 'careplan-meta': Buffer.from(JSON.stringify(meta)).toString('base64url'), 'careplan-sha256': sha256 }, body: env });
    expect(sent.status).toBe(201);
    const receipt = makeReceipt(signer, { messageId: 'revoked-rcpt', sha256, disposition: 'received', reason: null });
    t.relay.setCrl(crlRevoking(revoked.certPem, old.certPem));
    const a = await rawRequest(t.relay, { as: renewed, method: 'POST', path: '/v1/messages/revoked-rcpt/receipt', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ statement: receipt.statement, signature: receipt.signature.toString('base64') }) });
    expect([a.status, code(a)?.code]).toEqual([400, 'receipt_signature']);
    expect(code(a)?.message).toContain('失効');
  });
});

describe('relay start with a CRL that cannot serve', () => {
  it('refuses a list from another CA, a missing list for a client CA, and an expired list', async () => {
    const foreign = makeCrl({ caCertPem: fixturePem('foreign-ca.pem'), caKeyPem: fixturePem('foreign-ca.key.pem'), revoked: [] });
    const tls = (clientCa: string, crl: string) => ({ key: fixturePem('relay-server.key.pem'), cert: fixturePem('relay-server.pem'), clientCa, crl });
    await expect(startTestRelay({ tls: tls(fixturePem('ca.pem'), foreign) })).rejects.toThrow(/CRL/);
    await expect(startTestRelay({ tls: tls(fixturePem('ca.pem') + fixturePem('foreign-ca.pem'), crlRevoking()) })).rejects.toThrow(/Foreign Test CA/);
    const expired = makeCrl({ caCertPem: fixturePem('ca.pem'), caKeyPem: fixturePem('ca.key.pem'), revoked: [], thisUpdate: new Date(Date.now() - 10 * DAY), nextUpdate: new Date(Date.now() - DAY) });
    await expect(startTestRelay({ tls: tls(fixturePem('ca.pem'), expired) })).rejects.toThrow(/expired|期限/);
  });
});
