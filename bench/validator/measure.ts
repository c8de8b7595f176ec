// One phase measured in the process it runs in: wall time, CPU time (user + system of the whole process,
// so the thread pool's reads and V8's background compiler count too), and memory sampled every SAMPLE_MS
// from a baseline taken after the spec catalog is loaded and a forced GC, so every phase starts alike.
// The goals compare CPU time (issue 16 measured each path against its floor in CPU time): on this shared
// 2-core machine wall time swings with whatever else runs, CPU time much less.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapSpaceStatistics } from 'node:v8';
import { loadCatalog } from '../../client/check/specs.js';
import { runPhase, type Phase, type PhaseCounts } from './phases.js';

/** Throughput is in MB (10^6 bytes) per second, memory in MiB (2^20 bytes). */
export const MB = 1e6;
export const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
export const SAMPLE_MS = 50;

export interface Mem {
  rss: number;
  heapUsed: number;
  /** old_space + large_object_space: what survives scavenges (the young generation is left out, V8 grows it with the allocation rate). */
  oldUsed: number;
}

export interface RunResult extends PhaseCounts {
  phase: Phase;
  file: string;
  bytes: number;
  seconds: number;
  mbPerSec: number;
  /** User + system CPU seconds of the process during the phase. */
  cpuSeconds: number;
  /** Bytes per CPU second, in MB. */
  mbPerCpuSec: number;
  baseline: Mem;
  peak: Mem;
  /** heapUsed after a forced GC at the end, while the phase's result is still held. */
  retainedHeap: number;
  /** Kernel high-water mark of the resident set (VmHWM), where /proc is available. */
  vmHwm: number | null;
  samples: number;
}

function oldUsed(): number {
  let n = 0;
  for (const s of getHeapSpaceStatistics()) if (s.space_name === 'old_space' || s.space_name === 'large_object_space') n += s.space_used_size;
  return n;
}

/** A full collection where node runs with --expose-gc; nothing otherwise. */
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

/** A file's size, or the sum of the files' sizes in a folder. */
function pathBytes(path: string): number {
  const s = statSync(path);
  return s.isDirectory() ? readdirSync(path).reduce((n, f) => n + statSync(join(path, f)).size, 0) : s.size;
}

export async function measurePhase(phase: Phase, path: string): Promise<RunResult> {
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
  const bytes = pathBytes(path);
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const { held, ...counts } = await runPhase(phase, path);
  const cpu = process.cpuUsage(cpu0);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
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
    cpuSeconds,
    mbPerCpuSec: bytes / MB / cpuSeconds,
    ...counts,
    baseline,
    peak,
    retainedHeap,
    vmHwm: vmHwm(),
    samples,
  };
}
