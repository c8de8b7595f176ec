// Issue 11: 証明書の更新期間（新旧の証明書がどちらも有効な間）の送受信。
// Renewal overlap, against the real relay. The receiver accepts a unit signed with any certificate
// the directory lists as valid now for the sender (relay/API.md, "Receiver's rule"), on a session
// that was open before the renewal too; with a relay from before issue 11 it compares with
// `certificate` as before. The sender encrypts to the `current` certificate and says clearly when an
// office has no valid one (expired, revoked at the relay, or on the sender's own CRL).
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useExchange } from '../../test/support/exchange.js';
import { certInfo } from '../../pki/certs.js';
import { open } from '../../pki/cms.js';
import { LocalizedError } from '../../shared/errors.js';
import { receiveAll } from './receiver.js';
import { relayBeforeIssue11 } from './relayDouble.js';
import { recipientCertificate, SendError, spoolUnit } from './sender.js';
import { announce, openSession, type Session } from './session.js';
import { crlRevoking, FIXTURE_PKI, fixturePem, issueOffice, submitUnit, TEST_ENV, ticket, ticketHeader, writeOfficeConfig } from './testOffices.js';

const A = '1310000011'; // the care manager, who renews
const B = '1310000029'; // the home-help office
const C = '1310000037';

/** Signs with `from`'s identity (whichever certificate it holds) and submits as office A to B. */
async function submitFromA(from: Session, to: Session, messageId: string, seq: string): Promise<void> {
  await submitUnit(from, ticketHeader(messageId, seq), ticket(seq), to.identity.certificate);
}

function writeP12(dir: string, name: string, p12: Buffer): string {
  const path = join(dir, `${name}.p12`);
  writeFileSync(path, p12);
  return path;
}

describe('receiving across a renewal of the sender’s certificate', () => {
  let cmOld: Session, cmNew: Session, hh: Session;
  const exchange = useExchange('cpl-renew-rcv-', async (x) => {
    [cmOld, hh] = await x.announced('care-manager', 'home-help');
    // The renewed certificate, used from another folder (the new key lives in a new .p12).
    const renewed = writeP12(x.dir, 'care-manager-renewed', issueOffice(A, 'ケアプランリンク居宅介護支援センター').p12);
    cmNew = x.open('care-manager-renewed', { as: 'care-manager', p12: renewed });
  });

  it('takes a unit signed with the renewed certificate on a session that received before the renewal', async () => {
    await submitFromA(cmOld, hh, 'before-renewal', '20250701090000');
    expect((await receiveAll(hh)).imported.map((m) => m.messageId)).toEqual(['before-renewal']);
    // The renewal: the office connects with its new certificate, which the relay adds beside the old.
    await cmNew.client.health();
    await submitFromA(cmNew, hh, 'signed-new', '20250702090000');
    const summary = await receiveAll(hh);
    expect(summary.quarantined).toEqual([]);
    expect(summary.imported.map((m) => m.messageId)).toEqual(['signed-new']);
  });

  it('takes a unit signed with the older, still valid certificate during the overlap', async () => {
    const { offices } = await hh.client.directory({ q: A });
    expect(offices[0]!.certificates?.map((c) => c.current)).toEqual([true, false]);
    // Received on a second PC of the office, whose session has not looked at the directory before.
    const pc2 = openSession(writeOfficeConfig(exchange.dir, 'home-help-pc2', B, '11', exchange.relay.url, { p12: join(FIXTURE_PKI, 'home-help.p12') }), TEST_ENV);
    try {
      await submitFromA(cmOld, hh, 'signed-old', '20250703090000');
      const summary = await receiveAll(pc2);
      expect(summary.quarantined).toEqual([]);
      expect(summary.imported.map((m) => m.messageId)).toEqual(['signed-old']);
      expect(readdirSync(join(exchange.dir, 'home-help-pc2', 'import')).filter((n) => n.includes('20250703090000'))).toHaveLength(3);
    } finally {
      pc2.close();
    }
  });

  it('with a relay from before issue 11 (no list), compares with `certificate` as before', async () => {
    const legacy: Session = { ...hh, client: relayBeforeIssue11(hh.client) };
    await submitFromA(cmOld, hh, 'legacy-old', '20250704090000');
    await submitFromA(cmNew, hh, 'legacy-new', '20250705090000');
    const summary = await receiveAll(legacy);
    expect(summary.pending).toEqual([]);
    expect(summary.imported.map((m) => m.messageId)).toEqual(['legacy-new']);
    expect(summary.quarantined.map((m) => m.messageId)).toEqual(['legacy-old']);
    expect(summary.quarantined[0]!.reason).toContain('名簿にある送信元の証明書と違います');
  });
});

describe('sending to an office across its renewal, and to one without a valid certificate', () => {
  let clock: Date | null = null;
  let cm: Session, hhOld: Session, hhNew: Session;
  const renewedHh = issueOffice(B, 'ひまわり訪問介護ステーション');
  const exchange = useExchange(
    'cpl-renew-snd-',
    async (x) => {
      // The third office is on the directory too: the office none of whose certificates is valid later.
      [cm, hhOld] = await x.announced('care-manager', 'home-help', 'third-office');
      hhNew = x.open('home-help-renewed', { as: 'home-help', p12: writeP12(x.dir, 'home-help-renewed', renewedHh.p12) });
      await announce(hhNew);
    },
    { now: () => clock ?? new Date() },
  );

  it('encrypts to the current certificate (the renewed one), which the office opens with', async () => {
    const cert = await recipientCertificate(cm, B);
    expect(cert.fingerprint256).toBe(certInfo(renewedHh.certPem).fingerprint256);
    const seq = '20250801090000';
    const files = ticket(seq);
    const header = ticketHeader('to-renewed', seq);
    expect((await spoolUnit({ header, files, paths: [] }, cm)).state).toBe('spooled');
    const opened = await open(cm.spool.read('outbox', 'to-renewed.cms'), hhNew.identity, hhNew.trust);
    expect(opened.verification.valid).toBe(true);
    await expect(open(cm.spool.read('outbox', 'to-renewed.cms'), hhOld.identity, hhOld.trust)).rejects.toThrow();
  });

  it('encrypts to `certificate` when the relay is from before issue 11', async () => {
    const cert = await recipientCertificate({ ...cm, client: relayBeforeIssue11(cm.client) }, B);
    expect(cert.fingerprint256).toBe(certInfo(renewedHh.certPem).fingerprint256);
  });

  it('refuses, with a clear LocalizedError, an office none of whose certificates is valid now', async () => {
    clock = new Date(Date.now() + 30 * 365 * 86_400_000);
    let error: unknown;
    try {
      await recipientCertificate(cm, C);
    } catch (e) {
      error = e;
    } finally {
      clock = null;
    }
    expect(error).toBeInstanceOf(SendError);
    expect((error as SendError).ja).toContain(`送信先の事業所（${C}）には今有効な証明書がありません`);
    expect((error as SendError).en).toContain(`has no certificate valid now`);
  });

  it('refuses an office whose current certificate is on the sender’s own CRL', async () => {
    const crlPath = join(exchange.dir, 'ca.crl.pem');
    writeFileSync(crlPath, crlRevoking([fixturePem('third-office.pem')]));
    const withCrl = openSession(writeOfficeConfig(exchange.dir, 'care-manager-crl', A, '43', exchange.relay.url, { p12: join(FIXTURE_PKI, 'care-manager.p12'), crl: [crlPath] }), TEST_ENV);
    try {
      const error = await recipientCertificate(withCrl, C).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SendError);
      expect((error as SendError).ja).toContain(`送信先（${C}）の証明書は失効しています`);
      expect((error as SendError).en).toContain('has been revoked');
    } finally {
      withCrl.close();
    }
  });

  it('refuses, with a clear LocalizedError, an office every certificate of which the relay knows revoked', async () => {
    const doomed = issueOffice('1310000094', '失効する事業所');
    const doomedDir = mkdtempSync(join(tmpdir(), 'cpl-renew-doomed-'));
    const s = openSession(writeOfficeConfig(doomedDir, 'doomed', '1310000094', '11', exchange.relay.url, { p12: writeP12(doomedDir, 'doomed', doomed.p12) }), TEST_ENV, null);
    try {
      await s.client.health();
    } finally {
      s.close();
    }
    exchange.relay.setCrl(crlRevoking([doomed.certPem]));
    const error = await recipientCertificate(cm, '1310000094').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalizedError);
    expect((error as LocalizedError).ja).toContain('送信先の事業所（1310000094）の証明書はすべて失効しています');
    expect((error as LocalizedError).en).toContain('every certificate of the receiving office 1310000094 has been revoked');
  });
});
