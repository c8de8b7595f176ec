// Writes generated sample units to disk in MS932 (never overwriting an existing file).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateFixtures, type GenerateOptions } from '../shared/fixtures/generate.js';
import type { SpecCatalog } from '../shared/spec/model.js';
import { encodeMs932 } from './check/ms932.js';
import { loadCatalog } from './check/specs.js';

/**
 * A valid 8×8 grey baseline JPEG, built field by field (SOI, JFIF, one quantisation table,
 * SOF0, one DC and one AC Huffman table with a single code each, one scan: DC diff 0 + EOB).
 */
export function tinyJpeg(): Buffer {
  const seg = (marker: number, body: number[]) => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body];
  return Buffer.from([
    0xff, 0xd8,
    ...seg(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]),
    ...seg(0xdb, [0x00, ...new Array<number>(64).fill(1)]),
    ...seg(0xc0, [0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00]),
    ...seg(0xc4, [0x00, 0x01, ...new Array<number>(15).fill(0), 0x00]),
    ...seg(0xc4, [0x10, 0x01, ...new Array<number>(15).fill(0), 0x00]),
    ...seg(0xda, [0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]),
    0x3f,
    0xff, 0xd9,
  ]);
}

export async function writeFixtures(outDir: string, opts: GenerateOptions, catalog: SpecCatalog = loadCatalog()): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (const f of generateFixtures(catalog, opts)) {
    const path = join(outDir, f.name);
    const bytes = f.text === null ? tinyJpeg() : encodeMs932(f.text);
    // 'wx': refuse to overwrite a file someone already has there.
    await writeFile(path, bytes, { flag: 'wx' });
    written.push(path);
  }
  return written;
}
