// Signed receipts: the recipient signs a small statement naming the message and the SHA-256 of
// what it received. The sender keeps it as proof of delivery and can check it at any time.
import type { CertInfo } from '../../pki/certs.js';
import { signCms, verifyCms } from '../../pki/cms.js';
import type { Crl } from '../../pki/crl.js';
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
  /** What is wrong, in English (null when valid); stable wording that logs and tests look for. */
  problem: string | null;
  /** The same in Japanese. */
  problemJa: string | null;
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

const DISPOSITION_JA: Record<Disposition, string> = { received: '受信', imported: '取込', quarantined: '隔離' };

/**
 * Checks a receipt as evidence: signed by the receiving office, about this message and these bytes.
 * The disposition, reason and time the relay lists beside the statement are only copies: they must
 * be the signed ones, or a relay (or anyone between) could show a quarantine as an import. With
 * `expect.disposition`, the receipt must also be that outcome. With `crls` (the session's), a
 * receipt whose signing certificate is revoked is not evidence (失効した証明書の受領証は証拠になりません):
 * revoked means its key may be in other hands, whenever it says it signed.
 */
export function checkReceipt(r: Receipt, expect: { messageId: string; sha256: string; receiver: string; disposition?: Disposition }, trust: CertInfo[], crls: readonly Crl[] = []): ReceiptCheck {
  const base = { disposition: r.disposition, reason: r.reason, at: r.at };
  const refuse = (ja: string, en: string): ReceiptCheck => ({ ...base, valid: false, problem: en, problemJa: ja });
  const s = readStatement(r.statement);
  if (s === 'unreadable') return refuse('受領証の内容を読めません', 'statement unreadable');
  if (typeof s === 'string') return refuse('受領証の内容が受領証の形式ではありません', 'statement not a receipt statement');
  const v = verifyCms(Buffer.from(r.signature, 'base64'), { content: Buffer.from(r.statement, 'utf8'), trustAnchors: trust, crls });
  if (!v.valid) return refuse(v.messageJa, v.messageEn);
  if (v.signer?.officeNumber !== expect.receiver || s.office !== expect.receiver) return refuse('受信した事業所の署名ではありません', 'not signed by the receiving office');
  if (s.messageId !== expect.messageId) return refuse('別のメッセージの受領証です', 'about another message');
  if (s.sha256 !== expect.sha256) return refuse('送ったものとは別の内容についての受領証です', 'about other bytes');
  if (s.disposition !== r.disposition) return refuse('表示された処理結果が署名された処理結果と違います', 'the listed disposition is not the signed one');
  if (s.reason !== r.reason) return refuse('表示された理由が署名された理由と違います', 'the listed reason is not the signed one');
  if (s.at !== r.at) return refuse('表示された日時が署名された日時と違います', 'the listed time is not the signed one');
  if (expect.disposition && s.disposition !== expect.disposition) {
    return refuse(`処理結果が「${DISPOSITION_JA[s.disposition]}」で、「${DISPOSITION_JA[expect.disposition]}」ではありません`, `signed as ${s.disposition}, not ${expect.disposition}`);
  }
  return { ...base, valid: true, problem: null, problemJa: null };
}
