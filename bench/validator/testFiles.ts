// What the phases run on: a large file, a small one, the small one's bytes repeated until it is as
// large as the large one (same users, more bytes), and a folder of many small files.
import { appendFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { GenResult } from './generate.js';
import type { FilesResult } from './smallFiles.js';
import { MB } from './measure.js';
import { spawnChild } from './processes.js';

export type FileKey = 'large' | 'small' | 'repeated' | 'files';

/** How many small files the folder holds (at least). */
export const SMALL_FILE_COUNT = 5000;

export interface TestFiles {
  large: GenResult;
  small: GenResult;
  /** How many copies of the small file the repeated file holds. */
  times: number;
  /** The folder of small files. */
  folder: FilesResult;
  paths: Record<FileKey, string>;
  bytes: Record<FileKey, number>;
  records: Record<FileKey, number>;
  users: Record<FileKey, number>;
}

/** Generates the files into dir (each in a child started from `entry`), printing a line for each. */
export async function prepareTestFiles(dir: string, sizes: { mb: number; smallMb: number; files: number }, entry: string): Promise<TestFiles> {
  const largeDir = join(dir, 'large');
  const smallDir = join(dir, 'small');
  mkdirSync(largeDir);
  mkdirSync(smallDir);
  // The generator holds the whole file's text in memory before encoding it.
  const generate = (into: string, mb: number) => spawnChild<GenResult>(entry, ['gen', into, String(mb * MB)], ['--max-old-space-size=6144']);
  const generated = (g: GenResult) => `generated ${basename(g.path)}: ${(g.bytes / MB).toFixed(1)} MB, ${g.records} records, ${g.users} users (${g.seconds.toFixed(1)} s)`;
  const large = await generate(largeDir, sizes.mb);
  console.log(generated(large));
  const small = await generate(smallDir, sizes.smallMb);
  console.log(generated(small));

  // The small file's bytes repeated: as large as the large file but with the small file's users, so the
  // memory kept for per-user facts stays the same and only the byte count grows.
  const times = Math.max(2, Math.round(large.bytes / small.bytes));
  const repeatDir = join(dir, 'repeated');
  mkdirSync(repeatDir);
  const repeated = join(repeatDir, basename(small.path));
  const smallBytes = readFileSync(small.path);
  for (let i = 0; i < times; i++) appendFileSync(repeated, smallBytes);
  const repeatedBytes = statSync(repeated).size;
  console.log(`repeated the ${(small.bytes / MB).toFixed(1)} MB file ×${times}: ${(repeatedBytes / MB).toFixed(1)} MB, ${small.records * times} records, still ${small.users} users`);

  const folder = await spawnChild<FilesResult>(entry, ['genFiles', join(dir, 'files'), String(sizes.files)]);
  console.log(`generated ${folder.files} small files (complete units, 3 people a month): ${(folder.bytes / MB).toFixed(1)} MB, ${(folder.bytes / folder.files / 1000).toFixed(2)} KB on average, ${folder.records} records (${folder.seconds.toFixed(1)} s)`);
  return {
    large,
    small,
    times,
    folder,
    paths: { large: large.path, small: small.path, repeated, files: folder.path },
    bytes: { large: large.bytes, small: small.bytes, repeated: repeatedBytes, files: folder.bytes },
    records: { large: large.records, small: small.records, repeated: small.records * times, files: folder.records },
    users: { large: large.users, small: small.users, repeated: small.users, files: folder.months },
  };
}
