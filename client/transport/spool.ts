// A durable, Maildir-like spool. Each state is a folder; each state change is one atomic rename;
// files are written to tmp/ with fsync first. After a crash, what is in a folder is the truth.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseAtBoundary } from '../../shared/boundary.js';
import { LocalizedError } from '../../shared/errors.js';

export const SPOOL_STATES = ['outbox', 'sent', 'failed', 'inbox', 'received', 'quarantine'] as const;
export type SpoolState = (typeof SPOOL_STATES)[number];

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function writeDurable(path: string, data: Buffer | string, tmpDir: string): void {
  const tmp = join(tmpDir, `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const fd = openSync(tmp, 'w');
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDir(join(path, '..'));
}

/**
 * A spool record (or another JSON file the client wrote for itself) that cannot be read back as what
 * it should be: damaged on disk, or written by another version. Names the file and the field.
 */
export class SpoolRecordError extends LocalizedError {
  override name = 'SpoolRecordError';
  constructor(
    readonly path: string,
    readonly field: string | null,
    text: { ja: string; en: string },
    options: { cause?: unknown } = {},
  ) {
    super('spool_record', text, options);
  }
}

/** Parses a record file's bytes with its schema; anything that does not fit is a SpoolRecordError. */
export function parseRecord<T>(bytes: Buffer, schema: z.ZodType<T>, path: string): T {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new SpoolRecordError(path, null, { ja: `記録ファイルが壊れています（JSON として読めません）: ${path}`, en: `the record file is damaged (not valid JSON): ${path}` }, { cause: e });
  }
  const parsed = parseAtBoundary(schema, json);
  if (!parsed.ok) throw new SpoolRecordError(path, parsed.problem.field, { ja: `記録ファイルが壊れています: ${path}: ${parsed.problem.ja}`, en: `the record file is damaged: ${path}: ${parsed.problem.en}` });
  return parsed.data;
}

export class Spool {
  readonly tmp: string;

  constructor(readonly root: string) {
    this.tmp = join(root, 'tmp');
    for (const d of ['tmp', 'partners', ...SPOOL_STATES]) mkdirSync(join(root, d), { recursive: true });
  }

  /** Certificates of partners already met, so units for them can be sealed while offline. */
  partnerPath(office: string): string {
    return join(this.root, 'partners', `${office}.pem`);
  }

  writePartner(office: string, pem: string): void {
    writeDurable(this.partnerPath(office), pem, this.tmp);
  }

  dir(state: SpoolState): string {
    return join(this.root, state);
  }

  path(state: SpoolState, name: string): string {
    return join(this.root, state, name);
  }

  write(state: SpoolState, name: string, data: Buffer | string): void {
    writeDurable(this.path(state, name), data, this.tmp);
  }

  read(state: SpoolState, name: string): Buffer {
    return readFileSync(this.path(state, name));
  }

  /** A JSON record, checked against its schema (a SpoolRecordError names the file and the field). */
  readRecord<T>(state: SpoolState, name: string, schema: z.ZodType<T>): T {
    return parseRecord(this.read(state, name), schema, this.path(state, name));
  }

  /**
   * A JSON record whose shape the caller only asserts. Kept for callers not yet moved to readRecord;
   * a file that is not JSON is still reported as a SpoolRecordError naming it.
   */
  readJson<T>(state: SpoolState, name: string): T {
    return this.readRecord(state, name, z.unknown()) as T;
  }

  exists(state: SpoolState, name: string): boolean {
    return existsSync(this.path(state, name));
  }

  /** Moves entries between states: the data file first, the JSON record (the commit marker) last. */
  move(from: SpoolState, to: SpoolState, names: string[]): void {
    for (const n of names) if (existsSync(this.path(from, n))) renameSync(this.path(from, n), this.path(to, n));
    fsyncDir(this.dir(to));
    fsyncDir(this.dir(from));
  }

  /** Entries of a state, by their JSON record (a data file without its record is an unfinished write). */
  list(state: SpoolState): string[] {
    return readdirSync(this.dir(state))
      .filter((n) => n.endsWith('.json'))
      .map((n) => n.slice(0, -'.json'.length))
      .sort();
  }
}

/** Test hook: kill this process at a named step (CPL_FAULT=<step>) — a real crash, not an exception. */
export function faultPoint(step: string): void {
  if (process.env.CPL_FAULT === step) process.kill(process.pid, 'SIGKILL');
}
