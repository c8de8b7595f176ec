// Receipts on the wire: the body of `POST /v1/messages/{id}/receipt` and the statement inside it,
// which the receiving office signs and anyone holding the CA can check later.
import { z } from 'zod';
import { dispositionSchema } from './messages.js';
import { messageIdSchema, officeNumberSchema, sha256Schema } from './formats.js';

/** The statement is sent as a string: the signature covers exactly its UTF-8 bytes. */
export const receiptBodySchema = z.object({
  statement: z.string(),
  /** base64 DER of a detached CMS SignedData over the statement. */
  signature: z.string(),
});
export type ReceiptBody = z.infer<typeof receiptBodySchema>;

/** The JSON the receiver signs: this message, these bytes, this outcome, by this office. */
export const receiptStatementSchema = z.object({
  messageId: messageIdSchema,
  sha256: sha256Schema,
  disposition: dispositionSchema,
  // The relay has always read a reason that is not text, or none at all, as no reason.
  reason: z.string().nullable().catch(null),
  at: z.string(),
  office: officeNumberSchema,
});
export type ReceiptStatement = z.infer<typeof receiptStatementSchema>;
