// Every committed fixture through the real CLI: valid files pass, each invalid case reports exactly
// the findings written down by hand in its expected.json, at the right row, line and column.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckReport, Finding } from '../shared/report/types.js';
import type { ExpectedCase, ExpectedFinding } from '../scripts/make-fixtures.js';
import { cli, ROOT } from './cli.js';

const FIXTURES = join(ROOT, 'fixtures');
const SPEC_PREFIXES = readdirSync(join(ROOT, 'specs', '202407')).filter((f) => f !== 'spec.json').map((f) => f.replace(/\.json$/, ''));
const ALL_KINDS = [...SPEC_PREFIXES, 'UPKIHON_IMAGE'];

function check(paths: string[]): { status: number; report: CheckReport } {
  const r = cli(['check', '--format', 'json', ...paths]);
  expect(r.stderr).toBe('');
  return { status: r.status, report: JSON.parse(r.stdout) as CheckReport };
}

function matches(f: Finding, e: ExpectedFinding): boolean {
  return f.code === e.code && (e.row === undefined || f.row === e.row) && (e.line === undefined || f.line === e.line) && (e.column === undefined || f.column === e.column);
}

function expectFindings(actual: Finding[], expected: ExpectedFinding[], exhaustive: boolean): void {
  for (const e of expected) expect(actual.some((f) => matches(f, e)), `expected ${JSON.stringify(e)} in ${JSON.stringify(actual.map((a) => [a.code, a.row, a.line, a.column]))}`).toBe(true);
  if (exhaustive) {
    const extra = actual.filter((f) => !expected.some((e) => matches(f, e)));
    expect(extra.map((f) => `${f.code} row ${f.row} line ${f.line} col ${f.column}: ${f.message}`)).toEqual([]);
  }
}

describe('valid fixtures', () => {
  const dir = join(FIXTURES, 'valid');
  const files = readdirSync(dir).sort();

  it('cover every interface file of the spec', () => {
    const kinds = new Set(files.map((f) => ALL_KINDS.filter((k) => f.startsWith(`${k}_`)).sort((a, b) => b.length - a.length)[0]));
    expect([...kinds].sort()).toEqual([...ALL_KINDS].sort());
  });

  it('pass check as a folder, file by file and unit by unit (exit 0)', () => {
    const { status, report } = check([dir]);
    expect(report.files.filter((f) => !f.valid).map((f) => [f.name, f.errors])).toEqual([]);
    expect(report.units.filter((u) => !u.valid).map((u) => [u.key, u.errors])).toEqual([]);
    expect(report.summary.errors).toBe(0);
    expect(report.summary.warnings).toBe(0);
    expect(report.units.length).toBe(9);
    expect(status).toBe(0);
  });

  it('pass check one file at a time', () => {
    for (const f of files) {
      const { status, report } = check([join(dir, f)]);
      expect(report.units).toEqual([]);
      expect([f, report.files[0]!.errors]).toEqual([f, []]);
      expect(status).toBe(0);
    }
  });
});

describe('invalid fixtures', () => {
  const root = join(FIXTURES, 'invalid');
  const cases = readdirSync(root).sort();

  it('cover every interface file with at least one invalid case', () => {
    const kinds = new Set<string>();
    for (const c of cases) {
      const expected = JSON.parse(readFileSync(join(root, c, 'expected.json'), 'utf8')) as ExpectedCase;
      for (const [name, e] of Object.entries(expected.files)) {
        if (e.valid) continue;
        const kind = ALL_KINDS.filter((k) => name.startsWith(`${k}_`)).sort((a, b) => b.length - a.length)[0];
        if (kind) kinds.add(kind);
      }
    }
    expect([...kinds].sort()).toEqual([...ALL_KINDS].sort());
  });

  for (const c of cases) {
    it(`${c}`, () => {
      const expected = JSON.parse(readFileSync(join(root, c, 'expected.json'), 'utf8')) as ExpectedCase;
      const dir = join(root, c);
      const runs =
        expected.mode === 'directory'
          ? [check([dir])]
          : Object.keys(expected.files).map((name) => check([join(dir, name)]));
      const files = runs.flatMap((r) => r.report.files);
      for (const [name, e] of Object.entries(expected.files)) {
        const f = files.find((x) => x.name === name);
        expect(f, name).toBeDefined();
        expect(f!.valid, `${name} valid`).toBe(e.valid);
        expectFindings(f!.errors, e.errors, e.exhaustive !== false);
        expectFindings(f!.warnings, e.warnings ?? [], false);
      }
      if (expected.units) {
        const units = runs.flatMap((r) => r.report.units);
        expect(units.length).toBe(expected.units.length);
        expected.units.forEach((eu, i) => {
          expect(units[i]!.valid).toBe(eu.valid);
          expectFindings(units[i]!.errors, eu.errors, true);
          expectFindings(units[i]!.warnings, eu.warnings ?? [], false);
        });
      }
      const anyError = files.some((f) => !f.valid) || runs.some((r) => r.report.units.some((u) => !u.valid));
      for (const r of runs) expect(r.status).toBe(r.report.files.some((f) => !f.valid) || r.report.units.some((u) => !u.valid) ? 1 : 0);
      expect(anyError).toBe(true);
    });
  }
});
