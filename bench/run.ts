// Validator benchmark: throughput and peak memory of `validatePath` against a floor of
// "read + MS932 decode + papaparse" on a generated ~50 MB UPPLAN file. Memory is compared on a ~10 MB
// file, the same 10 MB repeated to ~50 MB (same users, more bytes) and the ~50 MB file (more users):
// the validator keeps per-user facts for the send-unit checks, nothing per byte.
//
//   npm run bench                                   # everything (build, then node --expose-gc dist/bench/run.js)
//   node dist/bench/run.js --mb 50 --small-mb 10 --repeat 3
//   node --expose-gc --cpu-prof dist/bench/run.js child validate <file>   # one measurement, for profiling
//
// Every measurement runs in its own child process (so memory peaks do not mix); each is repeated and the
// median throughput is reported (best in parentheses). MB = 10^6 bytes.
import { fork } from 'node:child_process';
import { appendFileSync, closeSync, createReadStream, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { getHeapSpaceStatistics } from 'node:v8';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { generateFixtures } from '../shared/fixtures/generate.js';
import { FileValidator } from '../shared/validator/index.js';
import { decodeMs932, encodeMs932 } from '../client/check/ms932.js';
import { packageRoot } from '../client/paths.js';
import { loadCatalog } from '../client/check/specs.js';
import { validatePath } from '../client/check/validation.js';

const MB = 1e6;
const CHUNK = 256 * 1024;
const SAMPLE_MS = 50;
const MONTH = '202504';

type FileKey = 'large' | 'small' | 'repeated';
type Phase = 'read' | 'decode' | 'floor' | 'validate' | 'validateNoHash';

const PHASE_LABEL: Record<Phase, string> = {
  read: 'read only (fs stream)',
  decode: 'read + cp932 decode',
  floor: 'floor: read + decode + papaparse',
  validate: 'validatePath (sha256 + validator)',
  validateNoHash: 'FileValidator (no hash)',
};

interface Mem {
  rss: number;
  heapUsed: number;
  /** old_space + large_object_space: what survives scavenges (the young generation is left out, V8 grows it with the allocation rate). */
  oldUsed: number;
}

function oldUsed(): number {
  let n = 0;
  for (const s of getHeapSpaceStatistics()) if (s.space_name === 'old_space' || s.space_name === 'large_object_space') n += s.space_used_size;
  return n;
}

interface RunResult {
  phase: Phase;
  file: string;
  bytes: number;
  seconds: number;
  mbPerSec: number;
  rows: number;
  errors: number | null;
  warnings: number | null;
  /** Codes of the listed findings (errors and warnings), with counts. */
  errorCodes: Record<string, number> | null;
  /** Findings the sink counted but did not list. */
  omitted: number | null;
  valid: boolean | null;
  baseline: Mem;
  peak: Mem;
  /** heapUsed after a forced GC at the end, while the phase's result is still held. */
  retainedHeap: number;
  /** Kernel high-water mark of the resident set (VmHWM), where /proc is available. */
  vmHwm: number | null;
  samples: number;
}

interface GenResult {
  path: string;
  bytes: number;
  users: number;
  records: number;
  seconds: number;
}

// ───────────────────────── child side ─────────────────────────

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

function vmHwm(): number | null {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Bytes read; rows are not counted. */
async function readOnly(path: string): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) n += (chunk as Buffer).length;
  return n;
}

/** Characters decoded; rows are not counted. */
async function decodeOnly(path: string): Promise<number> {
  let chars = 0;
  const d = iconv.getDecoder('cp932');
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) chars += d.write(chunk as Buffer).length;
  chars += (d.end() ?? '').length;
  return chars;
}

/** The floor: bytes → iconv-lite cp932 decode stream → papaparse's Node duplex stream, counting rows. */
async function floor(path: string): Promise<{ rows: number }> {
  let rows = 0;
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { delimiter: ',', newline: '\r\n', header: false, dynamicTyping: false });
  const counter = new Writable({
    objectMode: true,
    write(_row: unknown, _enc, done) {
      rows++;
      done();
    },
  });
  await pipeline(createReadStream(path, { highWaterMark: CHUNK }), iconv.decodeStream('cp932'), parser, counter);
  return { rows };
}

async function validateNoHash(path: string) {
  const catalog = loadCatalog();
  const v = new FileValidator(path, basename(path), { catalog, decoder: decodeMs932 });
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) v.write(chunk as Buffer);
  return v.end();
}

async function runChild(phase: Phase, path: string): Promise<RunResult> {
  loadCatalog(); // same starting point for every phase
  gc();
  const base = process.memoryUsage();
  const baseline: Mem = { rss: base.rss, heapUsed: base.heapUsed, oldUsed: oldUsed() };
  const peak: Mem = { ...baseline };
  let samples = 0;
  const sample = () => {
    const m = process.memoryUsage();
    samples++;
    if (m.rss > peak.rss) peak.rss = m.rss;
    if (m.heapUsed > peak.heapUsed) peak.heapUsed = m.heapUsed;
    const old = oldUsed();
    if (old > peak.oldUsed) peak.oldUsed = old;
  };
  const timer = setInterval(sample, SAMPLE_MS);
  const bytes = statSync(path).size;
  let rows = 0;
  let errors: number | null = null;
  let warnings: number | null = null;
  let errorCodes: Record<string, number> | null = null;
  let omitted: number | null = null;
  let valid: boolean | null = null;
  let held: unknown = null;
  const t0 = process.hrtime.bigint();
  switch (phase) {
    case 'read':
      held = await readOnly(path);
      break;
    case 'decode':
      held = await decodeOnly(path);
      break;
    case 'floor':
      rows = (await floor(path)).rows;
      held = rows;
      break;
    case 'validate':
    case 'validateNoHash': {
      const result = phase === 'validate' ? await validatePath(path) : await validateNoHash(path);
      held = result;
      const r = result.report;
      rows = r.stats.records;
      errors = r.errors.length;
      warnings = r.warnings.length;
      omitted = r.omitted;
      valid = r.valid;
      errorCodes = {};
      for (const f of [...r.errors, ...r.warnings]) errorCodes[f.code] = (errorCodes[f.code] ?? 0) + 1;
      break;
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  sample();
  clearInterval(timer);
  gc();
  const retainedHeap = process.memoryUsage().heapUsed;
  if (held === null) throw new Error(`phase ${phase} gave no result`); // also keeps the result alive through the GC above
  return {
    phase,
    file: path,
    bytes,
    seconds,
    mbPerSec: bytes / MB / seconds,
    rows,
    errors,
    warnings,
    errorCodes,
    omitted,
    valid,
    baseline,
    peak,
    retainedHeap,
    vmHwm: vmHwm(),
    samples,
  };
}

/** Writes the generator's UPPLAN file, with enough users for about `targetBytes`, into dir: MS932, encoded slice by slice. */
function generate(dir: string, targetBytes: number): GenResult {
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

function upplan(catalog: ReturnType<typeof loadCatalog>, users: number): { name: string; text: string } {
  const f = generateFixtures(catalog, { month: MONTH, users }).find((g) => g.kind === 'UPPLAN');
  if (!f || f.text === null) throw new Error('generator gave no UPPLAN file');
  return { name: f.name, text: f.text };
}

async function childMain(args: string[]): Promise<void> {
  const [what, a, b] = args;
  let out: unknown;
  if (what === 'gen') out = generate(a!, Number(b));
  else out = await runChild(what as Phase, a!);
  if (process.send) {
    await new Promise<void>((resolve, reject) => process.send!(out, (err: Error | null) => (err ? reject(err) : resolve())));
  } else {
    console.log(JSON.stringify(out, null, 2));
  }
}

// ───────────────────────── parent side ─────────────────────────

function spawnChild<T>(args: string[], extraExecArgv: string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['child', ...args], { execArgv: ['--expose-gc', ...extraExecArgv], stdio: 'inherit' });
    let got: T | undefined;
    child.on('message', (m) => (got = m as T));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0 && got !== undefined) resolve(got);
      else reject(new Error(`child ${args.join(' ')} failed (exit ${code ?? signal})`));
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;
const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);

interface Summary {
  phase: Phase;
  label: string;
  file: FileKey;
  bytes: number;
  runs: number;
  mbPerSecMedian: number;
  mbPerSecBest: number;
  secondsMedian: number;
  rows: number;
  errors: number | null;
  warnings: number | null;
  errorCodes: Record<string, number> | null;
  omitted: number | null;
  valid: boolean | null;
  baselineRss: number;
  baselineHeap: number;
  peakRss: number;
  peakHeap: number;
  peakHeapOverBaseline: number;
  peakOld: number;
  retainedHeap: number;
  vmHwm: number | null;
  all: RunResult[];
}

function summarise(phase: Phase, file: FileKey, runs: RunResult[]): Summary {
  const speeds = runs.map((r) => r.mbPerSec);
  const first = runs[0]!;
  const maxOf = (f: (r: RunResult) => number) => Math.max(...runs.map(f));
  const baselineHeap = median(runs.map((r) => r.baseline.heapUsed));
  const peakHeap = maxOf((r) => r.peak.heapUsed);
  const hwm = runs.every((r) => r.vmHwm !== null) ? maxOf((r) => r.vmHwm!) : null;
  return {
    phase,
    label: PHASE_LABEL[phase],
    file,
    bytes: first.bytes,
    runs: runs.length,
    mbPerSecMedian: median(speeds),
    mbPerSecBest: Math.max(...speeds),
    secondsMedian: median(runs.map((r) => r.seconds)),
    rows: first.rows,
    errors: first.errors,
    warnings: first.warnings,
    errorCodes: first.errorCodes,
    omitted: first.omitted,
    valid: first.valid,
    baselineRss: median(runs.map((r) => r.baseline.rss)),
    baselineHeap,
    peakRss: maxOf((r) => r.peak.rss),
    peakHeap,
    peakHeapOverBaseline: peakHeap - baselineHeap,
    peakOld: maxOf((r) => r.peak.oldUsed),
    retainedHeap: maxOf((r) => r.retainedHeap),
    vmHwm: hwm,
    all: runs,
  };
}

function parseArgs(argv: string[]): { mb: number; smallMb: number; repeat: number } {
  const opts = { mb: 50, smallMb: 10, repeat: 3 };
  for (let i = 0; i < argv.length; i++) {
    const v = Number(argv[i + 1]);
    if (argv[i] === '--mb') opts.mb = v;
    else if (argv[i] === '--small-mb') opts.smallMb = v;
    else if (argv[i] === '--repeat') opts.repeat = v;
    else continue;
    i++;
    if (!Number.isFinite(v) || v <= 0) throw new Error(`bad value for ${argv[i - 1]}`);
  }
  return opts;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'careplan-link-bench-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    console.log(`careplan-link validator benchmark — node ${process.version}, ${process.platform}/${process.arch}, temp ${dir}`);
    const bigDir = join(dir, 'large');
    const smallDir = join(dir, 'small');
    mkdirSync(bigDir);
    mkdirSync(smallDir);
    const big = await spawnChild<GenResult>(['gen', bigDir, String(opts.mb * MB)], ['--max-old-space-size=6144']);
    console.log(`generated ${basename(big.path)}: ${(big.bytes / MB).toFixed(1)} MB, ${big.records} records, ${big.users} users (${big.seconds.toFixed(1)} s)`);
    const small = await spawnChild<GenResult>(['gen', smallDir, String(opts.smallMb * MB)], ['--max-old-space-size=6144']);
    console.log(`generated ${basename(small.path)}: ${(small.bytes / MB).toFixed(1)} MB, ${small.records} records, ${small.users} users (${small.seconds.toFixed(1)} s)`);

    // The small file's bytes repeated: as large as the large file but with the small file's users, so the
    // memory kept for per-user facts stays the same and only the byte count grows.
    const times = Math.max(2, Math.round(big.bytes / small.bytes));
    const repeatDir = join(dir, 'repeated');
    mkdirSync(repeatDir);
    const repeated = join(repeatDir, basename(small.path));
    const smallBytes = readFileSync(small.path);
    for (let i = 0; i < times; i++) appendFileSync(repeated, smallBytes);
    console.log(`repeated the ${(small.bytes / MB).toFixed(1)} MB file ×${times}: ${(statSync(repeated).size / MB).toFixed(1)} MB, ${small.records * times} records, still ${small.users} users`);
    const files: Record<FileKey, string> = { large: big.path, small: small.path, repeated };
    const expectedRecords: Record<FileKey, number> = { large: big.records, small: small.records, repeated: small.records * times };

    const plan: { phase: Phase; file: FileKey }[] = [
      { phase: 'read', file: 'large' },
      { phase: 'decode', file: 'large' },
      { phase: 'floor', file: 'large' },
      { phase: 'validate', file: 'large' },
      { phase: 'validateNoHash', file: 'large' },
      { phase: 'floor', file: 'small' },
      { phase: 'validate', file: 'small' },
      { phase: 'validate', file: 'repeated' },
    ];
    // Rounds interleave the phases, so background load on the machine spreads over all of them.
    const runs = plan.map(() => [] as RunResult[]);
    for (let round = 1; round <= opts.repeat; round++) {
      for (const [k, step] of plan.entries()) {
        const r = await spawnChild<RunResult>([step.phase, files[step.file]]);
        runs[k]!.push(r);
        console.log(`  round ${round} ${pad(step.phase, 15)} ${pad(step.file, 8)} ${lpad(r.mbPerSec.toFixed(1), 6)} MB/s (${r.seconds.toFixed(2)} s), peak heap ${mib(r.peak.heapUsed)} MiB, peak rss ${mib(r.peak.rss)} MiB`);
      }
    }
    const summaries = plan.map((step, k) => summarise(step.phase, step.file, runs[k]!));

    const find = (phase: Phase, file: FileKey) => summaries.find((x) => x.phase === phase && x.file === file)!;
    const fl = find('floor', 'large');
    const vl = find('validate', 'large');
    const vn = find('validateNoHash', 'large');
    const fsm = find('floor', 'small');
    const vs = find('validate', 'small');
    const vr = find('validate', 'repeated');
    const ratio = vl.mbPerSecMedian / fl.mbPerSecMedian;
    const ratioBest = vl.mbPerSecBest / fl.mbPerSecBest;
    const ratioNoHash = vn.mbPerSecMedian / fl.mbPerSecMedian;
    const ratioNoHashBest = vn.mbPerSecBest / fl.mbPerSecBest;
    const ratioSmall = vs.mbPerSecMedian / fsm.mbPerSecMedian;
    const users: Record<FileKey, number> = { large: big.users, small: small.users, repeated: small.users };

    console.log('');
    console.log(`Results: median of ${opts.repeat} runs (best in parentheses), each run a fresh process. MB = 10^6 bytes; memory in MiB (2^20 bytes).`);
    const header = [
      pad('phase', 34),
      pad('file', 17),
      lpad('MB/s', 13),
      lpad('rows', 8),
      lpad('err', 4),
      lpad('warn', 4),
      lpad('base rss', 9),
      lpad('peak rss', 9),
      lpad('base heap', 9),
      lpad('peak heap', 9),
      lpad('peak old', 9),
      lpad('kept heap', 9),
    ].join(' ');
    console.log(header);
    console.log('-'.repeat(header.length));
    for (const x of summaries) {
      console.log(
        [
          pad(x.label, 34),
          pad(`${x.file} ${(x.bytes / MB).toFixed(1)}MB`, 17),
          lpad(`${x.mbPerSecMedian.toFixed(1)} (${x.mbPerSecBest.toFixed(1)})`, 13),
          lpad(x.phase === 'read' || x.phase === 'decode' ? '-' : String(x.rows), 8),
          lpad(x.errors === null ? '-' : String(x.errors), 4),
          lpad(x.warnings === null ? '-' : String(x.warnings), 4),
          lpad(mib(x.baselineRss), 9),
          lpad(mib(x.peakRss), 9),
          lpad(mib(x.baselineHeap), 9),
          lpad(mib(x.peakHeap), 9),
          lpad(mib(x.peakOld), 9),
          lpad(mib(x.retainedHeap), 9),
        ].join(' '),
      );
    }
    console.log('base = after loading the spec catalog and a forced GC, before the phase; peak = highest 50 ms sample over all runs;');
    console.log('peak old = highest old-space + large-object-space use (heap without the young generation, which V8 enlarges as a run goes on);');
    console.log('kept heap = heapUsed after a forced GC at the end of the phase, its result still referenced.');
    console.log('');
    const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
    console.log(`validatePath / floor, large file:   ${pct(ratio)} median (${pct(ratioBest)} best/best) — goal ≥ 50 %: ${ratio >= 0.5 ? 'MET' : 'NOT MET'}`);
    console.log(`FileValidator (no hash) / floor:    ${pct(ratioNoHash)} median (${pct(ratioNoHashBest)} best/best)`);
    console.log(`validatePath / floor, small file:   ${pct(ratioSmall)} median`);
    const rowChecks: [string, number, number][] = [
      ['papaparse large', fl.rows, big.records],
      ['validator large', vl.rows, big.records],
      ['validator no-hash large', vn.rows, big.records],
      ['papaparse small', fsm.rows, small.records],
      ['validator small', vs.rows, small.records],
      ['validator repeated', vr.rows, expectedRecords.repeated],
    ];
    const badRows = rowChecks.filter(([, got, want]) => got !== want);
    console.log(`record counts match the generator: ${badRows.length === 0 ? 'yes' : `NO — ${badRows.map(([k, got, want]) => `${k} ${got} ≠ ${want}`).join(', ')}`}`);
    const findings = (x: Summary) => `${x.errors} errors, ${x.warnings} warnings, ${x.omitted} omitted, valid=${x.valid}`;
    console.log(`validation findings: large ${findings(vl)}; small ${findings(vs)}; repeated ${findings(vr)}`);
    for (const x of [vl, vn, vs, vr]) if (x.errors || x.warnings) console.log(`  codes (${x.phase} ${x.file}): ${JSON.stringify(x.errorCodes)}`);
    console.log('memory of validatePath against file size:');
    for (const x of [vs, vr, vl]) {
      console.log(
        `  ${pad(x.file, 8)} ${lpad((x.bytes / MB).toFixed(1), 5)} MB ${lpad(String(users[x.file]), 6)} users: peak heap ${lpad(mib(x.peakHeap), 5)} MiB (+${mib(x.peakHeapOverBaseline)} over base), ` +
          `peak old ${lpad(mib(x.peakOld), 5)} MiB, kept heap ${lpad(mib(x.retainedHeap), 5)} MiB, peak rss ${lpad(mib(x.peakRss), 6)} MiB${x.vmHwm !== null ? ` (VmHWM ${mib(x.vmHwm)})` : ''}`,
      );
    }
    console.log(
      `  same users, ×${(vr.bytes / vs.bytes).toFixed(1)} bytes (small → repeated): peak heap ${signed((vr.peakHeap - vs.peakHeap) / 2 ** 20)}, peak old ${signed((vr.peakOld - vs.peakOld) / 2 ** 20)}, kept ${signed((vr.retainedHeap - vs.retainedHeap) / 2 ** 20)} MiB`,
    );
    console.log(
      `  same bytes, ×${(big.users / small.users).toFixed(1)} users (repeated → large): peak heap ${signed((vl.peakHeap - vr.peakHeap) / 2 ** 20)}, peak old ${signed((vl.peakOld - vr.peakOld) / 2 ** 20)}, kept ${signed((vl.retainedHeap - vr.retainedHeap) / 2 ** 20)} MiB ` +
        `(≈ ${((vl.retainedHeap - vr.retainedHeap) / (big.users - small.users)).toFixed(0)} bytes kept per extra user: the per-user facts for the send-unit checks)`,
    );
    console.log(`total bench time ${((Date.now() - started) / 1000).toFixed(0)} s`);

    const outDir = join(packageRoot(), 'bench-output');
    mkdirSync(outDir, { recursive: true });
    const outFile = join(outDir, 'validator.json');
    writeFileSync(
      outFile,
      JSON.stringify(
        {
          node: process.version,
          platform: `${process.platform}/${process.arch}`,
          date: new Date().toISOString(),
          units: { throughput: 'MB/s (10^6 bytes per second)', memory: 'bytes' },
          chunkBytes: CHUNK,
          sampleMs: SAMPLE_MS,
          repeat: opts.repeat,
          files: {
            large: { name: basename(big.path), bytes: big.bytes, records: big.records, users: big.users },
            small: { name: basename(small.path), bytes: small.bytes, records: small.records, users: small.users },
            repeated: { name: basename(repeated), bytes: statSync(repeated).size, records: expectedRecords.repeated, users: small.users, timesSmall: times },
          },
          ratio: {
            validateOverFloor: ratio,
            validateOverFloorBest: ratioBest,
            validateNoHashOverFloor: ratioNoHash,
            validateNoHashOverFloorBest: ratioNoHashBest,
            validateOverFloorSmall: ratioSmall,
            goal: 0.5,
            met: ratio >= 0.5,
          },
          recordCountsMatch: badRows.length === 0,
          phases: summaries.map((s) => ({ ...s, all: s.all.map((r) => ({ ...r, file: basename(r.file) })) })),
        },
        null,
        2,
      ) + '\n',
    );
    console.log(`wrote ${outFile}`);
  } finally {
    cleanup();
    console.log(`removed ${dir}`);
  }
}

const argv = process.argv.slice(2);
if (argv[0] === 'child') {
  childMain(argv.slice(1)).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
