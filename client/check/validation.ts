// Validates files on disk through the shared validator: a small file in one read, a large one
// streamed (memory stays flat however large it is), several files with a few reads in flight.
import { createHash, hash as hashOnce } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { LocalizedError, type LocalizedText } from '../../shared/errors.js';
import type { CheckReport } from '../../shared/report/types.js';
import type { SpecCatalog } from '../../shared/spec/model.js';
import type { ServiceCodeMaster } from '../../shared/spec/serviceCodes.js';
import { buildReport, FileValidator, type FileResult, type ValidateOptions } from '../../shared/validator/index.js';
import { nameUnitServices } from '../../shared/validator/serviceCodeRules.js';
import { decodeMs932 } from './ms932.js';
import { mapBounded, openForReading, READ_CONCURRENCY } from './readFiles.js';
import { loadCatalog } from './specs.js';

export interface CheckOptions {
  redact?: boolean;
  catalog?: SpecCatalog;
  /** Check send units too; by default only for a directory or several files. */
  units?: boolean;
  /** A service-code master (check --service-codes): the rules that need one run, and findings name services. */
  serviceCodes?: ServiceCodeMaster;
  /**
   * Given each small file's bytes as they were read and checked (a large, streamed file is not held):
   * the agent seals these very bytes instead of reading the file again.
   */
  onBytes?: (path: string, data: Buffer) => void;
}

export async function validatePath(path: string, options: CheckOptions = {}): Promise<FileResult> {
  const catalog = options.catalog ?? loadCatalog();
  // Built field by field, not spread: with thousands of small files, object spread was a visible cost per file.
  const validateOptions: ValidateOptions = { catalog, decoder: decodeMs932, redact: options.redact === true };
  if (options.serviceCodes) validateOptions.serviceCodes = options.serviceCodes;
  const v = new FileValidator(path, nameOf(path), validateOptions);
  const opened = await openForReading(path);
  let sha256: string;
  if ('data' in opened) {
    // One call for a small file's bytes: a Hash object per file cost more than hashing 2 KB.
    sha256 = hashOnce('sha256', opened.data, 'hex');
    v.write(opened.data);
    options.onBytes?.(path, opened.data);
  } else {
    const hash = createHash('sha256');
    for await (const chunk of opened.stream) {
      const buf = chunk as Buffer;
      hash.update(buf);
      v.write(buf);
    }
    sha256 = hash.digest('hex');
  }
  const result = v.end();
  result.report.sha256 = sha256;
  return result;
}

/**
 * basename(path), cheaply for the usual POSIX path (no trailing slash): with thousands of small files,
 * node:path's basename was a visible cost per file. Elsewhere (Windows, a trailing slash) basename itself.
 */
function nameOf(path: string): string {
  if (!IS_WINDOWS && path.charCodeAt(path.length - 1) !== 47 /* / */) return path.slice(path.lastIndexOf('/') + 1);
  return basename(path);
}
const IS_WINDOWS = process.platform === 'win32';

/**
 * resolve(path) for one list of paths, each folder resolved once: a folder's thousands of files differ
 * only in the last part, and path.resolve per file was a visible cost. A last part that resolve would
 * change (empty, . or ..), and Windows paths, go to resolve itself. One resolver per list: a relative
 * folder resolves against the working directory of the moment.
 */
export function pathResolver(): (path: string) => string {
  const resolvedDirs = new Map<string, string>();
  return (path) => {
    const slash = path.lastIndexOf('/');
    const name = path.slice(slash + 1);
    if (IS_WINDOWS || name === '' || name === '.' || name === '..') return resolve(path);
    const dir = path.slice(0, slash + 1);
    let resolved = resolvedDirs.get(dir);
    if (resolved === undefined) {
      resolved = resolve(dir);
      resolvedDirs.set(dir, resolved);
    }
    return resolved.endsWith('/') ? resolved + name : `${resolved}/${name}`;
  };
}

/** Files a directory contributes: standard-spec candidates (.csv / .jpg, any case); the rest is listed as ignored. */
export async function listCandidates(dir: string): Promise<{ files: string[]; ignored: string[] }> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: string[] = [];
  const ignored: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    // Follow links to files; folders inside are not searched (and are listed as skipped).
    const isFile = e.isFile() || (e.isSymbolicLink() && (await stat(p).then((x) => x.isFile(), () => false)));
    if (isFile && /\.(csv|jpe?g)$/i.test(e.name)) files.push(p);
    else ignored.push(p);
  }
  return { files, ignored };
}

/** A path to check that is missing, or holds nothing to check: the person's input, not a finding. */
export class InputError extends LocalizedError {
  override name = 'InputError';
  constructor(text: LocalizedText) {
    super('input', text);
  }
}

/**
 * Checks files and directories. A directory, or more than one file, is also checked unit by unit;
 * a single file is judged alone.
 */
export async function checkPaths(inputs: string[], options: CheckOptions = {}): Promise<CheckReport> {
  const catalog = options.catalog ?? loadCatalog();
  const files: string[] = [];
  const ignored: string[] = [];
  let sawDirectory = false;
  for (const input of inputs) {
    let s;
    try {
      s = await stat(input);
    } catch {
      throw new InputError({ ja: 'ファイルまたはフォルダが見つかりません', en: `not found: ${input}` });
    }
    if (s.isDirectory()) {
      sawDirectory = true;
      const listed = await listCandidates(input);
      files.push(...listed.files);
      ignored.push(...listed.ignored);
    } else {
      files.push(input);
    }
  }
  const resolvePath = pathResolver();
  const unique = [...new Map(files.map((f) => [resolvePath(f), f])).values()];
  if (unique.length === 0) throw new InputError({ ja: '検査する標準仕様のファイル（.CSV / .jpg）がありません', en: 'no standard-spec files (.CSV / .jpg) to check' });
  const fileOptions: CheckOptions = { ...options, catalog };
  const results = await mapBounded(unique, READ_CONCURRENCY, (f) => validatePath(f, fileOptions));
  const report = buildReport(results, catalog, { units: options.units ?? (sawDirectory || unique.length > 1), redact: options.redact === true, ignored });
  if (options.serviceCodes) nameUnitServices(report.units, options.serviceCodes);
  return report;
}
