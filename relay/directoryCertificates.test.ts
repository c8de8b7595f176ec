// Issue 11 (#7): the directory keeps every currently valid certificate of an office. A second
// certificate never silently replaces the first; the current one (newest notBefore still valid) is
// what senders encrypt to, and every change is in the audit log.
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directoryListSchema, type DirectoryEntry } from '../shared/protocol/index.js';
import { BACKENDS, fixturePem, issueCert, rawRequest, startTestRelay, type IssuedCert, type TestRelay } from './testSupport.js';

const fingerprintOf = (pem: string) => new X509Certificate(pem).fingerprint256;
const DAY = 86_400_000;

describe.each(BACKENDS)('directory certificates (%s)', (backend) => {
  let t: TestRelay;
  let renewed: IssuedCert;
  const clock = { now: new Date() };

  async function entry(office: string): Promise<DirectoryEntry> {
    const answer = await rawRequest(t.relay, { as: 'care-manager', path: `/v1/directory?q=${office}` });
    return directoryListSchema.parse(answer.json()).offices.find((o) => o.office === office)!;
  }

  beforeAll(async () => {
    t = await startTestRelay({ backend, now: () => clock.now });
    // A renewal for home-help (1310000029): valid from yesterday, for 30 days.
    renewed = issueCert({ cn: '1310000029', org: 'ひまわり訪問介護ステーション', notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 30 * DAY) });
  });
  afterAll(() => t.close());

  it('keeps both certificates of an office, and the newest valid one is current whichever connected last', async () => {
    const original = fixturePem('home-help.pem');
    expect((await rawRequest(t.relay, { as: 'home-help', path: '/v1/health' })).status).toBe(200);
    expect((await rawRequest(t.relay, { as: renewed, path: '/v1/health' })).status).toBe(200);
    // The original connects last: it must not take the place of the newer one.
    expect((await rawRequest(t.relay, { as: 'home-help', path: '/v1/health' })).status).toBe(200);

    const e = await entry('1310000029');
    expect(e.certificates?.map((c) => [c.fingerprint, c.current])).toEqual(
      expect.arrayContaining([
        [fingerprintOf(renewed.certPem), true],
        [fingerprintOf(original), false],
      ]),
    );
    expect(e.certificates).toHaveLength(2);
    expect(fingerprintOf(e.certificate)).toBe(fingerprintOf(renewed.certPem));
    expect(e.certificates!.find((c) => c.current)!.pem).toBe(e.certificate);
    expect(new Date(e.certificates!.find((c) => c.current)!.notAfter).getTime()).toBe(new Date(new X509Certificate(renewed.certPem).validTo).getTime());

    const added = (await t.store.auditEvents()).filter((a) => a.action === 'certificate-added' && a.office === '1310000029');
    expect(added.map((a) => a.detail?.split(' ')[0])).toEqual([fingerprintOf(original), fingerprintOf(renewed.certPem)]);
  });

  it('lists only certificates still valid: once the renewal expires the original is current again', async () => {
    clock.now = new Date(Date.now() + 31 * DAY);
    try {
      const e = await entry('1310000029');
      expect(e.certificates?.map((c) => [c.fingerprint, c.current])).toEqual([[fingerprintOf(fixturePem('home-help.pem')), true]]);
      expect(fingerprintOf(e.certificate)).toBe(fingerprintOf(fixturePem('home-help.pem')));
    } finally {
      clock.now = new Date();
    }
  });

  it('answers PUT /v1/directory/me with the same certificates', async () => {
    const answer = await rawRequest(t.relay, { as: 'home-help', method: 'PUT', path: '/v1/directory/me', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ひまわり', serviceTypes: ['11'] }) });
    const me = answer.json() as DirectoryEntry;
    expect(me.certificates).toHaveLength(2);
    expect(fingerprintOf(me.certificate)).toBe(fingerprintOf(renewed.certPem));
  });
});
