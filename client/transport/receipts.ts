// Signed receipts: the recipient signs a small statement naming the message and the SHA-256 of
// what it received. The sender keeps it as proof of delivery and can check it at any time.
import type { CertInfo } from '../../pki/certs.js';
import { signCms, verifyCms } from '../../pki/cms.js';
import type { OfficeIdentity } from '../../pki/pkcs12.js';
import { receiptStatementSchema, type Disposition, type Receipt, type ReceiptStatement } from '../../shared/protocol/index.js';

export type { ReceiptStatement };

export function makeReceipt(identity: OfficeIdentity, s: Omit<ReceiptStatement, 'office' | 'at'>, at = new Date()): { statement: string; signature: Buffer } {
  // The key order is fixed: these exact bytes are what gets signed.
  const said: ReceiptStatement = { messageId: s.messageId, sha256: s.sha256, disposition: s.disposition, reason: s.reason, at: at.toISOString(), office: identity.officeNumber };
  const statement = JSON.stringify(said);
  return { statement, signature: signCms(Buffer.from(statement, 'utf8'), identity, { signingTime: at }) };
}

export interface ReceiptCheck {
  valid: boolean;
  disposition: Disposition;
  reason: string | null;
  at: string;
  problem: string | null;
}

function readStatement(statement: string): ReceiptStatement | 'unreadable' | 'not a receipt statement' {
  let json: unknown;
  try {
    json = JSON.parse(statement);
  } catch {
    return 'unreadable';
  }
  const said = receiptStatementSchema.safeParse(json);
  return said.success ? said.data : 'not a receipt statement';
}

/** Checks a receipt as evidence: signed by the receiving office, about this message and these bytes. */
export function checkReceipt(r: Receipt, expect: { messageId: string; sha256: string; receiver: string }, trust: CertInfo[]): ReceiptCheck {
  const base = { disposition: r.disposition, reason: r.reason, at: r.at };
  const s = readStatement(r.statement);
  if (typeof s === 'string') return { ...base, valid: false, problem: `statement ${s}` };
  const v = verifyCms(Buffer.from(r.signature, 'base64'), { content: Buffer.from(r.statement, 'utf8'), trustAnchors: trust });
  if (!v.valid) return { ...base, valid: false, problem: v.messageEn };
  if (v.signer?.officeNumber !== expect.receiver || s.office !== expect.receiver) return { ...base, valid: false, problem: 'not signed by the receiving office' };
  if (s.messageId !== expect.messageId || s.sha256 !== expect.sha256) return { ...base, valid: false, problem: 'about another message or other bytes' };
  return { ...base, valid: true, problem: null };
}
