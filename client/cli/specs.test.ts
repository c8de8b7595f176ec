// careplan-link specs, run in-process (the dist/ CLI tests cover the wiring in run.ts).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MUNICIPAL_HEADER } from '../../shared/spec/serviceCodeImport.js';
import { masterFromText } from '../../shared/spec/serviceCodes.js';
import { UsageError } from './run.js';
import { runSpecs } from './specs.js';

function io() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (s: string) => void (out.stdout += s), stderr: (s: string) => void (out.stderr += s) } };
}

describe('careplan-link specs export', () => {
  for (const [format, suffix] of [['table-schema', '.tableschema.json'], ['json-schema', '.schema.json']] as const) {
    it(`writes one ${format} file per file type (17), the same bytes on a second run`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cpl-export-'));
      const { out, io: stdio } = io();
      expect(await runSpecs(['export', '--format', format, '--out', dir], stdio)).toBe(0);
      const files = readdirSync(dir).sort();
      expect(files).toHaveLength(17);
      expect(files.every((f) => f.endsWith(suffix))).toBe(true);
      expect(files).toContain(`UPPLAN${suffix}`);
      expect(out.stdout).toContain(`wrote 17 ${format} files`);
      const first = readFileSync(join(dir, `UPSIKYU${suffix}`), 'utf8');
      expect(JSON.parse(first)).toMatchObject({ title: 'UPSIKYU 第7表 サービス利用票別表' });
      await runSpecs(['export', '--format', format, '--out', dir], stdio);
      expect(readFileSync(join(dir, `UPSIKYU${suffix}`), 'utf8')).toBe(first);
    });
  }

  it('refuses a missing or unknown format, a missing --out and a missing subcommand', async () => {
    const { io: stdio } = io();
    await expect(runSpecs(['export', '--out', 'x'], stdio)).rejects.toBeInstanceOf(UsageError);
    await expect(runSpecs(['export', '--format', 'csvw', '--out', 'x'], stdio)).rejects.toThrow(/table-schema or json-schema/);
    await expect(runSpecs(['export', '--format', 'json-schema'], stdio)).rejects.toThrow(/--out is required/);
    await expect(runSpecs([], stdio)).rejects.toThrow(/export or import-service-codes/);
  });
});

describe('careplan-link specs import-service-codes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cpl-import-'));
  const input = join(dir, 'mura.csv');
  writeFileSync(input, [MUNICIPAL_HEADER.join(','), MUNICIPAL_HEADER.map((h) => ({ サービス種類コード: 'A2', サービス項目コード: 'X001', サービス名称: '架空の訪問型サービス', 単位数: '1000', 保険者番号: '999999' })[h as string] ?? '').join(',')].join('\r\n') + '\r\n');

  it('writes our master as JSON or CSV, loadable by check --service-codes, and never overwrites', async () => {
    const { out, io: stdio } = io();
    const json = join(dir, 'master.json');
    expect(await runSpecs(['import-service-codes', '--from', 'municipal-csv', '--out', json, input], stdio)).toBe(0);
    expect(out.stdout).toContain('wrote 1 codes');
    expect(masterFromText(readFileSync(json, 'utf8'), 'master.json').entries).toEqual([{ code: 'A2X001', name: '架空の訪問型サービス', units: 1000, insurer: '999999' }]);
    const csv = join(dir, 'master.csv');
    await runSpecs(['import-service-codes', '--from', 'municipal-csv', '--out', csv, input], stdio);
    expect(readFileSync(csv, 'utf8').startsWith('\uFEFFサービスコード,サービス名称')).toBe(true);
    expect(masterFromText(readFileSync(csv, 'utf8'), 'master.csv').entries).toHaveLength(1);
    await expect(runSpecs(['import-service-codes', '--from', 'municipal-csv', '--out', csv, input], stdio)).rejects.toThrow(/already exists/);
  });

  it('has no importer for the national table, and says why', async () => {
    const { io: stdio } = io();
    await expect(runSpecs(['import-service-codes', '--from', 'national', '--out', join(dir, 'n.json'), input], stdio)).rejects.toThrow(/no public machine-readable layout/);
  });
});
