// A send unit travels as one signed document: a small JSON bundle holding every file's name,
// hash and bytes, so the recipient gets exactly what was validated and signed.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parseAtBoundary } from '../../shared/boundary.js';
import { LocalizedError, type LocalizedText } from '../../shared/errors.js';

export const BUNDLE_FORMAT = 'careplan-link-unit/1';

const partySchema = z.object({ office: z.string(), serviceType: z.string() });

export const unitHeaderSchema = z.object({
  messageId: z.string(),
  sender: partySchema,
  receiver: partySchema,
  sequence: z.string(),
  month: z.string().nullable(),
  kinds: z.array(z.string()),
});

export type UnitHeader = z.infer<typeof unitHeaderSchema>;

export interface BundleFile {
  name: string;
  data: Buffer;
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function packBundle(header: UnitHeader, files: BundleFile[]): Buffer {
  const body = {
    format: BUNDLE_FORMAT,
    ...header,
    files: files.map((f) => ({ name: f.name, size: f.data.length, sha256: sha256(f.data), data: f.data.toString('base64') })),
  };
  return Buffer.from(JSON.stringify(body), 'utf8');
}

export class BundleError extends LocalizedError {
  override name = 'BundleError';
  constructor(text: LocalizedText, options: { cause?: unknown } = {}) {
    super('bundle', text, options);
  }
}

/** A file name that is safe to create in the import folder: no path, nothing a shell or Windows trips on. */
const SAFE_NAME = /^[A-Za-z0-9_.-]{1,200}$/;

// The format is looked at first, so a bundle of another (say, newer) format is named as such
// instead of being reported by whichever of its fields happens to differ.
const formatSchema = z.object({ format: z.literal(BUNDLE_FORMAT) });

const bundleSchema = unitHeaderSchema.extend({
  format: z.literal(BUNDLE_FORMAT),
  files: z.array(z.object({ name: z.string().regex(SAFE_NAME), size: z.number().optional(), sha256: z.string(), data: z.string() })),
});

export function unpackBundle(bytes: Buffer): { header: UnitHeader; files: BundleFile[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new BundleError({ ja: '送信単位の中身を読めません', en: 'the unit bundle is not readable' }, { cause: e });
  }
  if (!formatSchema.safeParse(raw).success) {
    const format = typeof raw === 'object' && raw !== null ? String((raw as { format?: unknown }).format) : typeof raw;
    throw new BundleError({ ja: `未知の形式です: ${format}`, en: `unknown bundle format: ${format}` });
  }
  const parsed = parseAtBoundary(bundleSchema, raw);
  if (!parsed.ok) throw new BundleError({ ja: `送信単位の中身が正しくありません: ${parsed.problem.ja}`, en: `the unit bundle is invalid: ${parsed.problem.en}` });
  const files = parsed.data.files.map((f) => {
    const data = Buffer.from(f.data, 'base64');
    if (sha256(data) !== f.sha256) throw new BundleError({ ja: `ファイルのハッシュが一致しません: ${f.name}`, en: `hash mismatch: ${f.name}` });
    return { name: f.name, data };
  });
  const { messageId, sender, receiver, sequence, month, kinds } = parsed.data;
  return { header: { messageId, sender, receiver, sequence, month, kinds }, files };
}

/** Same unit, same id: a resend of the same files can never become a second message. */
export function unitMessageId(header: Omit<UnitHeader, 'messageId' | 'kinds' | 'month'>, files: BundleFile[]): string {
  return unitMessageIdOf(header, files.map((f) => ({ name: f.name, sha256: sha256(f.data) })));
}

/** The same id from the files' SHA-256 (a check report has them): is this unit already in the history? */
export function unitMessageIdOf(header: Omit<UnitHeader, 'messageId' | 'kinds' | 'month'>, files: { name: string; sha256: string }[]): string {
  const h = createHash('sha256');
  h.update(`${header.sender.office}_${header.sender.serviceType}>${header.receiver.office}_${header.receiver.serviceType}#${header.sequence}`);
  for (const f of [...files].sort((a, b) => a.name.localeCompare(b.name))) h.update(`\n${f.name}:${f.sha256}`);
  return h.digest('base64url').slice(0, 32);
}
