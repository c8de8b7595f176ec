// 名簿の読み方（issue 11）: 受信側がどの証明書を送信元のものと認め、送信側がどれに暗号化するか。
// How the directory entry is read (issue 11): which certificates the receiver takes as the sender's
// (directorySigners) and which one a sender encrypts to (currentCertificatePem). Entries are made
// through the protocol's schema, as the client reads them.
import { describe, expect, it } from 'vitest';
import { certInfo } from '../../pki/certs.js';
import { loadCrls } from '../../pki/crl.js';
import { LocalizedError } from '../../shared/errors.js';
import { directoryEntrySchema, type DirectoryEntry } from '../../shared/protocol/index.js';
import { directorySigners } from './arrivalChecks.js';
import { currentCertificatePem, SendError } from './sender.js';
import { crlRevoking, fixturePem, issueOffice } from './testOffices.js';

const A = '1310000011';
const old = fixturePem('care-manager.pem'); // valid 2025-11-01 .. 2036-11-01
const renewed = issueOffice(A).certPem; // valid from yesterday for a year
const fp = (pem: string) => certInfo(pem).fingerprint256;
const NOW = new Date();

function listed(pem: string, current: boolean) {
  const c = certInfo(pem);
  return { pem, fingerprint: c.fingerprint256, notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString(), current };
}

function entry(fields: Partial<DirectoryEntry>): DirectoryEntry {
  return directoryEntrySchema.parse({ office: A, name: '居宅', serviceTypes: ['43'], certificate: renewed, lastSeen: NOW.toISOString(), ...fields });
}

describe('directorySigners (receiver)', () => {
  it('takes every listed certificate valid now: the renewed one and the older one of the overlap', () => {
    const signers = directorySigners(entry({ certificates: [listed(renewed, true), listed(old, false)] }), NOW, []);
    expect([...signers].sort()).toEqual([fp(renewed), fp(old)].sort());
  });

  it('takes only `certificate` from a relay before issue 11 (no list)', () => {
    expect([...directorySigners(entry({}), NOW, [])]).toEqual([fp(renewed)]);
  });

  it('takes nothing when the list is empty (no certificate valid now), nor from an empty `certificate`', () => {
    expect(directorySigners(entry({ certificates: [] }), NOW, []).size).toBe(0);
    expect(directorySigners(entry({ certificate: '' }), NOW, []).size).toBe(0);
  });

  it('leaves out what the relay lists but is not valid now, names another office, is on our CRL, or cannot be read', () => {
    const later = new Date(Date.UTC(2030, 0, 1)); // the renewed certificate has expired by then
    expect([...directorySigners(entry({ certificates: [listed(renewed, true), listed(old, false)] }), later, [])]).toEqual([fp(old)]);
    const other = fixturePem('third-office.pem');
    expect(directorySigners(entry({ certificates: [listed(other, true)] }), NOW, []).size).toBe(0);
    const crls = loadCrls(crlRevoking([old]), [certInfo(fixturePem('ca.pem'))]);
    expect([...directorySigners(entry({ certificates: [listed(renewed, true), listed(old, false)] }), NOW, crls)]).toEqual([fp(renewed)]);
    expect(directorySigners(entry({ certificates: [{ ...listed(renewed, true), pem: 'not a certificate' }] }), NOW, []).size).toBe(0);
  });
});

describe('currentCertificatePem (sender)', () => {
  it('is the certificate marked current, wherever it stands in the list', () => {
    expect(currentCertificatePem(entry({ certificate: renewed, certificates: [listed(old, false), listed(renewed, true)] }))).toBe(renewed);
  });

  it('is `certificate` from a relay before issue 11', () => {
    expect(currentCertificatePem(entry({ certificate: old }))).toBe(old);
  });

  it('refuses an office with no certificate valid now, and one whose every certificate is revoked, with a LocalizedError', () => {
    const expired = (() => {
      try {
        return currentCertificatePem(entry({ certificate: old, certificates: [] }));
      } catch (e) {
        return e;
      }
    })();
    expect(expired).toBeInstanceOf(SendError);
    expect((expired as SendError).ja).toContain('今有効な証明書がありません');
    const revoked = (() => {
      try {
        return currentCertificatePem(entry({ certificate: '', certificates: [] }));
      } catch (e) {
        return e;
      }
    })();
    expect(revoked).toBeInstanceOf(LocalizedError);
    expect((revoked as LocalizedError).en).toContain('has been revoked');
  });
});
