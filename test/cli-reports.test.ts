// check --format html, check --service-codes and specs, as users run them (the built CLI).
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckReport } from '../shared/report/types.js';
import { cli, ROOT } from './cli.js';

const SAMPLE = join(ROOT, 'specs', 'samples', 'service-codes.sample.csv');
const INVALID = join(ROOT, 'fixtures', 'invalid');

describe('check --format html', () => {
  it('prints one self-contained page to standard output, exit 1 when there are errors', () => {
    const r = cli(['check', '--format', 'html', join(INVALID, 'dltkihon-insured-number'), join(INVALID, 'upjsk-month-mismatch')]);
    expect(r.status).toBe(1);
    expect(r.stdout.startsWith('<!DOCTYPE html>\n<html lang="ja">')).toBe(true);
    expect(r.stdout).toContain('data-code="E_FIELD_INSURED_NUMBER"');
    expect(r.stdout).not.toMatch(/https?:|<script|<link|\ssrc=/i);
    expect(cli(['check', '--format', 'html', '--lang', 'en', join(ROOT, 'fixtures', 'valid')]).stdout).toContain('<html lang="en">');
  });

  it('masks values under --redact as the JSON report does', () => {
    const r = cli(['check', '--format', 'html', '--redact', join(INVALID, 'dltkihon-insured-number')]);
    expect(r.stdout).not.toContain('A123456789');
    expect(r.stdout).toContain('<code>＊＊＊</code>');
  });
});

describe('check --service-codes', () => {
  it('passes the valid fixtures with the sample master: no error, no warning', () => {
    const r = cli(['check', '--format', 'json', '--service-codes', SAMPLE, join(ROOT, 'fixtures', 'valid')]);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as CheckReport).summary).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('names services in findings, and refuses a master it cannot read (exit 2, naming the file)', () => {
    const r = JSON.parse(cli(['check', '--format', 'json', '--service-codes', SAMPLE, join(INVALID, 'upjsk-month-mismatch')]).stdout) as CheckReport;
    expect(r.files[0]!.errors[0]!.service).toBe('111111 サンプル訪問介護Ａ（架空）');
    const dir = mkdtempSync(join(tmpdir(), 'cpl-master-'));
    writeFileSync(join(dir, 'bad.csv'), 'サービスコード,名前\r\n111111,a\r\n');
    const bad = cli(['check', '--service-codes', join(dir, 'bad.csv'), join(ROOT, 'fixtures', 'valid')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('サービスコード表 bad.csv: 見出し「名前」は知らない列です');
  });
});

describe('specs', () => {
  it('exports the 17 layouts in both formats', () => {
    for (const format of ['table-schema', 'json-schema']) {
      const dir = mkdtempSync(join(tmpdir(), 'cpl-export-'));
      const r = cli(['specs', 'export', '--format', format, '--out', dir]);
      expect(r.status).toBe(0);
      expect(readdirSync(dir)).toHaveLength(17);
    }
  });

  it('answers a missing subcommand with the usage text (exit 2)', () => {
    const r = cli(['specs']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('careplan-link specs export');
  });
});
