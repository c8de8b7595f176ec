// Is CSV parsing linear on every path? (issue 11, "Parsing must be linear on every path".) Each path
// parses adversarial inputs of 1 MB and of 4 MB, in CPU time; linear work takes about 4× as long on
// the larger input, quadratic work about 16× (a 2 MB field of quote characters once stalled `receive`
// for 137 s). The summary key is the largest 4 MB ÷ 1 MB ratio over every path and input, per round.
// Timing lives here, not in the unit tests (shared/validator/csv.test.ts counts the search work instead).
//
//   node --expose-gc dist/bench/parse.js
//
// The paths:
//   streaming     FileValidator fed 256 KiB at a time, as `check` and the agent read a large file
//   whole-buffer  the whole file decoded and split in one push (shared/ticket/records.ts readRecords)
//   receive       what the receiver runs on each file of a unit: validateBytes + checkContentOffices
import { loadCatalog } from '../client/check/specs.js';
import { decodeMs932 } from '../client/check/ms932.js';
import { checkContentOffices } from '../client/transport/arrivalChecks.js';
import { readRecords } from '../shared/ticket/records.js';
import { FileValidator, validateBytes } from '../shared/validator/index.js';
import { writeBenchOutput } from './output.js';
import { median } from './stats.js';
import { recordRounds } from './summary.js';

const ROUNDS = 3;
/** Each time is the median of this many runs (the least would favour a lucky 1 MB run: 1 MB runs vary 19-80 ms). */
const REPEAT = 5;
const MB = 1e6;
const SIZES = [1 * MB, 4 * MB] as const;
const CHUNK = 256 * 1024;
/** A file name the validator accepts, so every path runs all the way (not stopped at the name). */
const NAME = 'UPPLAN_202504_1310000011_43_1310000029_11_20250425120002.CSV';
const catalog = loadCatalog();

/** Fills a record's field to `bytes` with a repeating piece, inside `head`…`tail` (all ASCII: 1 byte a character). */
function filled(bytes: number, head: string, piece: string, tail: string): Buffer {
  const n = Math.max(0, Math.floor((bytes - head.length - tail.length) / piece.length));
  return Buffer.from(head + piece.repeat(n) + tail, 'latin1');
}

/** The inputs that made parsers quadratic: one field each, the rest of the record ordinary. */
const INPUTS: Record<string, (bytes: number) => Buffer> = {
  // A field of nothing but quote characters (an odd count: it never closes).
  quotes: (bytes) => filled(bytes, '202407,', '"', '"\r\n'),
  // A quoted field of many "" pairs between text.
  pairs: (bytes) => filled(bytes, '202407,"', 'a""', '",x\r\n'),
  // A quoted field of line breaks of every kind, then more records.
  breaks: (bytes) => filled(bytes, '202407,"', 'a\r\nb\nc\r', '",x\r\n202407,y\r\n'),
  // Records of 64 KB "" pairs each: every field is kept (the ones above pass 1,000,000 characters at 4 MB, where the reader stops keeping them).
  records: (bytes) => filled(bytes, '', `202407,"${'""'.repeat(32_768)}",x\r\n`, ''),
};

const PATHS: Record<string, (data: Buffer) => unknown> = {
  streaming: (data) => {
    const v = new FileValidator(NAME, NAME, { catalog, decoder: decodeMs932 });
    for (let i = 0; i < data.length; i += CHUNK) v.write(data.subarray(i, i + CHUNK));
    return v.end();
  },
  'whole-buffer': (data) => readRecords(data, decodeMs932),
  receive: (data) => {
    const result = validateBytes(NAME, data, { catalog, decoder: decodeMs932 });
    checkContentOffices([{ name: NAME, data }], catalog, { signer: '1310000011', me: '1310000029' });
    return result;
  },
};

/** A full collection before each run (the stage runs with --expose-gc), so no run pays for the last one's garbage. */
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

function cpuSeconds(fn: () => unknown): number {
  const runs: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    gc();
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    runs.push((c.user + c.system) / 1e6);
  }
  return median(runs);
}

interface Cell {
  path: string;
  input: string;
  seconds1m: number;
  seconds4m: number;
  ratio: number;
}

function main(): void {
  const data = Object.fromEntries(Object.entries(INPUTS).map(([k, make]) => [k, SIZES.map((s) => make(s))]));
  console.log(`parse: CPU seconds per parse of adversarial inputs of 1 MB and 4 MB (median of ${REPEAT}), ${ROUNDS} rounds; linear ⇒ ratio ≈ 4, quadratic ⇒ ≈ 16`);
  // Once, unmeasured: the first parse compiles the code and builds the decoder's tables.
  for (const run of Object.values(PATHS)) run(data.pairs![0]!);
  const rounds: Cell[][] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const cells: Cell[] = [];
    for (const [path, run] of Object.entries(PATHS)) {
      for (const [input, [small, large]] of Object.entries(data)) {
        const seconds1m = cpuSeconds(() => run(small!));
        const seconds4m = cpuSeconds(() => run(large!));
        cells.push({ path, input, seconds1m, seconds4m, ratio: seconds4m / seconds1m });
      }
    }
    rounds.push(cells);
    const worst = cells.reduce((a, b) => (b.ratio > a.ratio ? b : a));
    console.log(`  round ${round}: largest ratio ${worst.ratio.toFixed(2)} (${worst.path}, ${worst.input})`);
  }
  console.log(`  ${'path'.padEnd(13)} ${'input'.padEnd(7)} ${'1 MB s'.padStart(8)} ${'4 MB s'.padStart(8)} ${'ratio'.padStart(6)}  (median over rounds)`);
  for (let i = 0; i < rounds[0]!.length; i++) {
    const c = rounds[0]![i]!;
    const m = (f: (x: Cell) => number) => median(rounds.map((r) => f(r[i]!)));
    console.log(`  ${c.path.padEnd(13)} ${c.input.padEnd(7)} ${m((x) => x.seconds1m).toFixed(3).padStart(8)} ${m((x) => x.seconds4m).toFixed(3).padStart(8)} ${m((x) => x.ratio).toFixed(2).padStart(6)}`);
  }
  const perRound = rounds.map((cells) => Math.max(...cells.map((c) => c.ratio)));
  recordRounds('parse_4m_vs_1m_ratio', perRound, { cells: rounds });
  writeBenchOutput('parse', { sizes: SIZES, repeat: REPEAT, rounds });
}

main();
