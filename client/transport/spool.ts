// A durable, Maildir-like spool. Each state is a folder; each state change is one atomic rename;
// files are written to tmp/ with fsync first. After a crash, what is in a folder is the truth.
// All of it goes through the file layer (platform/fs.ts): no folder fsync on Windows, renames that
// wait out antivirus, owner-only files. One program writes a spool at a time (Spool.openForWriting).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock, cleanTmp, ensurePrivateDir, ORPHAN_TMP_AGE_MS, renameWithRetry, renameWithRetrySync, syncDirectory, syncDirectoryAsync, writeDurable as writeFileDurable, writeDurableBatch, type HeldLock, type LockProgram } from '../../platform/fs.js';
import { z } from 'zod';
import { parseAtBoundary } from '../../shared/boundary.js';
import { LocalizedError } from '../../shared/errors.js';
import { mapBounded } from '../check/readFiles.js';

export const SPOOL_STATES = ['outbox', 'sent', 'failed', 'inbox', 'received', 'quarantine'] as const;
export type SpoolState = (typeof SPOOL_STATES)[number];

/** The file layer's writeDurable with the tmp folder as third argument, as callers here use it. */
export function writeDurable(path: string, data: Buffer | string, tmpDir: string): void {
  writeFileDurable(path, data, { tmpDir });
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

/** The tmp names writeDurable used before the file layer (`<pid>-<ms>-<random>`), still ours to clean. */
const isOldTmpName = (name: string) => /^\d+-\d+-[0-9a-z]+$/.test(name);

/** One file of a batch written with Spool.writeBatch. */
export interface SpoolEntry {
  state: SpoolState;
  name: string;
  data: Buffer | string;
}

export class Spool {
  readonly tmp: string;
  private lock: HeldLock | null = null;

  /** A spool to read (or to write in a test); a program that writes opens it with openForWriting. */
  constructor(readonly root: string) {
    this.tmp = join(root, 'tmp');
    for (const d of ['tmp', 'partners', ...SPOOL_STATES]) ensurePrivateDir(join(root, d));
  }

  /**
   * The spool for the one program that writes it (`spool/.lock`): a second writer — the app and a CLI
   * agent on the same office config — gets a SpoolLockedError naming the first. What crashed writes
   * left in tmp/ is cleaned. close() lets go.
   */
  static openForWriting(root: string, program: LockProgram): Spool {
    const spool = new Spool(root);
    spool.lock = acquireLock(root, { app: program });
    cleanTmp(spool.tmp, ORPHAN_TMP_AGE_MS, Date.now(), isOldTmpName);
    return spool;
  }

  /** Releases the writer's lock (nothing to do for a reader). */
  close(): void {
    this.lock?.release();
    this.lock = null;
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
    for (const n of names) if (existsSync(this.path(from, n))) renameWithRetrySync(this.path(from, n), this.path(to, n));
    syncDirectory(this.dir(to));
    syncDirectory(this.dir(from));
  }

  /**
   * Many writes as one group commit (platform's writeDurableBatch), off the event loop: the groups
   * become visible in order (envelopes, then the records that commit them), and when this resolves
   * every file is durable. One wait for the disk per batch instead of two fsyncs per file.
   */
  async writeBatch(groups: SpoolEntry[][]): Promise<void> {
    await writeDurableBatch(
      groups.map((g) => g.map((e) => ({ target: this.path(e.state, e.name), data: e.data }))),
      { tmpDir: this.tmp },
    );
  }

  /**
   * move() for many entries at once, off the event loop: each entry's files are renamed as move()
   * renames them (data first, record last), then each folder is fsynced once for the whole batch.
   * Entries (the names before their extension) move side by side, a few at once: one rename after the
   * other, each preceded by a look whether the file is there, left a burst's flush waiting on the
   * disk (issue 16). A file already gone (a flush resumed after a crash) is skipped, as move() does.
   */
  async moveBatch(moves: { from: SpoolState; to: SpoolState; names: string[] }[]): Promise<void> {
    const dirs = new Set<string>();
    for (const m of moves) {
      await mapBounded([...entriesOf(m.names).values()], MOVES_IN_FLIGHT, async (names) => {
        for (const n of names) await moveIfThere(this.path(m.from, n), this.path(m.to, n));
      });
      if (m.names.length) dirs.add(this.dir(m.to)).add(this.dir(m.from));
    }
    for (const d of dirs) await syncDirectoryAsync(d);
  }

  /** Entries of a state, by their JSON record (a data file without its record is an unfinished write). */
  list(state: SpoolState): string[] {
    return readdirSync(this.dir(state))
      .filter((n) => n.endsWith('.json'))
      .map((n) => n.slice(0, -'.json'.length))
      .sort();
  }
}

/** How many entries of a moveBatch are renamed at once (each a rename waiting on the disk). */
const MOVES_IN_FLIGHT = 8;

/** Names by entry (`<id>.cms`, `<id>.json` → `<id>`), each entry's in the order given. */
function entriesOf(names: readonly string[]): Map<string, string[]> {
  const entries = new Map<string, string[]>();
  for (const n of names) {
    const dot = n.lastIndexOf('.');
    const id = dot > 0 ? n.slice(0, dot) : n;
    const entry = entries.get(id);
    if (entry) entry.push(n);
    else entries.set(id, [n]);
  }
  return entries;
}

/** Renames `from` to `to` unless `from` is gone already (one call, not a look and then a rename). */
async function moveIfThere(from: string, to: string): Promise<void> {
  try {
    await renameWithRetry(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || existsSync(from)) throw e;
  }
}

/** Test hook: kill this process at a named step (CPL_FAULT=<step>) — a real crash, not an exception. */
export function faultPoint(step: string): void {
  if (process.env.CPL_FAULT === step) process.kill(process.pid, 'SIGKILL');
}
