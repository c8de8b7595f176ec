// The many-small-files case: a folder of ~5,000 files of 1.6 KB on average, as a busy month's export
// folder holds them — complete, valid send units from the fixture generator (3 people, as in
// fixtures/valid), one set per month, so names never collide and the unit checks see real units.
// Measured against its floor: the same files read with the same number of reads in flight, decoded
// (iconv-lite) and parsed (papaparse), nothing else.
import { closeSync, mkdirSync, openSync, readFile, writeSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { generateFixtures } from '../../shared/fixtures/generate.js';
import { encodeMs932 } from '../../client/check/ms932.js';
import { loadCatalog } from '../../client/check/specs.js';
import { READ_CONCURRENCY } from '../../client/check/readFiles.js';
import { checkPaths } from '../../client/check/validation.js';
import { tinyJpeg } from '../../client/fixturesWriter.js';

export interface FilesResult {
  path: string;
  files: number;
  /** Months generated: each is one set of units for the same 3 invented people. */
  months: number;
  bytes: number;
  records: number;
  seconds: number;
}

/** Writes complete units, month after month from 2025-04 (months before the spec edition's start get a warning), until the folder holds at least `count` files. */
export function generateSmallFiles(dir: string, count: number): FilesResult {
  const t0 = Date.now();
  mkdirSync(dir, { recursive: true });
  const catalog = loadCatalog();
  const jpeg = tinyJpeg();
  let files = 0;
  let bytes = 0;
  let records = 0;
  let m = 0;
  for (; files < count; m++) {
    const month = `${2025 + Math.floor((3 + m) / 12)}${String(((3 + m) % 12) + 1).padStart(2, '0')}`;
    for (const f of generateFixtures(catalog, { month, users: 3 })) {
      const data = f.text === null ? jpeg : encodeMs932(f.text);
      const fd = openSync(join(dir, f.name), 'wx');
      try {
        writeSync(fd, data);
      } finally {
        closeSync(fd);
      }
      files++;
      bytes += data.length;
      records += f.records?.length ?? 0;
    }
  }
  return { path: dir, files, months: m, bytes, records, seconds: (Date.now() - t0) / 1000 };
}

/** `fn` over the items with `limit` in flight (the same bound the validator uses), in no particular order. */
async function eachBounded<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Node's cheapest asynchronous whole-file read (the callback API: about half the CPU of fs/promises per file). */
const readWhole = promisify(readFile);

/** The floor: list the folder, read every file, decode and parse every CSV (images are only read). */
export async function floorFiles(dir: string): Promise<{ rows: number }> {
  const names = (await readdir(dir)).sort();
  let rows = 0;
  await eachBounded(names, READ_CONCURRENCY, async (name) => {
    const bytes = await readWhole(join(dir, name));
    if (!/\.csv$/i.test(name)) return;
    const parsed = Papa.parse<string[]>(iconv.decode(bytes, 'cp932'), { delimiter: ',', newline: '\r\n', header: false, dynamicTyping: false, skipEmptyLines: true });
    rows += parsed.data.length;
  });
  return { rows };
}

/** The project: `careplan-link check <folder>` without the printing (every file, then the units). */
export async function checkFiles(dir: string) {
  return checkPaths([dir]);
}
