import { CsvReader } from '../validator/csv.js';
import type { DecoderFactory } from '../validator/fileValidator.js';

/** Decodes and splits a standard-spec CSV into records (framing problems are the validator's job). */
export function readRecords(bytes: Uint8Array, decoder: DecoderFactory): string[][] {
  const records: string[][] = [];
  const reader = new CsvReader(
    (r) => records.push(r.fields),
    () => {},
  );
  const d = decoder();
  reader.push(d.write(bytes));
  reader.push(d.end());
  reader.end();
  return records;
}
