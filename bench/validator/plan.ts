// Which phase runs on which file, and the rounds that repeat them.
import { mib, type RunResult } from './measure.js';
import type { Phase } from './phases.js';
import { spawnChild } from './processes.js';
import { summarise, type Summary } from './summary.js';
import type { FileKey, TestFiles } from './testFiles.js';

const PLAN: { phase: Phase; file: FileKey }[] = [
  { phase: 'read', file: 'large' },
  { phase: 'decode', file: 'large' },
  { phase: 'floor', file: 'large' },
  { phase: 'validate', file: 'large' },
  { phase: 'validateNoHash', file: 'large' },
  { phase: 'floor', file: 'small' },
  { phase: 'validate', file: 'small' },
  { phase: 'validate', file: 'repeated' },
  { phase: 'floorFiles', file: 'files' },
  { phase: 'checkFiles', file: 'files' },
];

/** Runs every step of the plan `repeat` times, each in a fresh child started from `entry`, printing a line per run; one summary per step, in plan order. */
export async function runPlan(files: TestFiles, repeat: number, entry: string): Promise<Summary[]> {
  // Rounds interleave the phases, so background load on the machine spreads over all of them.
  const runs = PLAN.map(() => [] as RunResult[]);
  for (let round = 1; round <= repeat; round++) {
    for (const [k, step] of PLAN.entries()) {
      const r = await spawnChild<RunResult>(entry, [step.phase, files.paths[step.file]]);
      runs[k]!.push(r);
      console.log(`  round ${round} ${step.phase.padEnd(15)} ${step.file.padEnd(8)} ${r.mbPerSec.toFixed(1).padStart(6)} MB/s (${r.seconds.toFixed(2)} s), peak heap ${mib(r.peak.heapUsed)} MiB, peak rss ${mib(r.peak.rss)} MiB`);
    }
  }
  return PLAN.map((step, k) => summarise(step.phase, step.file, runs[k]!));
}
