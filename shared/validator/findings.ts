import type { Finding } from '../report/types.js';
import { CODES, fill, type FindingCode, type Severity } from './codes.js';

export interface Place {
  row?: number | null;
  line?: number | null;
  column?: number | null;
  field?: string | null;
}

export type Params = Record<string, string | number>;

const VALUE_MAX = 40;

export function shorten(value: string): string {
  const flat = value.replace(/\r\n|\r|\n/g, '⏎');
  return flat.length > VALUE_MAX ? `${flat.slice(0, VALUE_MAX)}…` : flat;
}

/** Masks an identifier but keeps its last two characters, so a clerk can still find the record. */
export function maskId(id: string): string {
  return id.length <= 2 ? '*'.repeat(id.length) : '*'.repeat(id.length - 2) + id.slice(-2);
}

export const MASK = '＊＊＊';

export function makeFinding(code: FindingCode, place: Place, params: Params = {}, severity?: Severity): Finding {
  const info = CODES[code];
  const p: Params = { field: place.field ?? '', ...params };
  const finding: Finding = {
    code,
    severity: severity ?? info.severity,
    row: place.row ?? null,
    line: place.line ?? null,
    column: place.column ?? null,
    field: place.field ?? null,
    message: fill(info.ja, p),
    messageEn: fill(info.en, p),
    hint: fill(info.hintJa, p),
    hintEn: fill(info.hintEn, p),
  };
  if (params.value !== undefined) finding.value = String(params.value);
  return finding;
}

/**
 * Collects a file's findings. Each code is listed at most `perCode` times and the file at most
 * `total` times; the rest are only counted, so a report stays readable and memory stays flat.
 */
export class FindingSink {
  readonly errors: Finding[] = [];
  readonly warnings: Finding[] = [];
  readonly byCode = new Map<string, number>();
  errorCount = 0;
  warningCount = 0;
  omitted = 0;

  constructor(
    private readonly perCode = 200,
    private readonly total = 2000,
  ) {}

  add(finding: Finding): void {
    const seen = this.byCode.get(finding.code) ?? 0;
    this.byCode.set(finding.code, seen + 1);
    if (finding.severity === 'error') this.errorCount++;
    else this.warningCount++;
    if (seen >= this.perCode || this.errors.length + this.warnings.length >= this.total) {
      this.omitted++;
      return;
    }
    (finding.severity === 'error' ? this.errors : this.warnings).push(finding);
  }

  emit(code: FindingCode, place: Place, params: Params = {}, severity?: Severity): void {
    // Skip building messages for findings that will only be counted.
    const seen = this.byCode.get(code) ?? 0;
    if (seen >= this.perCode || this.errors.length + this.warnings.length >= this.total) {
      this.byCode.set(code, seen + 1);
      if ((severity ?? CODES[code].severity) === 'error') this.errorCount++;
      else this.warningCount++;
      this.omitted++;
      return;
    }
    this.add(makeFinding(code, place, params, severity));
  }

  get hasErrors(): boolean {
    return this.errorCount > 0;
  }
}

export function sortFindings(list: Finding[]): Finding[] {
  return list.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.row ?? 0) - (b.row ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
