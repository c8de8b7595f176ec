// The office directory: who is registered, under which service types, with which certificate
// (senders encrypt to it), and what an office may say about itself.
import { z } from 'zod';
import { SERVICE_TYPE_PATTERN, countParam, officeNumberSchema, serviceTypeSchema } from './formats.js';

export const directoryEntrySchema = z.object({
  office: officeNumberSchema,
  name: z.string(),
  serviceTypes: z.array(serviceTypeSchema),
  /** The office certificate the relay last saw (PEM). */
  certificate: z.string(),
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

/**
 * How the relay reads `PUT /v1/directory/me`. It has always been forgiving here, and stays so: a
 * blank or missing name keeps the current one (a long one is cut at 200 characters), entries of
 * serviceTypes that are not service types are dropped, and no list means none.
 */
export const directoryUpdateSchema = z.object({
  name: z
    .string()
    .optional()
    .catch(undefined)
    .transform((n) => (n !== undefined && n.trim() !== '' ? n.trim().slice(0, 200) : undefined)),
  serviceTypes: z
    .array(z.unknown())
    .catch([])
    .transform((list) => list.filter((t): t is string => typeof t === 'string' && SERVICE_TYPE_PATTERN.test(t))),
});
