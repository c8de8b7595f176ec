// The benchmark's input: the fixture generator's UPPLAN file, scaled by its number of users.
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { generateFixtures } from '../../shared/fixtures/generate.js';
import { encodeMs932 } from '../../client/check/ms932.js';
import { loadCatalog } from '../../client/check/specs.js';

const MONTH = '202504';

export interface GenResult {
  path: string;
  bytes: number;
  users: number;
  records: number;
  seconds: number;
}

function upplan(catalog: ReturnType<typeof loadCatalog>, users: number): { name: string; text: string } {
  const f = generateFixtures(catalog, { month: MONTH, users }).find((g) => g.kind === 'UPPLAN');
  if (!f || f.text === null) throw new Error('generator gave no UPPLAN file');
  return { name: f.name, text: f.text };
}

/** Writes the generator's UPPLAN file, with enough users for about `targetBytes`, into dir: MS932, encoded slice by slice. */
export function generateUpplan(dir: string, targetBytes: number): GenResult {
  const t0 = Date.now();
  const catalog = loadCatalog();
  const probeUsers = 200;
  const probe = upplan(catalog, probeUsers);
  const perUser = encodeMs932(probe.text).length / probeUsers;
  const users = Math.max(1, Math.round(targetBytes / perUser));
  const file = upplan(catalog, users);
  const path = join(dir, file.name);
  const fd = openSync(path, 'w');
  let bytes = 0;
  let records = 0;
  try {
    const text = file.text;
    const SLICE = 2_000_000; // characters
    for (let at = 0; at < text.length; ) {
      let end = Math.min(text.length, at + SLICE);
      if (end < text.length) end = text.indexOf('\r\n', end) + 2; // cut at a record boundary (UPPLAN has no quoted line breaks)
      if (end < 2) end = text.length;
      const slice = text.slice(at, end);
      for (let i = slice.indexOf('\r\n'); i !== -1; i = slice.indexOf('\r\n', i + 2)) records++;
      const buf = encodeMs932(slice);
      writeSync(fd, buf);
      bytes += buf.length;
      at = end;
    }
  } finally {
    closeSync(fd);
  }
  return { path, bytes, users, records, seconds: (Date.now() - t0) / 1000 };
}
