// MS932 (Windows-31J) through iconv-lite, whose "shift_jis" table is Microsoft's CP932.
import iconv from 'iconv-lite';
import type { DecoderFactory } from '../../shared/validator/index.js';

export const decodeMs932: DecoderFactory = () => {
  const d = iconv.getDecoder('cp932');
  return {
    write: (bytes) => d.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
    end: () => d.end() ?? '',
  };
};

export class UnencodableTextError extends Error {
  override name = 'UnencodableTextError';
  constructor(readonly character: string) {
    super(`MS932 で表せない文字があります / not representable in MS932: ${character} (U+${character.codePointAt(0)!.toString(16).toUpperCase()})`);
  }
}

/** Encodes text as MS932 and refuses characters that iconv-lite would silently turn into "?". */
export function encodeMs932(text: string): Buffer {
  const bytes = iconv.encode(text, 'cp932');
  const back = iconv.decode(bytes, 'cp932');
  if (back !== text) {
    const a = [...text];
    const b = [...back];
    const i = a.findIndex((ch, k) => ch !== b[k]);
    throw new UnencodableTextError(a[i] ?? '?');
  }
  return bytes;
}
