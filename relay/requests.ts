// Everything the relay reads from a request, read through the protocol's schemas (shared/protocol),
// and the refusals it answers with. Each refusal keeps the code and text the relay has always used.
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { LocalizedError } from '../shared/errors.js';
import {
  directoryQuerySchema,
  directoryUpdateSchema,
  messageIdSchema,
  metaHeaderSchema,
  pageQuerySchema,
  receiptBodySchema,
  receiptStatementSchema,
  sha256Schema,
  type DirectoryQuery,
  type ErrorResponse,
  type MessageMeta,
  type MetaHeader,
  type PageQuery,
  type ReceiptStatement,
} from '../shared/protocol/index.js';

/** A refusal: an HTTP status and the headers to send with it, besides the localized text. */
export class HttpError extends LocalizedError {
  override name = 'HttpError';

  constructor(
    readonly status: number,
    code: string,
    ja: string,
    en: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(code, { ja, en });
  }
}

/** The wire form of a refusal (API v1: Japanese as `message`, English as `messageEn`). */
export function errorResponse(e: LocalizedError): ErrorResponse {
  return { error: { code: e.code, message: e.ja, messageEn: e.en } };
}

/** A request header as one string (Node joins repeated custom headers with ", "). */
export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return v === undefined ? undefined : String(v);
}

function json(bytes: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

/** A message id from a path: a broken percent-encoding is a bad id (400), not a crash. */
export function decodeMessageIdSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'bad_message_id', 'メッセージIDが正しくありません', 'Invalid message id in the path');
  }
}

/** `Careplan-Message-Id`, read before the body so a bad id costs no upload. */
export function readMessageId(req: IncomingMessage, name: string): string {
  const id = messageIdSchema.safeParse(headerValue(req, name) ?? '');
  if (!id.success) throw new HttpError(400, 'bad_message_id', 'メッセージIDが正しくありません', 'Invalid Careplan-Message-Id');
  return id.data;
}

/** `Careplan-Sha256` must be the hash of the bytes that arrived; anything else is damage in transit. */
export function checkDigest(req: IncomingMessage, name: string, actual: string): void {
  const claimed = sha256Schema.safeParse(headerValue(req, name) ?? '');
  if (!claimed.success || claimed.data !== actual) {
    throw new HttpError(400, 'digest_mismatch', '受け取ったデータのハッシュが一致しません（送信中に壊れました）', 'The payload hash does not match (damaged in transit)');
  }
}

// When several fields are wrong, the refusal names the first in this order (as it always has).
const META_FIELDS = ['sequence', 'month', 'sender', 'receiver', 'kinds', 'files'] as const;

/** `Careplan-Meta`: base64url of the meta JSON; the id, size and hash come from the request itself. */
export function readMeta(raw: string | undefined, id: string, size: number, sha256: string): MessageMeta {
  return { messageId: id, ...readMetaHeader(raw), size, sha256 };
}

/** The meta header alone, read before the body so that a unit refused for its meta costs no upload. */
export function readMetaHeader(raw: string | undefined): MetaHeader {
  const bad = (why: string) => new HttpError(400, 'bad_meta', `送信単位の情報（Careplan-Meta）が正しくありません: ${why}`, `Careplan-Meta is invalid: ${why}`);
  if (!raw) throw bad('missing');
  const decoded = json(Buffer.from(raw, 'base64url'));
  if (!decoded.ok) throw bad('not base64url JSON');
  const meta = metaHeaderSchema.safeParse(decoded.value);
  if (!meta.success) {
    const wrong = new Set(meta.error.issues.map((i) => i.path[0]));
    throw bad(META_FIELDS.find((f) => wrong.has(f)) ?? 'not a JSON object');
  }
  return meta.data;
}

// The digest is compared with the stored one rather than pattern-checked here, so that any wrong
// digest is refused as receipt_digest, as before.
const statementAnyDigest = receiptStatementSchema.extend({ sha256: z.unknown() });

/**
 * The body of `POST /v1/messages/{id}/receipt`, checked against the message it acknowledges. The
 * signature itself is checked by the caller (it needs the trust anchors).
 */
export function readReceipt(body: Buffer, expect: { messageId: string; sha256: string; office: string }): { statement: string; signature: string; said: ReceiptStatement } {
  const malformed = () => new HttpError(400, 'bad_receipt', '受領証の形式が正しくありません', 'Malformed receipt');
  const notThis = () => new HttpError(400, 'bad_receipt', '受領証の内容が正しくありません', 'The receipt does not describe this message');
  const raw = json(body);
  if (!raw.ok) throw malformed();
  const envelope = receiptBodySchema.safeParse(raw.value);
  if (!envelope.success) {
    // A missing signature is a receipt about nothing; anything else wrong is a malformed body.
    if (envelope.error.issues.every((i) => i.path[0] === 'signature')) throw notThis();
    throw malformed();
  }
  const inner = json(Buffer.from(envelope.data.statement, 'utf8'));
  if (!inner.ok) throw malformed();
  const said = statementAnyDigest.safeParse(inner.value);
  if (!said.success || said.data.messageId !== expect.messageId || said.data.office !== expect.office) throw notThis();
  if (said.data.sha256 !== expect.sha256) throw new HttpError(400, 'receipt_digest', '受領証のハッシュが保管データと一致しません', 'The receipt hash differs from the stored payload');
  return { ...envelope.data, said: { ...said.data, sha256: expect.sha256 } };
}

/** The body of `PUT /v1/directory/me`. */
export function readDirectoryUpdate(body: Buffer): { name: string | undefined; serviceTypes: string[] } {
  const raw = json(body);
  const update = raw.ok ? directoryUpdateSchema.safeParse(raw.value) : undefined;
  if (!update?.success) throw new HttpError(400, 'bad_json', 'JSON が正しくありません', 'Malformed JSON');
  return update.data;
}

export function readPageQuery(url: URL): PageQuery {
  return pageQuerySchema.parse({ after: url.searchParams.get('after'), limit: url.searchParams.get('limit') });
}

export function readDirectoryQuery(url: URL): DirectoryQuery {
  return directoryQuerySchema.parse({ q: url.searchParams.get('q'), type: url.searchParams.get('type'), limit: url.searchParams.get('limit') });
}
