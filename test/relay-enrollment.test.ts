// Issue 15, deliver 1: operator enrollment. The operator registers offices before they connect
// (`relay enroll`, `relay import-offices`), lists them, withdraws certificates (`relay revoke`);
// with `--enrollment operator` a certificate that was not enrolled is refused with a message that
// says so. During a renewal overlap both certificates are listed and senders encrypt to the newest.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it } from 'vitest';
import { certInfo } from '../pki/certs.js';
import { decryptCms, encryptCms } from '../pki/cms.js';
import { loadPkcs12 } from '../pki/pkcs12.js';
import { enroll, withdraw } from '../relay/enrollment.js';
import type { RunningRelay } from '../relay/index.js';
import { BACKENDS, FIXTURE_PKI, fixturePem, issueCert, rawRequest, startTestRelay, type TestRelay } from '../relay/testSupport.js';
import { cli, ROOT } from './cli.js';
import { office, RelayProcess } from './processes.js';

const scratch = (what: string) => mkdtempSync(join(tmpdir(), `cpl-enroll-${what}-`));
const relays: TestRelay[] = [];
const processes: RelayProcess[] = [];
afterEach(async () => {
  for (const r of relays.splice(0)) await r.close();
  for (const p of processes.splice(0)) await p.kill();
});

type ErrorBody = { error: { code: string; message: string; messageEn: string } };
const health = (relay: RunningRelay, as: string | { certPem: string; keyPem: string }) => rawRequest(relay, { as, path: '/v1/health' });

describe.each(BACKENDS)('operator enrollment at the relay (%s)', (backend) => {
  it('with --enrollment operator refuses a certificate that was not enrolled, admits it once enrolled, refuses it again once withdrawn', async () => {
    const t = await startTestRelay({ backend, enrollment: 'operator' });
    relays.push(t);
    const refused = await health(t.relay, 'care-manager');
    expect(refused.status).toBe(403);
    const body = refused.json() as ErrorBody;
    expect(body.error.code).toBe('not_enrolled');
    expect(body.error.message).toContain('連携サービスに登録されていません');
    expect(body.error.messageEn).toContain('not enrolled');
    // Refused before first contact could register it: the directory is still empty.
    expect(await t.store.getOffice('1310000011')).toBeUndefined();

    const enrolled = await enroll(t.store, fixturePem('care-manager.pem'), { name: 'さくら居宅介護支援事業所', serviceTypes: ['43'] }, new Date());
    expect(enrolled).toMatchObject({ office: '1310000011', name: 'さくら居宅介護支援事業所', result: 'added' });
    expect((await health(t.relay, 'care-manager')).status).toBe(200);
    expect((await health(t.relay, 'home-help')).status).toBe(403);
    const dir = (await rawRequest(t.relay, { as: 'care-manager', path: '/v1/directory' })).json() as { offices: { office: string; name: string; serviceTypes: string[] }[] };
    expect(dir.offices.map((o) => [o.office, o.name, o.serviceTypes])).toEqual([['1310000011', 'さくら居宅介護支援事業所', ['43']]]);

    expect(await withdraw(t.store, '1310000011')).toBe(1);
    const withdrawn = await health(t.relay, 'care-manager');
    expect([withdrawn.status, (withdrawn.json() as ErrorBody).error.code]).toEqual([403, 'certificate_withdrawn']);
    // A withdrawn certificate leaves the directory's entry (senders find nothing to encrypt to).
    expect((await t.store.getOffice('1310000011'))!.certificates.map((c) => c.state)).toEqual(['withdrawn']);
    expect((await enroll(t.store, fixturePem('care-manager.pem'), {}, new Date())).result).toBe('restored');
    expect((await health(t.relay, 'care-manager')).status).toBe(200);
    expect((await t.store.auditEvents({ office: '1310000011' })).map((e) => e.action)).toEqual(
      expect.arrayContaining(['refused-not_enrolled', 'certificate-enrolled', 'certificate-withdrawn', 'refused-certificate_withdrawn']),
    );
  });

  it('an office enrolled before it ever connected can be sent to', async () => {
    const t = await startTestRelay({ backend, enrollment: 'operator' });
    relays.push(t);
    await enroll(t.store, fixturePem('care-manager.pem'), {}, new Date());
    await enroll(t.store, fixturePem('home-help.pem'), { name: 'ひまわり訪問介護', serviceTypes: ['11'] }, new Date());
    const dir = (await rawRequest(t.relay, { as: 'care-manager', path: '/v1/directory?type=11' })).json() as { offices: { office: string; certificate: string }[] };
    expect(dir.offices.map((o) => [o.office, certInfo(o.certificate).fingerprint256])).toEqual([['1310000029', certInfo(fixturePem('home-help.pem')).fingerprint256]]);
    // The provider has never connected, and still a unit to it is stored (not 404 unknown_receiver).
    const body = await encryptCms(Buffer.from('unit'), certInfo(dir.offices[0]!.certificate));
    const meta = { sender: { office: '1310000011', serviceType: '43' }, receiver: { office: '1310000029', serviceType: '11' }, sequence: '20250425120002', month: '202504', kinds: ['UPPLAN'], files: ['UPPLAN.CSV'] };
    const headers = { 'content-type': 'application/cms', 'careplan-message-id': 'first-unit', 'careplan-meta': Buffer.from(JSON.stringify(meta)).toString('base64url'), 'careplan-sha256': createHash('sha256').update(body).digest('hex') };
    const stored = await rawRequest(t.relay, { as: 'care-manager', method: 'POST', path: '/v1/messages', headers, body });
    expect(stored.status, stored.body.toString()).toBe(201);
    expect((await t.store.getOffice('1310000029'))!.certificates.map((c) => c.lastSeen)).toHaveLength(1);
  });

  it('with the open policy registers on first contact, but still refuses a withdrawn certificate', async () => {
    const t = await startTestRelay({ backend });
    relays.push(t);
    expect((await health(t.relay, 'home-help')).status).toBe(200);
    expect((await t.store.getOffice('1310000029'))!.certificates).toHaveLength(1);
    await withdraw(t.store, '1310000029', fixturePem('home-help.pem'));
    expect(((await health(t.relay, 'home-help')).json() as ErrorBody).error.code).toBe('certificate_withdrawn');
  });
});

describe('relay enroll, offices, revoke, import-offices (the operator commands)', () => {
  const officesJson = (data: string) => JSON.parse(cli(['relay', 'offices', '--data', data, '--format', 'json']).stdout) as { offices: { office: string; name: string; serviceTypes: string[]; certificates: { fingerprint: string; state: string }[] }[] };

  it('enrolls a group from an MS932 CSV and from a UTF-8 CSV with a BOM; a list with an unreadable file enrolls nothing', async () => {
    const dir = scratch('csv');
    for (const f of ['care-manager.pem', 'home-help.pem']) copyFileSync(join(FIXTURE_PKI, f), join(dir, f));
    const data = join(dir, 'relay');
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, '\ufeff証明書,事業所名\r\ncare-manager.pem,さくら\r\nmissing.pem,ない\r\n');
    const refused = cli(['relay', 'import-offices', '--data', data, bad]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('3 行目の証明書ファイルを読めません（何も登録していません）');
    expect(officesJson(data).offices).toEqual([]);

    const ms932 = join(dir, 'group.csv');
    writeFileSync(ms932, iconv.encode('証明書,事業所名,サービス種類\r\ncare-manager.pem,さくら居宅介護支援事業所,43\r\nhome-help.pem,"ひまわり訪問介護①","11 A2"\r\n', 'cp932'));
    const imported = cli(['relay', 'import-offices', '--data', data, ms932]);
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('2 件');
    expect(officesJson(data).offices.map((o) => [o.office, o.name, o.serviceTypes])).toEqual([
      ['1310000011', 'さくら居宅介護支援事業所', ['43']],
      ['1310000029', 'ひまわり訪問介護①', ['11', 'A2']],
    ]);

    // The same group again, now UTF-8 with a BOM and a new name: nothing added twice, the name follows the list.
    writeFileSync(join(dir, 'utf8.csv'), '\ufeffcertificate,name\nhome-help.pem,ひまわり訪問介護ステーション\n');
    const again = cli(['relay', 'import-offices', '--data', data, '--format', 'json', join(dir, 'utf8.csv')]);
    expect((JSON.parse(again.stdout) as { enrolled: { result: string }[] }).enrolled.map((r) => r.result)).toEqual(['present']);
    const listed = officesJson(data).offices;
    expect(listed.map((o) => [o.name, o.certificates.length])).toEqual([
      ['さくら居宅介護支援事業所', 1],
      ['ひまわり訪問介護ステーション', 1],
    ]);
  });

  it('refuses what is not an office certificate, and revokes one certificate of an office by its file', () => {
    const data = join(scratch('cli'), 'relay');
    const ca = cli(['relay', 'enroll', '--data', data, '--cert', join(FIXTURE_PKI, 'ca.pem')]);
    expect(ca.status).toBe(2);
    expect(ca.stderr).toContain('CN が事業所番号');
    expect(cli(['relay', 'enroll', '--data', data, '--cert', join(FIXTURE_PKI, 'home-help.pem'), '--types', '1']).stderr).toContain('サービス種類コードが正しくありません');
    const dir = scratch('renewed');
    const renewed = issueCert({ cn: '1310000029' });
    writeFileSync(join(dir, 'new.pem'), renewed.certPem);
    for (const f of [join(FIXTURE_PKI, 'home-help.pem'), join(dir, 'new.pem')]) expect(cli(['relay', 'enroll', '--data', data, '--cert', f, '--name', 'ひまわり']).status).toBe(0);
    expect(officesJson(data).offices[0]!.certificates.map((c) => c.state)).toEqual(['active', 'active']);
    const revoked = cli(['relay', 'revoke', '--data', data, '--office', '1310000029', '--cert', join(FIXTURE_PKI, 'home-help.pem')]);
    expect(revoked.status, revoked.stderr).toBe(0);
    const certs = officesJson(data).offices[0]!.certificates;
    expect(Object.fromEntries(certs.map((c) => [c.fingerprint, c.state]))).toEqual({ [certInfo(fixturePem('home-help.pem')).fingerprint256]: 'withdrawn', [certInfo(renewed.certPem).fingerprint256]: 'active' });
    expect(cli(['relay', 'revoke', '--data', data, '--office', '1310000011']).status).toBe(2);
    // The monthly report of this store: one office enrolled (a certificate still active), none active.
    expect(cli(['relay', 'report', '--data', data, '--month', '2025-04']).status).toBe(2);
    const report = cli(['relay', 'report', '--data', data, '--month', '202504', '--format', 'csv']);
    expect(report.status, report.stderr).toBe(0);
    expect(report.stdout.split('\r\n').slice(0, 2)).toEqual(['\ufeff事業所番号/office,事業所名/name,登録/enrolled,利用/active,送信件数/sent,受信件数/received,連携先数/partners,利用中の連携先/linkedPartners,連携率/linkedShare', '1310000029,ひまわり,1,0,0,0,0,0,']);
  });
});

describe('renewal overlap: two valid certificates of one office, enrolled by the operator', () => {
  it('senders encrypt to the newest valid certificate; the office receives with its new key', async () => {
    const dir = scratch('renewal');
    const data = join(dir, 'relay');
    const renewed = issueCert({ cn: '1310000029', org: 'ひまわり訪問介護' });
    writeFileSync(join(dir, 'new.pem'), renewed.certPem);
    writeFileSync(join(dir, 'new.p12'), renewed.p12);
    for (const f of [join(FIXTURE_PKI, 'care-manager.pem'), join(FIXTURE_PKI, 'home-help.pem'), join(dir, 'new.pem')]) {
      const r = cli(['relay', 'enroll', '--data', data, '--cert', f]);
      expect(r.status, r.stderr).toBe(0);
    }
    const relay = new RelayProcess(0, data, { args: ['--enrollment', 'operator'] });
    processes.push(relay);
    await relay.start();
    const env = { CPL_TEST_P12_PASSWORD: renewed.password, CPL_FAULT: '' };
    const cm = office(dir, 'care-manager', relay.url);
    const hh = office(dir, 'home-help', relay.url);
    // The provider's config now points at its renewed PKCS#12.
    writeFileSync(hh, JSON.stringify({ ...(JSON.parse(readFileSync(hh, 'utf8')) as object), p12: join(dir, 'new.p12') }));
    const valid = join(ROOT, 'fixtures', 'valid');
    const unit = ['UPPLAN', 'UPSIKYU', 'UPHOSOKU'].map((k) => join(valid, readdirSync(valid).find((f) => f.startsWith(`${k}_202504_`))!));
    const sent = cli(['send', '--config', cm, ...unit], { env });
    expect(sent.status, sent.stdout + sent.stderr).toBe(0);

    const asNew = { certPem: renewed.certPem, keyPem: renewed.keyPem };
    const page = (await rawRequest({ port: relay.port } as RunningRelay, { as: asNew, path: '/v1/inbox' })).json() as { messages: { messageId: string }[] };
    expect(page.messages).toHaveLength(1);
    const envelope = (await rawRequest({ port: relay.port } as RunningRelay, { as: asNew, path: `/v1/messages/${encodeURIComponent(page.messages[0]!.messageId)}/payload` })).body;
    // Sealed to the renewed certificate only: the new key opens it, the old one cannot.
    expect((await decryptCms(envelope, loadPkcs12(renewed.p12, renewed.password))).length).toBeGreaterThan(0);
    await expect(decryptCms(envelope, loadPkcs12(readFileSync(join(FIXTURE_PKI, 'home-help.p12')), 'test-password'))).rejects.toThrow();

    const got = cli(['receive', '--config', hh, '--format', 'json'], { env });
    expect(got.status, got.stderr).toBe(0);
    expect((JSON.parse(got.stdout) as { imported: unknown[] }).imported).toHaveLength(1);
  });
});
