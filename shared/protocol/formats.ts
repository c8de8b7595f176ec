// The small formats every part of the relay protocol is built from. The relay has always refused
// anything else, so these patterns are the protocol's, not a client's preference.
import { z } from 'zod';

/** The protocol version in every path (`/v1/…`) and in the health answer. */
export const API_VERSION = 'v1';

/** 事業所番号: ten digits. */
export const OFFICE_PATTERN = /^\d{10}$/;
/** サービス種類コード: two digits or capital letters. */
export const SERVICE_TYPE_PATTERN = /^[0-9A-Z]{2}$/;
/** The client chooses message ids; they travel in paths and headers, so the alphabet is URL-safe. */
export const MESSAGE_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
/** SHA-256 as the relay writes it: lowercase hex. */
export const SHA256_PATTERN = /^[0-9a-f]{64}$/;
/** 送信単位の通番: the fourteen-digit timestamp in the file names (yyyyMMddHHmmss). */
export const SEQUENCE_PATTERN = /^\d{14}$/;
/** 対象年月: yyyyMM. */
export const MONTH_PATTERN = /^\d{6}$/;

export const officeNumberSchema = z.string().regex(OFFICE_PATTERN);
export const serviceTypeSchema = z.string().regex(SERVICE_TYPE_PATTERN);
export const messageIdSchema = z.string().regex(MESSAGE_ID_PATTERN);
export const sha256Schema = z.string().regex(SHA256_PATTERN);

/** An office as one side of a message: its number and the service type it acts as. */
export const officeRefSchema = z.object({ office: officeNumberSchema, serviceType: serviceTypeSchema });
export type OfficeRef = z.infer<typeof officeRefSchema>;

/**
 * A whole-number query parameter as the relay has always read it: absent or not a whole number
 * ≥ 0 means the default, larger than the cap means the cap.
 */
export function countParam(fallback: number, cap: number) {
  return z
    .string()
    .nullable()
    .transform((raw) => {
      const n = Number(raw ?? fallback);
      return Number.isInteger(n) && n >= 0 ? Math.min(n, cap) : fallback;
    });
}

/**
 * The largest send unit on the wire: the CMS EnvelopedData a sender submits, 20 MiB. The relay
 * refuses a larger body (413 too_large) and uses this as its default `maxUnitBytes`; a sender can
 * check before uploading and a receiver need never accept more. It leaves room for the largest
 * plaintext a sender seals (pki/limits.ts MAX_UNIT_BYTES, 16 MiB: sealing adds the signature with
 * its certificates and about 0.4 %, about 16.07 MiB in all); relay/hardening.test.ts checks that
 * the two stay consistent. The plaintext limit cannot be imported here (shared/ does not import pki/).
 */
export const MAX_UNIT_CIPHERTEXT_BYTES = 20 * 1024 * 1024;

/** The request headers of `POST /v1/messages` (HTTP lowercases header names). */
export const HEADERS = {
  messageId: 'careplan-message-id',
  meta: 'careplan-meta',
  sha256: 'careplan-sha256',
} as const;
