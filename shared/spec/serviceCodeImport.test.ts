// The municipal 総合事業 master importer, on a made-up file in the published 19-column layout.
import { describe, expect, it } from 'vitest';
import { importMunicipalMaster, MUNICIPAL_HEADER } from './serviceCodeImport.js';
import { ServiceCodeMasterError } from './serviceCodes.js';

// Invented rows (not any municipality's data): the layout is the published one, the values are ours.
const row = (cells: Partial<Record<(typeof MUNICIPAL_HEADER)[number], string>>) => MUNICIPAL_HEADER.map((h) => cells[h] ?? '').join(',');
const FILE = [
  MUNICIPAL_HEADER.join(','),
  row({ 保険者番号: '999999', サービス種類コード: 'A2', サービス項目コード: 'X001', 適用開始年月: '202404', 適用終了年月: '999999', サービス名称: '架空の訪問型サービス', 単位数: '1000', 限度額管理対象区分: '3' }),
  row({ 保険者番号: '999999', サービス種類コード: 'A2', サービス項目コード: 'X901', 適用開始年月: '202404', サービス名称: '架空の加算', 単位数: '' }),
  row({ 保険者番号: '999999', サービス種類コード: 'A2', サービス項目コード: 'X9', サービス名称: '桁の足りないコード' }),
  '',
].join('\r\n');

describe('importMunicipalMaster', () => {
  it('takes code, name, units, insurer and months; keeps what it cannot interpret in the note; never sets limit', () => {
    const { master, skipped } = importMunicipalMaster(FILE, 'mura.csv');
    expect(master.entries).toEqual([
      { code: 'A2X001', name: '架空の訪問型サービス', units: 1000, insurer: '999999', from: '202404', note: '適用終了年月=999999、限度額管理対象区分=3（取り込み時に解釈していない値 / values not interpreted on import）' },
      { code: 'A2X901', name: '架空の加算', insurer: '999999', from: '202404' },
    ]);
    expect(master.entries.every((e) => e.limit === undefined)).toBe(true);
    expect(skipped).toEqual([{ line: 4, why: expect.stringContaining('code') as string }]);
    expect(master.find('A2X001', { insurer: '999999', month: '202504' })!.name).toBe('架空の訪問型サービス');
  });

  it('refuses another layout (a header it does not know, or one without the columns it reads)', () => {
    const err = (text: string) => {
      try {
        importMunicipalMaster(text, 'x.csv');
        return '';
      } catch (e) {
        expect(e).toBeInstanceOf(ServiceCodeMasterError);
        return (e as Error).message;
      }
    };
    expect(err('サービスコード,サービス名称\r\n111111,a\r\n')).toContain('不明: サービスコード');
    expect(err(MUNICIPAL_HEADER.filter((h) => h !== '単位数').join(',') + '\r\n')).toContain('不足: 単位数');
    expect(err(MUNICIPAL_HEADER.join(',') + '\r\n')).toContain('取り込めるコードが1件もありません');
  });
});
