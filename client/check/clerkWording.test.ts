import { describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/report/types.js';
import { CLERK, clerkFindings, isSendableName, nameProblem } from './clerkWording.js';
import { loadCatalog } from './specs.js';

const catalog = loadCatalog();
const PLAN = 'UPPLAN_202504_1310000011_43_1310000029_11_20250425120002.CSV';
const finding = (code: string, row: number | null): Finding => ({ code, severity: 'error', row, line: row, column: null, field: null, message: code, messageEn: code, hint: 'h', hintEn: 'h' }) as Finding;

describe('what a clerk is told about the files people drop', () => {
  it('an Excel or text file: export CSV from the care software', () => {
    expect(nameProblem('4月分.xlsx', catalog)?.ja).toBe('Excel のファイルは送れません。介護ソフトから CSV で出力してください');
    expect(nameProblem('memo.txt', catalog)).toBe(CLERK.text);
  });

  it('a lower-case name: capital letters', () => {
    expect(nameProblem(PLAN.toLowerCase(), catalog)?.ja).toContain('ファイル名は大文字にしてください');
  });

  it('a copy Windows named “(2)”', () => {
    expect(nameProblem(PLAN.replace('.CSV', ' (2).CSV'), catalog)?.ja).toContain('「 (2)」');
    expect(nameProblem(PLAN.replace('.CSV', ' - コピー.CSV'), catalog)).toBe(CLERK.copy);
  });

  it('a Windows copy is not taken to be sent, and its name findings become the one sentence', () => {
    const copy = PLAN.replace('.CSV', ' (2).CSV');
    expect(isSendableName(copy, catalog)).toBe(false);
    expect(isSendableName(PLAN, catalog)).toBe(true);
    const out = clerkFindings(copy, [finding('E_NAME_SEQUENCE', null), finding('E_FIELD_DATE', 2)], catalog);
    expect(out.errors.map((f) => f.message)).toEqual([CLERK.copy.ja, 'E_FIELD_DATE']);
  });

  it('a standard name is no problem; anything else is not a spec file', () => {
    expect(nameProblem(PLAN, catalog)).toBeNull();
    expect(nameProblem('readme.csv', catalog)).toBe(CLERK.notSpec);
  });

  it('a UTF-8 file is one finding with the fix, not one per undecodable byte', () => {
    const errors = [finding('E_ENCODING_LOOKS_UTF8', null), ...[1, 1, 2, 2, 3].map((r) => finding('E_ENCODING_INVALID_BYTES', r))];
    const out = clerkFindings(PLAN, errors, catalog);
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]!.message).toContain('UTF-8 で保存されています');
    expect(out.summary).toBe(CLERK.utf8);
  });

  it('keeps ordinary findings as they are', () => {
    const errors = [finding('E_FIELD_DATE', 1)];
    expect(clerkFindings(PLAN, errors, catalog)).toEqual({ summary: null, errors });
  });
});
