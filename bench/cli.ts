// CPU time of the command line: `careplan-link check` on one small fixture file, next to `node -e 0`
// (what Node itself costs to start), each run 10 times per round, 3 rounds. CPU time (user + system)
// rather than wall time: the machine the bench runs on is shared, and waiting is not work.
// Each child reports its own process.cpuUsage() at exit through fd 3 (a `--require` preload), which
// is what /usr/bin/time -f %U+%S shows, without needing /usr/bin/time (or Linux).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../client/paths.js';
import { writeBenchOutput } from './output.js';
import { median } from './stats.js';
import { recordRounds } from './summary.js';

const ROUNDS = 3;
const RUNS = 10;
const root = packageRoot();
const bin = join(root, 'bin', 'careplan-link.js');
/** About the size of the files the care software writes (1–2 KB). */
const file = join(root, 'fixtures', 'valid', 'UP2KYO_1310000011_43_1310000029_11_20250425120001.CSV');

// CommonJS and tiny, so the probe itself costs next to nothing (an ESM --import would start the ESM loader even for -e 0).
const PRELOAD = `process.on('exit', () => { try { const c = process.cpuUsage(); require('node:fs').writeSync(3, JSON.stringify(c)); } catch {} });\n`;

function cpuSeconds(preload: string, args: string[]): number {
  const r = spawnSync(process.execPath, ['--require', preload, ...args], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], timeout: 60_000, cwd: root });
  const out = r.output[3]?.toString() ?? '';
  // A run that failed (exit 2 on a broken build or spec data) is fast and would look like a success.
  if (!out || r.status !== 0) throw new Error(`${args.join(' ')}: ${out ? 'failed' : 'no CPU figure'} (exit ${r.status ?? r.signal}): ${r.stderr?.toString().slice(0, 300) ?? ''}`);
  const c = JSON.parse(out) as { user: number; system: number };
  return (c.user + c.system) / 1e6;
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'cpl-cli-bench-'));
  try {
    const preload = join(dir, 'cpu-at-exit.cjs');
    writeFileSync(preload, PRELOAD);
    process.stdout.write(`cli: CPU seconds (user + system) of \`careplan-link check\` on ${statSync(file).size} bytes (${file.split(/[\\/]/).pop()}) and of \`node -e 0\`, ${RUNS} runs × ${ROUNDS} rounds\n`);
    // One unmeasured run of each: the first start after a build reads cold files.
    cpuSeconds(preload, [bin, 'check', file]);
    cpuSeconds(preload, ['-e', '0']);
    const check: number[] = [];
    const bare: number[] = [];
    const all: { check: number[]; bare: number[] }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const c: number[] = [];
      const b: number[] = [];
      // Interleaved, so load on the machine falls on both alike.
      for (let i = 0; i < RUNS; i++) {
        c.push(cpuSeconds(preload, [bin, 'check', file]));
        b.push(cpuSeconds(preload, ['-e', '0']));
      }
      all.push({ check: c, bare: b });
      check.push(median(c));
      bare.push(median(b));
      process.stdout.write(`  round ${round}: check median ${median(c).toFixed(3)} s (min ${Math.min(...c).toFixed(3)}, max ${Math.max(...c).toFixed(3)}); node -e 0 median ${median(b).toFixed(3)} s; above it ${(median(c) - median(b)).toFixed(3)} s\n`);
    }
    recordRounds('cli_check_cpu_s', check, { nodeE0CpuS: bare, file });
    writeBenchOutput('cli', { file, runsPerRound: RUNS, rounds: all });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
