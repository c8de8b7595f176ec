// A send unit travels as one signed document: a small JSON bundle holding every file's name,
// hash and bytes, so the recipient gets exactly what was validated and signed.
import { createHash } from 'node:crypto';

export const BUNDLE_FORMAT = 'careplan-link-unit/1';

export interface UnitHeader {
  messageId: string;
  sender: { office: string; serviceType: string };
  receiver: { office: string; serviceType: string };
  sequence: string;
  month: string | null;
  kinds: string[];
}

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

export class BundleError extends Error {
  override name = 'BundleError';
}

const SAFE_NAME = /^[A-Za-z0-9_.-]{1,200}$/;

export function unpackBundle(bytes: Buffer): { header: UnitHeader; files: BundleFile[] } {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new BundleError('送信単位の中身を読めません / the unit bundle is not readable');
  }
  if (raw.format !== BUNDLE_FORMAT || !Array.isArray(raw.files)) throw new BundleError(`未知の形式です / unknown bundle format: ${String(raw.format)}`);
  const files = (raw.files as { name?: unknown; sha256?: unknown; data?: unknown }[]).map((f) => {
    if (typeof f.name !== 'string' || !SAFE_NAME.test(f.name) || typeof f.data !== 'string') throw new BundleError('ファイル名または内容が不正です / bad file entry');
    const data = Buffer.from(f.data, 'base64');
    if (sha256(data) !== f.sha256) throw new BundleError(`ファイルのハッシュが一致しません / hash mismatch: ${f.name}`);
    return { name: f.name, data };
  });
  const header = raw as unknown as UnitHeader;
  return {
    header: { messageId: header.messageId, sender: header.sender, receiver: header.receiver, sequence: header.sequence, month: header.month, kinds: header.kinds },
    files,
  };
}

/** Same unit, same id: a resend of the same files can never become a second message. */
export function unitMessageId(header: Omit<UnitHeader, 'messageId' | 'kinds' | 'month'>, files: BundleFile[]): string {
  const h = createHash('sha256');
  h.update(`${header.sender.office}_${header.sender.serviceType}>${header.receiver.office}_${header.receiver.serviceType}#${header.sequence}`);
  for (const f of [...files].sort((a, b) => a.name.localeCompare(b.name))) h.update(`\n${f.name}:${sha256(f.data)}`);
  return h.digest('base64url').slice(0, 32);
}
