// Send units on the wire: the Careplan-Meta header a sender declares, the message the relay answers
// with (status and receipts included) and the inbox/outbox pages.
import { z } from 'zod';
import { MONTH_PATTERN, SEQUENCE_PATTERN, countParam, messageIdSchema, officeRefSchema, sha256Schema } from './formats.js';

/**
 * A file name or a record kind listed in the meta: the receiver writes files under these names,
 * so a path separator is never allowed.
 */
const listedName = z
  .string()
  .min(1)
  .max(199)
  .refine((s) => !/[\\/]/.test(s), 'no path separators');
const nameList = z.array(listedName).min(1).max(1000);

/** The JSON inside the `Careplan-Meta` header (base64url): what the sender says the unit is. */
export const metaHeaderSchema = z.object({
  sender: officeRefSchema,
  receiver: officeRefSchema,
  sequence: z.string().regex(SEQUENCE_PATTERN),
  /** Required, but null for units that belong to no month. */
  month: z.string().regex(MONTH_PATTERN).nullable(),
  kinds: nameList,
  files: nameList,
});
export type MetaHeader = z.infer<typeof metaHeaderSchema>;

/** A unit as the relay keeps it: the declared meta plus the id, size and hash of the bytes it got. */
export const messageMetaSchema = z.object({
  messageId: messageIdSchema,
  ...metaHeaderSchema.shape,
  size: z.number().int().nonnegative(),
  sha256: sha256Schema,
});
export type MessageMeta = z.infer<typeof messageMetaSchema>;

/** queued → delivered → received → imported, or quarantined (API.md, “Message states”). */
export const messageStatusSchema = z.enum(['queued', 'delivered', 'received', 'imported', 'quarantined']);
export type MessageStatus = z.infer<typeof messageStatusSchema>;

/** What a signed receipt says the receiver did with a unit. */
export const dispositionSchema = z.enum(['received', 'imported', 'quarantined']);
export type Disposition = z.infer<typeof dispositionSchema>;

/** A receipt as stored and listed with its message. */
export const receiptSchema = z.object({
  disposition: dispositionSchema,
  reason: z.string().nullable(),
  at: z.string(),
  /** The exact bytes the recipient signed (JSON, see receiptStatementSchema) … */
  statement: z.string(),
  /** … and its detached CMS SignedData, base64. */
  signature: z.string(),
});
export type Receipt = z.infer<typeof receiptSchema>;

/** A message as the relay answers it (submit, `GET /v1/messages/{id}`, receipts, inbox, outbox). */
export const publicMessageSchema = messageMetaSchema.extend({
  cursor: z.number().int().nonnegative(),
  status: messageStatusSchema,
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  receipts: z.array(receiptSchema),
});
export type PublicMessage = z.infer<typeof publicMessageSchema>;

/** `GET /v1/inbox` and `GET /v1/outbox`: pass `next` as `after` for the next page. */
export const messagePageSchema = z.object({
  messages: z.array(publicMessageSchema),
  next: z.number().int().nonnegative(),
});
export type MessagePage = z.infer<typeof messagePageSchema>;

/** `?after=<cursor>&limit=<n>` of the inbox and outbox (limit 0 means the default, at most 500). */
export const pageQuerySchema = z.object({
  after: countParam(0, Number.MAX_SAFE_INTEGER),
  limit: countParam(100, 500).transform((n) => n || 100),
});
export type PageQuery = z.infer<typeof pageQuerySchema>;
