// A master file as a spreadsheet writes it: UTF-8 with or without a BOM, or MS932.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { ServiceCodeMasterError } from '../../shared/spec/serviceCodes.js';
import { decodeMasterText, loadServiceCodeMaster } from './serviceCodeFile.js';

const SAMPLE = join(import.meta.dirname, '..', '..', 'specs', 'samples', 'service-codes.sample.csv');
const text = readFileSync(SAMPLE, 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'cpl-master-'));

describe('loadServiceCodeMaster', () => {
  it('reads the same master from UTF-8, UTF-8 with a BOM and MS932 bytes', () => {
    const utf8 = loadServiceCodeMaster(SAMPLE);
    const bom = join(dir, 'bom.csv');
    writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
    const sjis = join(dir, 'sjis.csv');
    writeFileSync(sjis, iconv.encode(text, 'cp932'));
    expect(iconv.encode(text, 'cp932').equals(Buffer.from(text))).toBe(false);
    expect(loadServiceCodeMaster(bom).entries).toEqual(utf8.entries);
    expect(loadServiceCodeMaster(sjis).entries).toEqual(utf8.entries);
    expect(loadServiceCodeMaster(sjis).name).toBe('sjis.csv');
    expect(utf8.entries[0]!.name).toBe('サンプル訪問介護Ａ（架空）');
  });

  it('decodes by the bytes: valid UTF-8 stays UTF-8', () => {
    expect(decodeMasterText(Buffer.from('コード'))).toBe('コード');
    expect(decodeMasterText(iconv.encode('コード', 'cp932'))).toBe('コード');
  });

  it('says which file it cannot read', () => {
    expect(() => loadServiceCodeMaster(join(dir, 'missing.csv'))).toThrow(ServiceCodeMasterError);
    expect(() => loadServiceCodeMaster(join(dir, 'missing.csv'))).toThrow(/サービスコード表 .*missing\.csv を読めません/);
  });
});
