// Issue 11: 失効した証明書で署名された受領証は証拠になりません。
// A receipt signed by a revoked certificate is not evidence, whatever it says.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { certsFromPem } from '../../pki/certs.js';
import { loadCrls } from '../../pki/crl.js';
import { loadPkcs12 } from '../../pki/pkcs12.js';
import { checkReceipt, makeReceipt } from './receipts.js';
import { crlRevoking, FIXTURE_PKI, fixturePem } from './testOffices.js';

const receiver = loadPkcs12(readFileSync(join(FIXTURE_PKI, 'home-help.p12')), 'test-password');
const trust = certsFromPem(fixturePem('ca.pem'));
const expectation = { messageId: 'msg-receipt-crl-01', sha256: 'cd'.repeat(32), receiver: '1310000029' };

function receipt() {
  const { statement, signature } = makeReceipt(receiver, { messageId: expectation.messageId, sha256: expectation.sha256, disposition: 'imported', reason: null });
  return { disposition: 'imported' as const, reason: null, at: (JSON.parse(statement) as { at: string }).at, statement, signature: signature.toString('base64') };
}

describe('checkReceipt with revocation lists', () => {
  it('refuses a receipt whose signing certificate a trusted CA has revoked', () => {
    const crls = loadCrls(crlRevoking([fixturePem('home-help.pem')]), trust);
    const check = checkReceipt(receipt(), expectation, trust, crls);
    expect(check.valid).toBe(false);
    expect(check.problem).toContain('revoked');
    expect(check.problemJa).toContain('失効');
  });

  it('accepts it when the lists do not name its certificate, and without lists as before', () => {
    const crls = loadCrls(crlRevoking([fixturePem('third-office.pem')]), trust);
    expect(checkReceipt(receipt(), expectation, trust, crls)).toMatchObject({ valid: true, problem: null });
    expect(checkReceipt(receipt(), expectation, trust)).toMatchObject({ valid: true, problem: null });
  });
});
