// The careplan-link command as users run it: exit codes, formats, messages, and nothing lost.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckReport } from '../shared/report/types.js';
import { cli, ROOT } from './cli.js';

const VALID = join(ROOT, 'fixtures', 'valid');
const INVALID = join(ROOT, 'fixtures', 'invalid');
const one = (c: string) => {
  const dir = join(INVALID, c);
  return join(dir, readdirSync(dir).find((f) => f !== 'expected.json')!);
};

describe('usage', () => {
  it('prints help with exit 0, and exits 2 without a command', () => {
    const help = cli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('careplan-link check');
    expect(cli([]).status).toBe(2);
  });

  it('refuses unknown commands and options in Japanese, then English (exit 2)', () => {
    const r = cli(['send-now']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/不明なコマンドです \/ unknown command: send-now/);
    const bad = cli(['check', '--format', 'xml', VALID]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--format は text|json|junit|sarif');
    expect(cli(['check', '--bogus', VALID]).status).toBe(2);
    expect(cli(['check']).status).toBe(2);
  });

  it('reports a missing path as an I/O problem (exit 2)', () => {
    const r = cli(['check', join(ROOT, 'no-such-folder')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('見つかりません / not found');
  });
});

describe('check output formats', () => {
  const bad = one('up2kyo-range-and-code');

  it('json: exactly one object with files, units and summary', () => {
    const r = cli(['check', '--format', 'json', bad]);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as CheckReport;
    expect(Object.keys(report).sort()).toEqual(['files', 'summary', 'units']);
    const f = report.files[0]!;
    expect(f.fileType).toBe('UP2KYO');
    expect(f.meta).toMatchObject({ kind: 'UP2KYO', sender: { office: '1310000011', serviceType: '43' }, receiver: { office: '1310000029', serviceType: '11' } });
    expect(f.errors[0]).toMatchObject({ code: 'E_FIELD_OUT_OF_RANGE', severity: 'error', row: 2, line: 2, column: 6, field: '課題ＮＯ' });
    expect(f.errors[0]!.messageEn).toContain('Out of range');
    expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.summary).toMatchObject({ files: 1, invalidFiles: 1, errors: 2, specEdition: '4.1', csvVersion: '202407' });
  });

  it('text: a Japanese table by default, English with --lang en', () => {
    const ja = cli(['check', bad]);
    expect(ja.status).toBe(1);
    expect(ja.stdout).toMatch(/重要度\s+行\s+物理行\s+列\s+項目\s+内容\s+直し方/);
    expect(ja.stdout).toContain('範囲外の値です（1〜99）: 0');
    expect(ja.stdout).toContain('エラー 2件');
    const en = cli(['check', '--lang', 'en', bad]);
    expect(en.stdout).toMatch(/severity\s+row\s+line\s+col\s+field\s+problem\s+how to fix/);
    expect(en.stdout).toContain('Out of range (1-99): 0');
  });

  it('junit: one test case per file and unit, failures counted, text escaped', () => {
    const r = cli(['check', '--format', 'junit', join(INVALID, 'unit-ticket-without-table7')]);
    expect(r.status).toBe(1);
    expect(r.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(r.stdout).toMatch(/<testsuites name="careplan-link check" tests="3" failures="1">/);
    expect((r.stdout.match(/<testcase /g) ?? []).length).toBe(3);
    expect((r.stdout.match(/<failure /g) ?? []).length).toBe(1);
    expect(r.stdout).toContain('type="E_UNIT_MISSING_FILE"');
    // The unit key holds '>' — it must be escaped inside attributes.
    expect(r.stdout).toMatch(/name="1310000011_43&gt;1310000029_11#20250425120002"/);
  });

  it('sarif: 2.1.0 with a rule per code and a location per result', () => {
    const r = cli(['check', '--format', 'sarif', bad]);
    const sarif = JSON.parse(r.stdout) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0]!;
    expect(run.results.map((x) => x.ruleId).sort()).toEqual(['E_FIELD_CODE', 'E_FIELD_OUT_OF_RANGE']);
    for (const x of run.results) {
      expect(run.tool.driver.rules.some((rule) => rule.id === x.ruleId)).toBe(true);
      expect(x.level).toBe('error');
      expect(x.locations[0]!.physicalLocation.region.startLine).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('--redact', () => {
  it('masks personal values in file findings', () => {
    const file = one('dltkihon-insured-number');
    const plain = cli(['check', '--format', 'json', file]);
    expect(plain.stdout).toContain('A123456789');
    const r = cli(['check', '--format', 'json', '--redact', file]);
    expect(r.stdout).not.toContain('A123456789');
    const f = (JSON.parse(r.stdout) as CheckReport).files[0]!.errors[0]!;
    expect(f.code).toBe('E_FIELD_INSURED_NUMBER');
    expect(f.value).toBe('＊＊＊');
  });

  it('masks insured numbers in unit findings but keeps the last two digits', () => {
    const dir = join(INVALID, 'unit-ticket-user-missing');
    const plain = JSON.parse(cli(['check', '--format', 'json', dir]).stdout) as CheckReport;
    const redacted = JSON.parse(cli(['check', '--format', 'json', '--redact', dir]).stdout) as CheckReport;
    const user = plain.units[0]!.errors[0]!.message.match(/利用者 (\S+) が/)![1]!;
    const [, insured] = user.split('-');
    expect(insured).toMatch(/^\d{10}$/);
    const masked = redacted.units[0]!.errors[0]!.message;
    expect(masked).not.toContain(insured!);
    expect(masked).toContain(`********${insured!.slice(-2)}`);
  });
});

describe('fixtures command', () => {
  it('writes complete valid units that pass check, for another month and more users', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'cpl-fx-')), 'demo');
    const r = cli(['fixtures', '--out', out, '--month', '202602', '--users', '12']);
    expect(r.status).toBe(0);
    const names = readdirSync(out);
    expect(names.filter((n) => n.includes('_202602_')).length).toBe(6);
    const report = JSON.parse(cli(['check', '--format', 'json', out]).stdout) as CheckReport;
    expect(report.summary).toMatchObject({ invalidFiles: 0, invalidUnits: 0, errors: 0, units: 9 });
    expect(report.files.find((f) => f.fileType === 'UPHOSOKU' && f.meta!.serviceMonth === '202602')!.stats.records).toBe(12);
  });

  it('never overwrites an existing file', () => {
    const out = mkdtempSync(join(tmpdir(), 'cpl-fx-'));
    expect(cli(['fixtures', '--out', out, '--month', '202504']).status).toBe(0);
    const victim = join(out, readdirSync(out).find((n) => n.startsWith('UPPLAN_'))!);
    writeFileSync(victim, 'the clerk edited this');
    const before = statSync(victim).mtimeMs;
    const again = cli(['fixtures', '--out', out, '--month', '202504']);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('上書きしません');
    expect(readFileSync(victim, 'utf8')).toBe('the clerk edited this');
    expect(statSync(victim).mtimeMs).toBe(before);
  });

  it('rejects an impossible or pre-4.1 month', () => {
    const out = mkdtempSync(join(tmpdir(), 'cpl-fx-'));
    expect(cli(['fixtures', '--out', out, '--month', '202513']).status).toBe(2);
    expect(cli(['fixtures', '--out', out, '--month', '202412']).status).toBe(2);
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('check: what a folder contributes', () => {
  it('follows links to files, lists subfolders and other files as skipped, and counts a file named twice once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-dir-'));
    const name = readdirSync(VALID).find((n) => n.startsWith('DLTPLAN_'))!;
    symlinkSync(join(VALID, name), join(dir, name));
    mkdirSync(join(dir, 'old'));
    writeFileSync(join(dir, 'memo.txt'), 'not a spec file');
    const r = JSON.parse(cli(['check', '--format', 'json', dir, join(dir, name)]).stdout) as CheckReport;
    expect(r.files.map((f) => f.name)).toEqual([name]);
    expect(r.summary.ignored.map((p) => p.split('/').pop()).sort()).toEqual(['memo.txt', 'old']);
  });

  it('says so when there is nothing to check (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cpl-empty-'));
    const r = cli(['check', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('検査する標準仕様のファイル（.CSV / .jpg）がありません');
  });
});
