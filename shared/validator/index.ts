// The validator as a library: bytes in, report out. Node, the app and the relay all call this.
import type { CheckReport, FileReport, Finding, ReportSummary, UnitReport } from '../report/types.js';
import { newestEdition, type SpecCatalog } from '../spec/model.js';
import { CAREPLAN_LINK_VERSION } from '../version.js';
import { baseName } from './fileName.js';
import { FileValidator, type FileResult, type ValidateOptions } from './fileValidator.js';
import { checkUnits } from './units.js';

export { FileValidator, type FileResult, type ValidateOptions, type DecoderFactory, type StreamDecoder } from './fileValidator.js';
export { parseFileName, baseName } from './fileName.js';
export { checkUnits, unitKey } from './units.js';
export { CODES, type FindingCode, type Severity } from './codes.js';

/** Validates a whole file held in memory. For large files prefer FileValidator and stream chunks. */
export function validateBytes(path: string, bytes: Uint8Array, options: ValidateOptions): FileResult {
  const v = new FileValidator(path, baseName(path), options);
  v.write(bytes);
  return v.end();
}

export function summarize(files: FileReport[], units: UnitReport[], catalog: SpecCatalog, ignored: string[] = []): ReportSummary {
  const byCode: Record<string, number> = {};
  let errors = 0;
  let warnings = 0;
  // Files count every finding, listed or left out; units list all of theirs.
  let validFiles = 0;
  for (const f of files) {
    if (f.valid) validFiles++;
    errors += f.counts.errors;
    warnings += f.counts.warnings;
    // for…in, not Object.entries: no array per file for the (mostly empty) counts of thousands of files.
    const counts = f.counts.byCode;
    for (const code in counts) byCode[code] = (byCode[code] ?? 0) + counts[code]!;
  }
  // Each list walked in turn, not spread into a new array per unit (thousands of units in a folder).
  for (const u of units) {
    errors += countCodes(u.errors, byCode);
    warnings += countCodes(u.warnings, byCode);
  }
  let validUnits = 0;
  for (const u of units) if (u.valid) validUnits++;
  const m = newestEdition(catalog).manifest;
  return {
    files: files.length,
    validFiles,
    invalidFiles: files.length - validFiles,
    units: units.length,
    validUnits,
    invalidUnits: units.length - validUnits,
    errors,
    warnings,
    byCode,
    ignored,
    specEdition: m.specEdition,
    csvVersion: m.csvVersion,
    validator: `careplan-link ${CAREPLAN_LINK_VERSION}`,
  };
}

/** Adds a unit's findings to byCode; returns how many there were. */
function countCodes(list: Finding[], byCode: Record<string, number>): number {
  for (let i = 0; i < list.length; i++) {
    const code = list[i]!.code;
    byCode[code] = (byCode[code] ?? 0) + 1;
  }
  return list.length;
}

/**
 * Builds the report for a set of file results. Units are checked only when asked (a directory or
 * several files); a single file is judged alone.
 */
export function buildReport(results: FileResult[], catalog: SpecCatalog, opts: { units: boolean; redact?: boolean; ignored?: string[] }): CheckReport {
  const files = results.map((r) => r.report);
  const units = opts.units ? checkUnits(results, catalog, opts.redact === true) : [];
  return { files, units, summary: summarize(files, units, catalog, opts.ignored) };
}

/** Exit status of `careplan-link check`: 0 when nothing has an error, 1 otherwise. */
export function reportHasErrors(report: CheckReport): boolean {
  return report.files.some((f) => !f.valid) || report.units.some((u) => !u.valid);
}
