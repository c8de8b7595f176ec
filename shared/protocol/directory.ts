// The office directory: who is registered, under which service types, with which certificate
// (senders encrypt to it), and what an office may say about itself.
import { z } from 'zod';
import { SERVICE_TYPE_PATTERN, countParam, officeNumberSchema, serviceTypeSchema } from './formats.js';

/** One certificate an office has connected with and that is valid now. */
export const officeCertificateSchema = z.object({
  pem: z.string(),
  /** SHA-256 of the DER, as Node prints it (colon-separated uppercase hex). */
  fingerprint: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  /** The one senders encrypt to: the newest notBefore among those valid now. */
  current: z.boolean(),
});
export type OfficeCertificate = z.infer<typeof officeCertificateSchema>;

export const directoryEntrySchema = z.object({
  office: officeNumberSchema,
  /** Display name, sanitised by the relay (sanitizeDisplayName); clients show the office number beside it. */
  name: z.string(),
  serviceTypes: z.array(serviceTypeSchema),
  /**
   * The current certificate (PEM): what a sender encrypts to. When none is valid any more, the
   * newest one the relay knows (then `certificates` is empty and a sender must not use it).
   */
  certificate: z.string(),
  /**
   * Every certificate of the office valid now (issue 11), the current one marked. Optional so that
   * answers of relays before it still parse: then `certificate` is the only one known.
   */
  certificates: z.array(officeCertificateSchema).optional(),
  lastSeen: z.string(),
});
export type DirectoryEntry = z.infer<typeof directoryEntrySchema>;

/** `GET /v1/directory`. */
export const directoryListSchema = z.object({ offices: z.array(directoryEntrySchema) });
export type DirectoryList = z.infer<typeof directoryListSchema>;

/** `?q=<text>&type=<service type>&limit=<n>`: empty means no filter, limit 0 the default, at most 1000. */
export const directoryQuerySchema = z.object({
  q: z
    .string()
    .nullable()
    .transform((v) => v || undefined),
  type: z
    .string()
    .nullable()
    .transform((v) => v || undefined),
  limit: countParam(100, 1000).transform((n) => n || 100),
});
export type DirectoryQuery = z.infer<typeof directoryQuerySchema>;

/** What a client sends to `PUT /v1/directory/me`. */
export interface DirectoryUpdate {
  name?: string;
  serviceTypes: string[];
}

/** The longest display name the directory keeps (characters, after sanitising). */
export const MAX_DISPLAY_NAME_LENGTH = 200;

// Characters that can make a name look like another one or hide part of it: controls (Cc) and
// format characters (Cf: bidirectional embeddings, overrides, isolates and marks, zero-width
// characters, the BOM). Line and paragraph breaks become spaces first.
const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]/g;
const HIDDEN_OR_CONTROL = /[\p{Cc}\p{Cf}]/gu;

/**
 * A display name as the directory keeps it: without control, bidi or zero-width characters, line
 * breaks and tabs as spaces, runs of spaces as one, trimmed, at most MAX_DISPLAY_NAME_LENGTH
 * characters; undefined when nothing is left. Names are not unique and prove nothing: the office
 * number beside a name is what identifies an office, and clients show it with every name.
 */
export function sanitizeDisplayName(raw: string): string | undefined {
  const clean = raw
    .replace(LINE_BREAKS, ' ')
    .replace(HIDDEN_OR_CONTROL, '')
    // Only ASCII spaces are folded: the ideographic space (U+3000) belongs to Japanese names.
    .replace(/ {2,}/g, ' ')
    .trim();
  return clean === '' ? undefined : Array.from(clean).slice(0, MAX_DISPLAY_NAME_LENGTH).join('').trim();
}

/**
 * How the relay reads `PUT /v1/directory/me`. It has always been forgiving here, and stays so: a
 * blank or missing name keeps the current one, a name is sanitised (sanitizeDisplayName) rather
 * than refused, entries of serviceTypes that are not service types are dropped, and no list means none.
 */
export const directoryUpdateSchema = z.object({
  name: z
    .string()
    .optional()
    .catch(undefined)
    .transform((n) => (n === undefined ? undefined : sanitizeDisplayName(n))),
  serviceTypes: z
    .array(z.unknown())
    .catch([])
    .transform((list) => list.filter((t): t is string => typeof t === 'string' && SERVICE_TYPE_PATTERN.test(t))),
});
