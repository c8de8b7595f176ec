// What the validator benchmark measures: the same file read in ever fuller ways, from bytes alone up to
// the validator, so the validator's cost can be set against the floor (read + MS932 decode + papaparse).
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { FileValidator } from '../../shared/validator/index.js';
import { decodeMs932 } from '../../client/check/ms932.js';
import { loadCatalog } from '../../client/check/specs.js';
import { validatePath } from '../../client/check/validation.js';
import { checkFiles, floorFiles } from './smallFiles.js';

/** Stream chunk size for every phase, so the floor and the validator see the same chunks. */
export const CHUNK = 256 * 1024;

export type Phase = 'read' | 'decode' | 'floor' | 'validate' | 'validateNoHash' | 'floorFiles' | 'checkFiles';

export const PHASE_LABEL: Record<Phase, string> = {
  read: 'read only (fs stream)',
  decode: 'read + cp932 decode',
  floor: 'floor: read + decode + papaparse',
  validate: 'validatePath (sha256 + validator)',
  validateNoHash: 'FileValidator (no hash)',
  floorFiles: 'floor: files read+decode+parse',
  checkFiles: 'checkPaths (folder of files)',
};

/** What a phase found in the file; the findings are null for the phases that do not validate. */
export interface PhaseCounts {
  rows: number;
  errors: number | null;
  warnings: number | null;
  /** Codes of the listed findings (errors and warnings), with counts. */
  errorCodes: Record<string, number> | null;
  /** Findings the sink counted but did not list. */
  omitted: number | null;
  valid: boolean | null;
}

/** A phase's counts and its whole result (`held`), which the caller keeps referenced until memory is measured. */
export type PhaseOutcome = PhaseCounts & { held: unknown };

const NOT_VALIDATED = { errors: null, warnings: null, errorCodes: null, omitted: null, valid: null } as const;

/** Bytes read; rows are not counted. */
async function readOnly(path: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) n += (chunk as Buffer).length;
  return n;
}

/** Characters decoded; rows are not counted. */
async function decodeOnly(path: string): Promise<number> {
  let chars = 0;
  const d = iconv.getDecoder('cp932');
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) chars += d.write(chunk as Buffer).length;
  chars += (d.end() ?? '').length;
  return chars;
}

/** The floor: bytes → iconv-lite cp932 decode stream → papaparse's Node duplex stream, counting rows. */
async function floor(path: string): Promise<{ rows: number }> {
  let rows = 0;
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { delimiter: ',', newline: '\r\n', header: false, dynamicTyping: false });
  const counter = new Writable({
    objectMode: true,
    write(_row: unknown, _enc, done) {
      rows++;
      done();
    },
  });
  await pipeline(createReadStream(path, { highWaterMark: CHUNK }), iconv.decodeStream('cp932'), parser, counter);
  return { rows };
}

async function validateNoHash(path: string) {
  const catalog = loadCatalog();
  const v = new FileValidator(path, basename(path), { catalog, decoder: decodeMs932 });
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) v.write(chunk as Buffer);
  return v.end();
}

export async function runPhase(phase: Phase, path: string): Promise<PhaseOutcome> {
  switch (phase) {
    case 'read':
      return { held: await readOnly(path), rows: 0, ...NOT_VALIDATED };
    case 'decode':
      return { held: await decodeOnly(path), rows: 0, ...NOT_VALIDATED };
    case 'floor': {
      const { rows } = await floor(path);
      return { held: rows, rows, ...NOT_VALIDATED };
    }
    case 'validate':
    case 'validateNoHash': {
      const result = phase === 'validate' ? await validatePath(path) : await validateNoHash(path);
      const r = result.report;
      const errorCodes: Record<string, number> = {};
      for (const f of [...r.errors, ...r.warnings]) errorCodes[f.code] = (errorCodes[f.code] ?? 0) + 1;
      return { held: result, rows: r.stats.records, errors: r.errors.length, warnings: r.warnings.length, errorCodes, omitted: r.omitted, valid: r.valid };
    }
    case 'floorFiles': {
      const { rows } = await floorFiles(path);
      return { held: rows, rows, ...NOT_VALIDATED };
    }
    case 'checkFiles': {
      const report = await checkFiles(path);
      const s = report.summary;
      return {
        held: report,
        rows: report.files.reduce((n, f) => n + f.stats.records, 0),
        errors: s.errors,
        warnings: s.warnings,
        errorCodes: s.byCode,
        omitted: report.files.reduce((n, f) => n + f.omitted, 0),
        valid: s.invalidFiles === 0 && s.invalidUnits === 0,
      };
    }
  }
}
