// The validator benchmark's results: the table and the comparisons on the console, and the same
// numbers (every run included) as bench-output/validator.json.
import { basename } from 'node:path';
import { writeBenchOutput } from '../output.js';
import { median } from '../stats.js';
import { MB, SAMPLE_MS, mib } from './measure.js';
import { CHUNK } from './phases.js';
import { GOAL, GOAL_FILES, type Comparison, type Summary } from './summary.js';
import type { TestFiles } from './testFiles.js';

const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;
const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
const mibDelta = (bytes: number) => signed(bytes / 2 ** 20);

function printTable(summaries: Summary[], repeat: number): void {
  console.log(`Results: median of ${repeat} runs (best in parentheses), each run a fresh process. MB = 10^6 bytes; memory in MiB (2^20 bytes).`);
  const header = [
    'phase'.padEnd(34),
    'file'.padEnd(17),
    'MB/s'.padStart(13),
    'rows'.padStart(8),
    'err'.padStart(4),
    'warn'.padStart(4),
    'base rss'.padStart(9),
    'peak rss'.padStart(9),
    'base heap'.padStart(9),
    'peak heap'.padStart(9),
    'peak old'.padStart(9),
    'kept heap'.padStart(9),
  ].join(' ');
  console.log(header);
  console.log('-'.repeat(header.length));
  for (const x of summaries) {
    console.log(
      [
        x.label.padEnd(34),
        `${x.file} ${(x.bytes / MB).toFixed(1)}MB`.padEnd(17),
        `${x.mbPerSecMedian.toFixed(1)} (${x.mbPerSecBest.toFixed(1)})`.padStart(13),
        (x.phase === 'read' || x.phase === 'decode' ? '-' : String(x.rows)).padStart(8),
        (x.errors === null ? '-' : String(x.errors)).padStart(4),
        (x.warnings === null ? '-' : String(x.warnings)).padStart(4),
        mib(x.baselineRss).padStart(9),
        mib(x.peakRss).padStart(9),
        mib(x.baselineHeap).padStart(9),
        mib(x.peakHeap).padStart(9),
        mib(x.peakOld).padStart(9),
        mib(x.retainedHeap).padStart(9),
      ].join(' '),
    );
  }
  console.log('base = after loading the spec catalog and a forced GC, before the phase; peak = highest 50 ms sample over all runs;');
  console.log('peak old = highest old-space + large-object-space use (heap without the young generation, which V8 enlarges as a run goes on);');
  console.log('kept heap = heapUsed after a forced GC at the end of the phase, its result still referenced.');
}

function printComparisons(c: Comparison, files: TestFiles): void {
  const { noHashLarge: vn, validateLarge: vl, validateSmall: vs, validateRepeated: vr } = c;
  // The goals are judged in CPU time; wall time is shown beside it (it moves with the machine's other load).
  const cpuLarge = median(c.roundRatios.large);
  const cpuFiles = median(c.roundRatios.files);
  const rounds = (r: number[]) => r.map(pct).join(', ');
  console.log(`validatePath / floor, large file, CPU time:   ${pct(cpuLarge)} median (rounds ${rounds(c.roundRatios.large)}) — goal ≥ ${pct(GOAL)}: ${cpuLarge >= GOAL ? 'MET' : 'NOT MET'}`);
  console.log(`  wall time: ${pct(c.ratio)} median (${pct(c.ratioBest)} best/best; rounds ${rounds(c.roundRatiosWall.large)})`);
  console.log(`FileValidator (no hash) / floor, wall time:    ${pct(c.ratioNoHash)} median (${pct(c.ratioNoHashBest)} best/best)`);
  console.log(`validatePath / floor, small file, wall time:   ${pct(c.ratioSmall)} median`);
  console.log(`checkPaths / floor, ${files.folder.files} files, CPU time:  ${pct(cpuFiles)} median (rounds ${rounds(c.roundRatios.files)}) — goal ≥ ${pct(GOAL_FILES)}: ${cpuFiles >= GOAL_FILES ? 'MET' : 'NOT MET'}`);
  console.log(`  wall time: ${pct(c.ratioFiles)} median (rounds ${rounds(c.roundRatiosWall.files)})`);
  console.log(`record counts match the generator: ${c.badRows.length === 0 ? 'yes' : `NO — ${c.badRows.map(([k, got, want]) => `${k} ${got} ≠ ${want}`).join(', ')}`}`);
  const findings = (x: Summary) => `${x.errors} errors, ${x.warnings} warnings, ${x.omitted} omitted, valid=${x.valid}`;
  console.log(`validation findings: large ${findings(vl)}; small ${findings(vs)}; repeated ${findings(vr)}; files ${findings(c.checkFiles)}`);
  for (const x of [vl, vn, vs, vr, c.checkFiles]) if (x.errors || x.warnings) console.log(`  codes (${x.phase} ${x.file}): ${JSON.stringify(x.errorCodes)}`);
  console.log('memory of validatePath against file size:');
  for (const x of [vs, vr, vl]) {
    console.log(
      `  ${x.file.padEnd(8)} ${(x.bytes / MB).toFixed(1).padStart(5)} MB ${String(files.users[x.file]).padStart(6)} users: peak heap ${mib(x.peakHeap).padStart(5)} MiB (+${mib(x.peakHeapOverBaseline)} over base), ` +
        `peak old ${mib(x.peakOld).padStart(5)} MiB, kept heap ${mib(x.retainedHeap).padStart(5)} MiB, peak rss ${mib(x.peakRss).padStart(6)} MiB${x.vmHwm !== null ? ` (VmHWM ${mib(x.vmHwm)})` : ''}`,
    );
  }
  console.log(
    `  same users, ×${(vr.bytes / vs.bytes).toFixed(1)} bytes (small → repeated): peak heap ${mibDelta(vr.peakHeap - vs.peakHeap)}, peak old ${mibDelta(vr.peakOld - vs.peakOld)}, kept ${mibDelta(vr.retainedHeap - vs.retainedHeap)} MiB`,
  );
  const { large, small } = files;
  console.log(
    `  same bytes, ×${(large.users / small.users).toFixed(1)} users (repeated → large): peak heap ${mibDelta(vl.peakHeap - vr.peakHeap)}, peak old ${mibDelta(vl.peakOld - vr.peakOld)}, kept ${mibDelta(vl.retainedHeap - vr.retainedHeap)} MiB ` +
      `(≈ ${((vl.retainedHeap - vr.retainedHeap) / (large.users - small.users)).toFixed(0)} bytes kept per extra user: the per-user facts for the send-unit checks)`,
  );
}

/** The console report: the table, then the comparisons. */
export function printResults(summaries: Summary[], comparison: Comparison, files: TestFiles, repeat: number): void {
  console.log('');
  printTable(summaries, repeat);
  console.log('');
  printComparisons(comparison, files);
}

/** Writes bench-output/validator.json; returns its path. */
export function writeResults(summaries: Summary[], c: Comparison, files: TestFiles, repeat: number): string {
  const { large, small } = files;
  return writeBenchOutput('validator', {
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    date: new Date().toISOString(),
    units: { throughput: 'MB/s (10^6 bytes per second)', memory: 'bytes' },
    chunkBytes: CHUNK,
    sampleMs: SAMPLE_MS,
    repeat,
    files: {
      large: { name: basename(large.path), bytes: large.bytes, records: large.records, users: large.users },
      small: { name: basename(small.path), bytes: small.bytes, records: small.records, users: small.users },
      repeated: { name: basename(files.paths.repeated), bytes: files.bytes.repeated, records: files.records.repeated, users: small.users, timesSmall: files.times },
      files: { count: files.folder.files, months: files.folder.months, bytes: files.folder.bytes, records: files.folder.records },
    },
    ratio: {
      validateOverFloor: c.ratio,
      validateOverFloorBest: c.ratioBest,
      validateNoHashOverFloor: c.ratioNoHash,
      validateNoHashOverFloorBest: c.ratioNoHashBest,
      validateOverFloorSmall: c.ratioSmall,
      goal: GOAL,
      met: c.ratio >= GOAL,
      checkFilesOverFloor: c.ratioFiles,
      goalFiles: GOAL_FILES,
      metFiles: c.ratioFiles >= GOAL_FILES,
      rounds: c.roundRatios,
    },
    recordCountsMatch: c.badRows.length === 0,
    phases: summaries.map((s) => ({ ...s, all: s.all.map((r) => ({ ...r, file: basename(r.file) })) })),
  });
}
