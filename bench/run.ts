// Validator benchmark: throughput and peak memory of `validatePath` against a floor of
// "read + MS932 decode + papaparse" on a generated ~50 MB UPPLAN file. Memory is compared on a ~10 MB
// file, the same 10 MB repeated to ~50 MB (same users, more bytes) and the ~50 MB file (more users):
// the validator keeps per-user facts for the send-unit checks, nothing per byte. And `checkPaths` on a
// folder of ~5,000 small files against the same floor over those files.
//
//   npm run bench                                   # every stage (build, then dist/bench/all.js)
//   node --expose-gc dist/bench/run.js --mb 50 --small-mb 10 --files 5000 --repeat 3
//   node --expose-gc --cpu-prof dist/bench/run.js child validate <file>   # one measurement, for profiling
//
// Every measurement runs in its own child process (so memory peaks do not mix); each is repeated and the
// median throughput is reported (best in parentheses). MB = 10^6 bytes. The pieces are in bench/validator/.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPlan } from './validator/plan.js';
import { childMain } from './validator/processes.js';
import { printResults, writeResults } from './validator/report.js';
import { recordRounds } from './summary.js';
import { compare } from './validator/summary.js';
import { prepareTestFiles, SMALL_FILE_COUNT } from './validator/testFiles.js';

/** This script: every child process is started from it, with `child` as its first argument. */
const ENTRY = fileURLToPath(import.meta.url);

function parseArgs(argv: string[]): { mb: number; smallMb: number; files: number; repeat: number } {
  const opts = { mb: 50, smallMb: 10, files: SMALL_FILE_COUNT, repeat: 3 };
  for (let i = 0; i < argv.length; i++) {
    const v = Number(argv[i + 1]);
    if (argv[i] === '--mb') opts.mb = v;
    else if (argv[i] === '--small-mb') opts.smallMb = v;
    else if (argv[i] === '--repeat') opts.repeat = v;
    else if (argv[i] === '--files') opts.files = v;
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
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cleanup();
      process.exit(130);
    });
  }
  try {
    console.log(`careplan-link validator benchmark — node ${process.version}, ${process.platform}/${process.arch}, temp ${dir}`);
    const files = await prepareTestFiles(dir, opts, ENTRY);
    const summaries = await runPlan(files, opts.repeat, ENTRY);
    const comparison = compare(summaries, files);
    printResults(summaries, comparison, files, opts.repeat);
    const mbs = (phase: string, file: string) => summaries.find((x) => x.phase === phase && x.file === file)!.all.map((r) => r.mbPerSec);
    const cpus = (phase: string, file: string) => summaries.find((x) => x.phase === phase && x.file === file)!.all.map((r) => r.cpuSeconds);
    // The keys are CPU-time ratios (as issue 16 measured); wall-time throughput and ratios ride along.
    recordRounds('validate_large_vs_floor', comparison.roundRatios.large, { measure: 'CPU time', wallRatios: comparison.roundRatiosWall.large, floorMBps: mbs('floor', 'large'), validateMBps: mbs('validate', 'large'), floorCpuS: cpus('floor', 'large'), validateCpuS: cpus('validate', 'large') });
    recordRounds('validate_small_files_vs_floor', comparison.roundRatios.files, { measure: 'CPU time', wallRatios: comparison.roundRatiosWall.files, files: files.folder.files, bytes: files.folder.bytes, floorMBps: mbs('floorFiles', 'files'), checkMBps: mbs('checkFiles', 'files'), floorCpuS: cpus('floorFiles', 'files'), checkCpuS: cpus('checkFiles', 'files') });
    console.log(`total bench time ${((Date.now() - started) / 1000).toFixed(0)} s`);
    console.log(`wrote ${writeResults(summaries, comparison, files, opts.repeat)}`);
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
