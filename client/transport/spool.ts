// A durable, Maildir-like spool. Each state is a folder; each state change is one atomic rename;
// files are written to tmp/ with fsync first. After a crash, what is in a folder is the truth.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

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

  readJson<T>(state: SpoolState, name: string): T {
    return JSON.parse(this.read(state, name).toString('utf8')) as T;
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
