// Property tests for the validator: whatever bytes and names come in, it never throws and always
// answers with a well-formed report; streaming in chunks changes nothing; and the synthetic
// fixtures are valid for any month and user count.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMs932, encodeMs932 } from '../../client/check/ms932.js';
import { loadCatalog } from '../../client/check/specs.js';
 
import type { Finding, FileReport } from '../report/types.js';
import { generateFixtures } from '../fixtures/generate.js';
import { newestEdition } from '../spec/model.js';
import { CODES } from './codes.js';
import { MAX_FIELD_CHARS } from './csv.js';
import { parseCsv } from '../../test/support/csv.js';
import { buildReport, FileValidator, validateBytes, type FileResult, type ValidateOptions } from './index.js';

const catalog = loadCatalog();
const edition = newestEdition(catalog);
const options: ValidateOptions = { catalog, decoder: decodeMs932 };

/** A tiny JPEG-looking image (SOI + APP0 marker) for the generator's image files. */
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0xff, 0xd9]);

const isPositiveIntOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isInteger(v) && v > 0);

function checkFinding(f: Finding, list: 'error' | 'warning'): void {
  expect(Object.hasOwn(CODES, f.code), `unknown code ${f.code}`).toBe(true);
  expect(f.severity, f.code).toBe(list);
  expect(CODES[f.code].severity, f.code).toBe(list);
  for (const k of ['message', 'messageEn', 'hint', 'hintEn'] as const) {
    expect(typeof f[k], `${f.code}.${k}`).toBe('string');
    expect(f[k].length, `${f.code}.${k} is empty`).toBeGreaterThan(0);
  }
  expect(isPositiveIntOrNull(f.row), `${f.code}.row = ${String(f.row)}`).toBe(true);
  expect(isPositiveIntOrNull(f.line), `${f.code}.line = ${String(f.line)}`).toBe(true);
  expect(isPositiveIntOrNull(f.column), `${f.code}.column = ${String(f.column)}`).toBe(true);
  expect(f.field === null || typeof f.field === 'string').toBe(true);
}

function checkReport(report: FileReport, name: string, byteLength: number): void {
  expect(report.name).toBe(name);
  expect(report.valid).toBe(report.errors.length === 0);
  for (const f of report.errors) checkFinding(f, 'error');
  for (const f of report.warnings) checkFinding(f, 'warning');
  expect(report.stats.bytes).toBe(byteLength);
  expect(Number.isInteger(report.stats.records) && report.stats.records >= 0).toBe(true);
  expect(Number.isInteger(report.stats.lines) && report.stats.lines >= 0).toBe(true);
  expect(Number.isInteger(report.omitted) && report.omitted >= 0).toBe(true);
}

/** Sorted cut positions within 0..length from arbitrary naturals. */
const cutsFor = (raw: number[], length: number) => raw.map((n) => n % (length + 1)).sort((a, b) => a - b);

/** The [from, to) spans that cutting 0..length at the sorted positions `cuts` makes. */
const spans = (length: number, cuts: number[]): [number, number][] => [...cuts, length].map((c, i, all) => [i === 0 ? 0 : all[i - 1]!, c]);

/** Cut anywhere into chunks, a random `whole` (bytes or text) gives what `same` says it gives whole. */
function assertChunkingChangesNothing<T extends { length: number }>(arb: fc.Arbitrary<T>, cut: (whole: T, from: number, to: number) => T, same: (chunks: T[], whole: T) => void, numRuns: number): void {
  const chunked = (whole: T, raw: number[]) => spans(whole.length, cutsFor(raw, whole.length)).map(([from, to]) => cut(whole, from, to));
  fc.assert(
    fc.property(arb, fc.array(fc.nat(), { maxLength: 8 }), (whole, raw) => {
      same(chunked(whole, raw), whole);
    }),
    { numRuns },
  );
}

function validateChunked(name: string, bytes: Uint8Array, cuts: number[]): FileReport {
  const v = new FileValidator(name, name, options);
  for (const [from, to] of spans(bytes.length, cuts)) v.write(bytes.subarray(from, to));
  return v.end().report;
}

// ── names ──────────────────────────────────────────────────────────────────────────────────
const SENDER = '1310000011_43';
const RECEIVER = '1310000029_11';
const SEQ = '20250425120002';

/** A well-formed name for each prefix, shaped by the prefix's month part (and the image's branch). */
function validName(prefix: string): string[] {
  if (prefix === edition.manifest.image.prefix) return [`${prefix}_1310000011_46_1310000029_A2_${SEQ}_0001.jpg`];
  const part = edition.layouts.get(prefix)!.fileName.monthPart;
  const [from, to] = edition.manifest.directions.fromServiceOffice.includes(prefix) ? [RECEIVER, SENDER] : [SENDER, RECEIVER];
  if (part === 'none') return [`${prefix}_${from}_${to}_${SEQ}.CSV`];
  if (part === 'monthOrZero') return [`${prefix}_000000_${from}_${to}_${SEQ}.CSV`, `${prefix}_202504_${from}_${to}_${SEQ}.CSV`];
  return [`${prefix}_202504_${from}_${to}_${SEQ}.CSV`];
}

const VALID_NAMES = catalog.prefixes.flatMap(validName);
// The UPPLAN-shaped name (with a month) for every prefix, right or wrong for that prefix.
const MONTH_SHAPED_NAMES = catalog.prefixes.map((p) => `${p}_202504_${SENDER}_${RECEIVER}_${SEQ}.CSV`);

const nameArb = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(...VALID_NAMES, ...MONTH_SHAPED_NAMES),
  fc.tuple(fc.constantFrom(...catalog.prefixes), fc.string({ maxLength: 60 })).map(([p, s]) => `${p}_${s}`),
  fc.tuple(fc.string({ maxLength: 10 }), fc.constantFrom(...VALID_NAMES)).map(([dir, n]) => `${dir}/${n}`),
);

// ── bytes ──────────────────────────────────────────────────────────────────────────────────
/** Bytes that matter to the framing and the decoder: , " CR LF, digits, MS932 lead bytes, gaiji, BOM. */
const INTERESTING = [0x2c, 0x22, 0x0d, 0x0a, 0x30, 0x31, 0x39, 0x48, 0x81, 0x82, 0x85, 0x9f, 0xa0, 0xe0, 0xef, 0xbb, 0xbf, 0xf0, 0xf9, 0xfc, 0x40, 0x00, 0x09, 0x7f];
const byteArb = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(...INTERESTING));
const bytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 4096 }),
  fc.array(byteArb, { maxLength: 2048 }).map((a) => Uint8Array.from(a)),
);

// ── valid generated files and their mutations ──────────────────────────────────────────────
const generated = generateFixtures(catalog, { month: '202504', users: 2 }).filter((f) => f.text !== null);
const VALID_FILES = generated.map((f) => ({ name: f.name, bytes: new Uint8Array(encodeMs932(f.text!)) }));

type Mutation =
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'replace'; at: number; byte: number }
  | { kind: 'duplicateLine'; at: number }
  | { kind: 'truncate'; at: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.array(byteArb, { minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), byte: byteArb }),
  fc.record({ kind: fc.constant('duplicateLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function lineStarts(bytes: Uint8Array): number[] {
  const starts = [0];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a && i + 1 < bytes.length) starts.push(i + 1);
  return starts;
}

function mutate(input: Uint8Array, m: Mutation): Uint8Array {
  const b = Array.from(input);
  const at = b.length === 0 ? 0 : m.at % (b.length + 1);
  switch (m.kind) {
    case 'delete':
      b.splice(at, m.len);
      break;
    case 'insert':
      b.splice(at, 0, ...m.bytes);
      break;
    case 'replace':
      if (b.length > 0) b[at % b.length] = m.byte;
      else b.push(m.byte);
      break;
    case 'duplicateLine': {
      const starts = lineStarts(input);
      const k = m.at % starts.length;
      const from = starts[k]!;
      const to = starts[k + 1] ?? input.length;
      b.splice(to, 0, ...b.slice(from, to));
      break;
    }
    case 'truncate':
      b.length = at;
      break;
  }
  return Uint8Array.from(b);
}

const mutatedArb = fc
  .tuple(fc.integer({ min: 0, max: VALID_FILES.length - 1 }), fc.array(mutationArb, { minLength: 1, maxLength: 4 }))
  .map(([i, ms]) => {
    const f = VALID_FILES[i]!;
    return { name: f.name, bytes: ms.reduce(mutate, f.bytes), mutations: ms };
  });

// ── (a) arbitrary bytes and names ─────────────────────────────────────────────────────────
describe('(a) arbitrary bytes and names', () => {
  it('never throw and always give a well-formed report (random names)', () => {
    fc.assert(
      fc.property(nameArb, bytesArb, (path, bytes) => {
        const result = validateBytes(path, bytes, options);
        const name = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
        checkReport(result.report, name, bytes.length);
        expect(result.report.path).toBe(path);
      }),
      { numRuns: 300 },
    );
  });

  it.each(VALID_NAMES.map((n) => [n]))('never throw and always give a well-formed report for %s', (name) => {
    fc.assert(
      fc.property(bytesArb, (bytes) => {
        checkReport(validateBytes(name, bytes, options).report, name, bytes.length);
      }),
      { numRuns: 25 },
    );
  });

  it.each(MONTH_SHAPED_NAMES.map((n) => [n]))('never throw and always give a well-formed report for %s', (name) => {
    fc.assert(
      fc.property(bytesArb, (bytes) => {
        checkReport(validateBytes(name, bytes, options).report, name, bytes.length);
      }),
      { numRuns: 15 },
    );
  });
});

// ── (b) mutations of valid files ──────────────────────────────────────────────────────────
describe('(b) mutations of valid generated files', () => {
  it('the unmutated files are valid', () => {
    for (const f of VALID_FILES) {
      const r = validateBytes(f.name, f.bytes, options).report;
      expect(r.errors, f.name).toEqual([]);
      checkReport(r, f.name, f.bytes.length);
    }
  });

  it('never crash and always yield a well-formed report', () => {
    fc.assert(
      fc.property(mutatedArb, ({ name, bytes }) => {
        checkReport(validateBytes(name, bytes, options).report, name, bytes.length);
      }),
      { numRuns: 400 },
    );
  });

  it('a duplicated line alone keeps a well-formed report with the record counted twice', () => {
    const f = VALID_FILES.find((x) => x.name.startsWith('UPPLAN_'))!;
    const once = validateBytes(f.name, f.bytes, options).report;
    const twice = validateBytes(f.name, mutate(f.bytes, { kind: 'duplicateLine', at: 3 }), options).report;
    expect(twice.stats.records).toBe(once.stats.records + 1);
    checkReport(twice, f.name, twice.stats.bytes);
  });
});

// ── (c) chunking ──────────────────────────────────────────────────────────────────────────
describe('(c) streaming in chunks gives the same report as one write', () => {
  const csvName = fc.constantFrom(...VALID_NAMES.filter((n) => n.endsWith('.CSV')), ...MONTH_SHAPED_NAMES);
  const inputArb = fc.oneof(
    fc.tuple(csvName, bytesArb).map(([name, bytes]) => ({ name, bytes })),
    mutatedArb.map(({ name, bytes }) => ({ name, bytes })),
    fc.constantFrom(...VALID_FILES),
  );

  it('random split points', () => {
    fc.assert(
      fc.property(inputArb, fc.array(fc.nat(), { maxLength: 12 }), ({ name, bytes }, raw) => {
        const once = validateBytes(name, bytes, options).report;
        expect(validateChunked(name, bytes, cutsFor(raw, bytes.length))).toEqual(once);
      }),
      { numRuns: 300 },
    );
  });

  it('a valid file fed byte by byte', () => {
    for (const f of VALID_FILES.filter((x) => /^(UPPLAN|UP2KYO|UP1KYO|UPHOSOKU)_/.test(x.name))) {
      const once = validateBytes(f.name, f.bytes, options).report;
      const cuts = Array.from({ length: f.bytes.length }, (_, i) => i);
      expect(validateChunked(f.name, f.bytes, cuts), f.name).toEqual(once);
    }
  });

  // Concrete cases of the property, so a failure points straight at the cause.
  it('a UTF-8 BOM split across the first writes is still reported as a BOM', () => {
    const f = VALID_FILES.find((x) => x.name.startsWith('UP2KYO_'))!;
    const bytes = Uint8Array.from([0xef, 0xbb, 0xbf, ...f.bytes]);
    const once = validateBytes(f.name, bytes, options).report;
    expect(once.errors.map((e) => e.code)).toEqual(['E_ENCODING_UTF8_BOM']);
    for (const cut of [1, 2]) expect(validateChunked(f.name, bytes, [cut]), `first write of ${cut} byte(s)`).toEqual(once);
  });

  describe('a control character or gaiji in a record spanning three or more writes is still found', () => {
    const f = VALID_FILES.find((x) => x.name.startsWith('UP2KYO_'))!;
    // Byte 30 lies in the first record (column 4, a date); a gaiji F040 goes into column 7 of the same record.
    const withControl = Uint8Array.from(f.bytes);
    withControl[30] = 0x01;
    const firstQuote = f.bytes.indexOf(0x22);
    const withGaiji = Uint8Array.from([...f.bytes.subarray(0, firstQuote + 1), 0xf0, 0x40, ...f.bytes.subarray(firstQuote + 1)]);
    it.each([
      ['control', withControl, 'E_FIELD_CONTROL_CHARACTER'],
      ['gaiji', withGaiji, 'E_ENCODING_GAIJI'],
    ] as const)('%s', (label, bytes, code) => {
      const once = validateBytes(f.name, bytes, options).report;
      expect(once.errors.map((e) => e.code)).toContain(code);
      expect(validateChunked(f.name, bytes, [10, 40, 80]), `${label}, four writes`).toEqual(once);
      const cuts = Array.from({ length: 120 }, (_, i) => i + 1);
      expect(validateChunked(f.name, bytes, cuts), `${label}, byte-wise start`).toEqual(once);
    });
  });

  it('a control character in a last record without a final newline is found when the record spans two writes', () => {
    const f = VALID_FILES.find((x) => x.name.startsWith('UP2KYO_'))!;
    const body = Array.from(f.bytes.subarray(0, f.bytes.length - 2)); // drop the final CRLF
    const lastStart = body.lastIndexOf(0x0a) + 1;
    body[lastStart + 30] = 0x01; // column 4 (a date) of the last record
    const bytes = Uint8Array.from(body);
    const once = validateBytes(f.name, bytes, options).report;
    expect(once.errors.map((e) => e.code)).toEqual(['E_FIELD_CONTROL_CHARACTER', 'E_FIELD_DATE']);
    expect(validateChunked(f.name, bytes, [lastStart + 35])).toEqual(once);
  });

  it('an invalid MS932 lead byte at the end of a write does not swallow a later character', () => {
    const f = VALID_FILES.find((x) => x.name.startsWith('DLTKIHON_'))!;
    const end = f.bytes.length - 2; // before the final CRLF
    const bytes = Uint8Array.from([...f.bytes.subarray(0, end), 0x81, ...f.bytes.subarray(end)]);
    const once = validateBytes(f.name, bytes, options).report;
    // The U+FFFD lands in the last column, a date.
    expect(once.errors.map((e) => e.code)).toEqual(['E_ENCODING_INVALID_BYTES', 'E_FIELD_DATE']);
    expect(once.warnings).toEqual([]);
    expect(validateChunked(f.name, bytes, [end + 1])).toEqual(once);
  });

  it('decodeMs932: decoding in chunks gives the same text as decoding at once', () => {
    const decode = (chunks: Uint8Array[]) => {
      const d = decodeMs932();
      return chunks.map((c) => d.write(c)).join('') + d.end();
    };
    expect(decode([Uint8Array.from([0x41, 0x81]), Uint8Array.from([0x0d, 0x0a, 0x42])])).toBe('A\uFFFD\r\nB');
    assertChunkingChangesNothing(bytesArb, (bytes, from, to) => bytes.subarray(from, to), (chunks, bytes) => expect(decode(chunks)).toBe(decode([bytes])), 500);
  });

  it('CsvReader: random text over the framing alphabet gives the same records, issues and endings however it is chunked', () => {
    const textArb = fc.array(fc.constantFrom('a', 'b', ',', '"', '\r', '\n', '\r\n', '""', '山'), { maxLength: 60 }).map((a) => a.join(''));
    const read = parseCsv;
    assertChunkingChangesNothing(textArb, (text, from, to) => text.slice(from, to), (chunks, text) => expect(read(chunks)).toEqual(read([text])), 1000);
  });

  it('CsvReader: plain records split on their commas read exactly as the state machine reads them, however the text is chunked', () => {
    // Tokens that make plain records (quoted or not, quoted commas and line breaks, CRLF, LF or CR)
    // likely and every way out of one possible: "" pairs, stray and lone quotes, blank lines.
    const token = fc.constantFrom('a', '12', '山田', ',', ',', '"x"', '"花,子"', '""', '"', 'b"', '\r\n', '\r\n', '\n', '\r', '"\r\n"', '"a\nb"', '"c\rd"', '"e\r\n\r\nf"');
    const textArb = fc.array(token, { maxLength: 80 }).map((a) => a.join(''));
    assertChunkingChangesNothing(textArb, (text, from, to) => text.slice(from, to), (chunks) => expect(parseCsv(chunks)).toEqual(parseCsv(chunks, false)), 2000);
  });

  it('CsvReader: records whose quoted line breaks move their end read exactly as the state machine reads them, however the text is chunked', () => {
    // Few plain line breaks and many quoted ones, so that a chunk often ends after a quoted break and
    // before the record's own: the fast path must then leave the record whole to the next chunk.
    const token = fc.constantFrom('a', '12', ',', ',', '"a\nb"', '"c\r\nd"', '"e\rf"', '"x"', '\r\n');
    const textArb = fc.array(token, { maxLength: 40 }).map((a) => a.join(''));
    assertChunkingChangesNothing(textArb, (text, from, to) => text.slice(from, to), (chunks) => expect(parseCsv(chunks)).toEqual(parseCsv(chunks, false)), 1000);
  });

  it('CsvReader: a plain line too long for one field is left to the state machine, which reports it', () => {
    const text = `a,${'b'.repeat(MAX_FIELD_CHARS + 1)}\r\nc\r\n`;
    const fast = parseCsv([text]);
    expect(fast.issues.map((i) => i.kind)).toEqual(['fieldTooLarge']);
    expect(fast).toEqual(parseCsv([text], false));
  });
});

// ── (d) generator output is valid ─────────────────────────────────────────────────────────
describe('(d) generated fixtures validate cleanly', () => {
  const monthArb = fc
    .tuple(fc.integer({ min: 2025, max: 2030 }), fc.integer({ min: 1, max: 12 }))
    .map(([y, m]) => `${y}${String(m).padStart(2, '0')}`)
    .filter((m) => m >= '202504');

  it('for any month 202504..203012 and 1..5 users, file by file and unit by unit', () => {
    fc.assert(
      fc.property(monthArb, fc.integer({ min: 1, max: 5 }), (month, users) => {
        const files = generateFixtures(catalog, { month, users });
        const results: FileResult[] = files.map((f) => validateBytes(f.name, f.text === null ? JPEG : encodeMs932(f.text), options));
        for (const r of results) {
          expect(r.report.errors, `${month}/${users} ${r.report.name}`).toEqual([]);
          expect(r.report.valid).toBe(true);
        }
        const report = buildReport(results, catalog, { units: true });
        expect(report.units.length).toBeGreaterThan(0);
        for (const u of report.units) expect(u.errors, `${month}/${users} unit ${u.key}`).toEqual([]);
        expect(report.summary.errors).toBe(0);
        expect(report.summary.invalidFiles).toBe(0);
        expect(report.summary.invalidUnits).toBe(0);
      }),
      { numRuns: 25 },
    );
  });
});
