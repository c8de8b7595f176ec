// サービスコード表のファイルを読む: `careplan-link check --service-codes FILE`. The file is JSON or CSV
// (docs/service-codes.md), written by a spreadsheet as UTF-8 (with or without a BOM) or MS932; the
// bytes decide which: text that is not valid UTF-8 is read as MS932.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { masterFromText, ServiceCodeMasterError, type ServiceCodeMaster } from '../../shared/spec/serviceCodes.js';
import { decodeMs932 } from './ms932.js';

/** UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, else MS932. */
export function decodeMasterText(bytes: Uint8Array): string {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    const decoder = decodeMs932();
    return decoder.write(bytes) + decoder.end();
  }
}

export function loadServiceCodeMaster(path: string): ServiceCodeMaster {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new ServiceCodeMasterError({ ja: `サービスコード表 ${path} を読めません: ${(e as Error).message}`, en: `service-code master ${path}: cannot read the file: ${(e as Error).message}` });
  }
  // Findings name the master by its title, or by the file name (not the whole path).
  return masterFromText(decodeMasterText(bytes), basename(path));
}
