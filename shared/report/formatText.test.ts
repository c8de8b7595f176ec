// The text report names service types beside their codes, and a record's service when a master is given.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadServiceCodeMaster } from '../../client/check/serviceCodeFile.js';
import { checkPaths } from '../../client/check/validation.js';
import { formatText } from './formatText.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CASE = join(ROOT, 'fixtures', 'invalid', 'upjsk-month-mismatch');

describe('formatText', () => {
  it('shows 「11 訪問介護」 beside the service-type codes of files and units', async () => {
    const report = await checkPaths([CASE], { units: true });
    const ja = formatText(report, 'ja');
    expect(ja).toContain('1310000029(11 訪問介護) → 1310000011(43 居宅介護支援)');
    expect(ja).toMatch(/送信単位 1310000029\(11 訪問介護\) → 1310000011\(43 居宅介護支援\)/);
    expect(formatText(report, 'en')).toContain('1310000029(11 Home help) → 1310000011(43 Care management)');
    expect(ja).not.toContain('[111111');
  });

  it('names the record\'s service after the problem when a master is given', async () => {
    const master = loadServiceCodeMaster(join(ROOT, 'specs', 'samples', 'service-codes.sample.json'));
    const ja = formatText(await checkPaths([CASE], { serviceCodes: master }), 'ja');
    expect(ja).toContain('対象年月 202505 がファイル名の年月 202504 と違います [111111 サンプル訪問介護Ａ（架空）]');
  });
});
