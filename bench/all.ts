// `npm run bench`: every stage in its own process, one after another, each under a time limit. A
// stage that crashes or hangs is recorded (its keys null in bench-results/summary.json, with the
// reason and the end of its error output) and the next stage still runs; the summary table comes
// last. The stages can still be run alone (node --expose-gc dist/bench/run.js, node dist/bench/relay.js…).
//
//   node dist/bench/all.js                    # every stage
//   node dist/bench/all.js --only relay,agent # these stages; the others' keys keep their last values
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keysOf, printSummaryTable, recordFailure, resetSummary, type Stage } from './summary.js';

const here = dirname(fileURLToPath(import.meta.url));

const STAGES: { stage: Stage; script: string; execArgv: string[]; minutes: number }[] = [
  { stage: 'cli', script: 'cli.js', execArgv: [], minutes: 10 },
  { stage: 'validator', script: 'run.js', execArgv: ['--expose-gc'], minutes: 60 },
  { stage: 'parse', script: 'parse.js', execArgv: ['--expose-gc'], minutes: 15 },
  { stage: 'identity', script: 'identity.js', execArgv: [], minutes: 20 },
  { stage: 'relay', script: 'relay.js', execArgv: [], minutes: 60 },
  // Issue 15: the relay's scaling table (inbox and purge at 1k–1M stored messages; PostgreSQL too with CPL_TEST_DATABASE_URL).
  { stage: 'relay-scale', script: 'relayScale.js', execArgv: [], minutes: 40 },
  { stage: 'agent', script: 'agent.js', execArgv: [], minutes: 30 },
];

/** Runs one stage; resolves with null when it exited 0, or the reason it did not. Never rejects. */
function runStage(s: (typeof STAGES)[number]): Promise<string | null> {
  return new Promise((resolve) => {
    // Its own process group (POSIX), so a stage that hangs is stopped together with the servers it started.
    const child = spawn(process.execPath, [...s.execArgv, join(here, s.script)], { stdio: ['ignore', 'inherit', 'pipe'], detached: process.platform !== 'win32' });
    let tail = '';
    child.stderr.on('data', (d: Buffer) => {
      process.stderr.write(d);
      tail = (tail + d.toString('utf8')).slice(-2000);
    });
    let timedOut = false;
    const kill = (signal: NodeJS.Signals) => {
      try {
        if (process.platform !== 'win32' && child.pid !== undefined) process.kill(-child.pid, signal);
        else child.kill(signal);
      } catch {
        /* already gone */
      }
    };
    // Its own group does not get the terminal's Ctrl-C: pass it on, so no stage outlives the bench.
    const onInt = () => {
      kill('SIGKILL');
      process.exit(130);
    };
    process.once('SIGINT', onInt);
    const timer = setTimeout(() => {
      timedOut = true;
      kill('SIGTERM');
      setTimeout(() => kill('SIGKILL'), 10_000).unref();
    }, s.minutes * 60_000);
    const lastLine = () => tail.trim().split('\n').filter((l) => l.trim() && !/^\s+at /.test(l)).slice(-3).join(' | ').slice(0, 500);
    child.on('error', (e) => {
      clearTimeout(timer);
      process.off('SIGINT', onInt);
      resolve(`could not start: ${e.message}`);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      process.off('SIGINT', onInt);
      // Whatever the stage started in its group goes too.
      kill('SIGKILL');
      if (timedOut) resolve(`stopped after the ${s.minutes}-minute limit${tail ? `: ${lastLine()}` : ''}`);
      else if (code === 0) resolve(null);
      else resolve(`exited with ${code ?? signal}${tail ? `: ${lastLine()}` : ''}`);
    });
  });
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--only');
  const only = i >= 0 ? new Set((process.argv[i + 1] ?? '').split(',')) : null;
  const stages = STAGES.filter((s) => !only || only.has(s.stage));
  if (stages.length === 0) throw new Error(`--only names no stage (stages: ${STAGES.map((s) => s.stage).join(', ')})`);
  if (only) for (const s of stages) recordFailure(keysOf(s.stage), 'its stage has not run yet', true);
  else resetSummary();
  const started = Date.now();
  let failed = 0;
  for (const s of stages) {
    console.log(`\n════ bench stage: ${s.stage} (${s.script}) ════`);
    const t0 = Date.now();
    const reason = await runStage(s);
    const took = `${((Date.now() - t0) / 1000).toFixed(0)} s`;
    if (reason === null) {
      console.log(`════ ${s.stage}: done in ${took}`);
      // A stage that exits 0 without measuring a key of its own says so here rather than leaving "not run".
      recordFailure(keysOf(s.stage), `the ${s.stage} stage finished without measuring it`);
    } else {
      failed++;
      console.log(`════ ${s.stage}: FAILED after ${took}: ${reason}`);
      recordFailure(keysOf(s.stage), `${s.stage} stage failed: ${reason}`);
    }
  }
  console.log(`\n════ summary (all stages: ${((Date.now() - started) / 60_000).toFixed(1)} min) ════`);
  printSummaryTable();
  // The bench finished either way; a failed stage still makes the exit code say so.
  process.exitCode = failed ? 1 : 0;
}

await main();
