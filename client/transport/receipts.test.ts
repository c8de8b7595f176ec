// A receipt is evidence only if checking it can fail: each way a receipt can be wrong is refused here
// with its own problem, so a checkReceipt that always said "valid" could not pass this file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { certsFromPem } from '../../pki/certs.js';
import { signCms } from '../../pki/cms.js';
import { loadPkcs12 } from '../../pki/pkcs12.js';
import type { Disposition, Receipt } from '../../shared/protocol/index.js';
import { checkReceipt, makeReceipt } from './receipts.js';

const PKI = join(import.meta.dirname, '..', '..', 'fixtures', 'pki');
const office = (id: string) => loadPkcs12(readFileSync(join(PKI, `${id}.p12`)), 'test-password', { requireUsable: false });
const receiver = office('home-help'); // 1310000029, the office that received the message
const other = office('third-office'); // 1310000037, a trusted office that did not
const foreign = office('foreign'); // an office certificate from a CA we do not trust
const trust = certsFromPem(readFileSync(join(PKI, 'ca.pem'), 'utf8'));

const MESSAGE = 'msg-receipts-0001';
const SHA = 'ab'.repeat(32);
const expectation = { messageId: MESSAGE, sha256: SHA, receiver: '1310000029' };

/** A receipt as the relay lists it: the signed statement plus the fields the relay copied from it. */
function receipt(signer = receiver, about: { messageId?: string; sha256?: string; disposition?: Disposition; reason?: string | null } = {}): Receipt {
  const disposition = about.disposition ?? 'imported';
  const reason = about.reason ?? (disposition === 'quarantined' ? '標準仕様に合っていません / not conforming' : null);
  const { statement, signature } = makeReceipt(signer, { messageId: about.messageId ?? MESSAGE, sha256: about.sha256 ?? SHA, disposition, reason });
  const said = JSON.parse(statement) as { at: string };
  return { disposition, reason, at: said.at, statement, signature: signature.toString('base64') };
}

describe('checkReceipt', () => {
  it('accepts a receipt signed by the receiving office about this message and these bytes', () => {
    expect(checkReceipt(receipt(), expectation, trust)).toMatchObject({ valid: true, problem: null, disposition: 'imported' });
  });

  it('refuses a receipt signed by another (trusted) office', () => {
    const check = checkReceipt(receipt(other), expectation, trust);
    expect(check.valid).toBe(false);
    expect(check.problem).toBe('not signed by the receiving office');
  });

  it('refuses a statement that names the receiving office but is signed by another office', () => {
    // Office C writes B's number into the statement and signs it with its own certificate.
    const statement = JSON.stringify({ messageId: MESSAGE, sha256: SHA, disposition: 'imported', reason: null, at: new Date().toISOString(), office: '1310000029' });
    const forged: Receipt = { disposition: 'imported', reason: null, at: JSON.parse(statement).at, statement, signature: signCms(Buffer.from(statement), other).toString('base64') };
    expect(checkReceipt(forged, expectation, trust)).toMatchObject({ valid: false, problem: 'not signed by the receiving office' });
  });

  it('refuses a receipt signed under a CA that is not trusted', () => {
    const check = checkReceipt(receipt(foreign), expectation, trust);
    expect(check.valid).toBe(false);
    expect(check.problem).toContain('not issued by a trusted authority');
  });

  it('refuses a receipt about another message', () => {
    const check = checkReceipt(receipt(receiver, { messageId: 'msg-receipts-0002' }), expectation, trust);
    expect(check).toMatchObject({ valid: false, problem: 'about another message' });
  });

  it('refuses a receipt, properly signed, about other bytes', () => {
    const check = checkReceipt(receipt(receiver, { sha256: 'cd'.repeat(32) }), expectation, trust);
    expect(check).toMatchObject({ valid: false, problem: 'about other bytes' });
  });

  it('refuses a receipt whose statement was changed after signing (sha256 replaced)', () => {
    const r = receipt();
    const tampered = { ...r, statement: r.statement.replace(SHA, 'cd'.repeat(32)) };
    expect(tampered.statement).not.toBe(r.statement);
    const check = checkReceipt(tampered, { ...expectation, sha256: 'cd'.repeat(32) }, trust);
    expect(check.valid).toBe(false);
    expect(check.problem).toContain('changed after it was signed');
  });

  it('refuses a receipt by the right office whose listed disposition is not the one it signed', () => {
    // The office signed "quarantined"; the receipt is shown as "imported".
    const signed = receipt(receiver, { disposition: 'quarantined' });
    const check = checkReceipt({ ...signed, disposition: 'imported', reason: null }, expectation, trust);
    expect(check.valid).toBe(false);
    expect(check.problem).toBe('the listed disposition is not the signed one');
    expect(check.problemJa).toContain('処理結果');
  });

  it('refuses a receipt by the right office with another disposition than the one asked about', () => {
    const check = checkReceipt(receipt(receiver, { disposition: 'quarantined' }), { ...expectation, disposition: 'imported' }, trust);
    expect(check).toMatchObject({ valid: false, problem: 'signed as quarantined, not imported' });
    expect(checkReceipt(receipt(receiver, { disposition: 'imported' }), { ...expectation, disposition: 'imported' }, trust).valid).toBe(true);
  });

  it('refuses a receipt whose listed reason or time is not the signed one', () => {
    const signed = receipt(receiver, { disposition: 'quarantined' });
    expect(checkReceipt({ ...signed, reason: 'something else' }, expectation, trust).problem).toBe('the listed reason is not the signed one');
    expect(checkReceipt({ ...signed, at: '2000-01-01T00:00:00.000Z' }, expectation, trust).problem).toBe('the listed time is not the signed one');
  });

  it('refuses a statement that is not JSON or not a receipt statement', () => {
    const r = receipt();
    expect(checkReceipt({ ...r, statement: '{' }, expectation, trust)).toMatchObject({ valid: false, problem: 'statement unreadable' });
    expect(checkReceipt({ ...r, statement: '{"hello":1}' }, expectation, trust)).toMatchObject({ valid: false, problem: 'statement not a receipt statement' });
  });
});
