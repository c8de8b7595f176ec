// Agent latency and burst, at the default settings (settle window and rescan): from a unit's files
// appearing (complete) in the export folder to the relay accepting the unit (p50/p95, the settle
// window shown separately), and the time a burst of 500 units (1,500 files) takes from the first
// write to the last acceptance. 3 rounds, each with units of its own; a wait that does not end is
// cut off and counted, not waited out for ever. Then the agent's CPU while idle, with no foreign
// files in the export folder and with 10,000 (it should not grow with them).
// First, as in the CLI and the app's back end that run the agent: the thread pool's size.
import '../platform/threadPool.js';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { Agent, DEFAULT_AGENT_SETTINGS } from '../client/agent/agent.js';
import { packageRoot } from '../client/paths.js';
import { loadCatalog } from '../client/check/specs.js';
import { unitMessageId } from '../client/transport/bundle.js';
import { openSession, type Session } from '../client/transport/session.js';
import { SqliteStore, startRelay } from '../relay/index.js';
import { generateFixtures } from '../shared/fixtures/generate.js';
import { writeBenchOutput } from './output.js';
import { percentile } from './stats.js';
import { recordRounds } from './summary.js';

const root = packageRoot();
const PKI = join(root, 'fixtures', 'pki');
const pem = (f: string) => readFileSync(join(PKI, f), 'utf8');
const SETTLE_MS = DEFAULT_AGENT_SETTINGS.settleMs;
const RESCAN_MS = DEFAULT_AGENT_SETTINGS.rescanMs;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LATENCY_UNITS = 12;
const BURST_UNITS = Number(process.env.BENCH_BURST_UNITS ?? 500);
const FOREIGN_FILES = 10_000;
/** How long the agent is watched while idle, each way. */
const IDLE_MS = 20_000;
/** Longest wait for one unit, and for a whole burst, before the round gives up on what is missing. */
const UNIT_DEADLINE_MS = 60_000;
const BURST_DEADLINE_MS = 10 * 60_000;
const catalog = loadCatalog();

function unitFiles(k: number) {
  const month = `${2025 + Math.floor((3 + k) / 12)}${String(((3 + k) % 12) + 1).padStart(2, '0')}`;
  const files = generateFixtures(catalog, { month, users: 1 })
    .filter((f) => ['UPPLAN', 'UPSIKYU'].includes(f.kind) || (f.kind === 'UPHOSOKU' && f.name.includes(`_${month}_`)))
    .map((f) => ({ name: f.name, data: iconv.encode(f.text!, 'cp932') }));
  const [, from, fromType, to, toType, seq] = files[0]!.name.match(/^UPPLAN_\d{6}_(\d{10})_(\w{2})_(\d{10})_(\w{2})_(\d{14})/)!;
  const id = unitMessageId({ sender: { office: from!, serviceType: fromType! }, receiver: { office: to!, serviceType: toType! }, sequence: seq! }, files);
  return { files, id };
}

function config(dir: string, id: string, office: string, type: string, url: string): string {
  for (const f of ['export', 'import', 'spool']) mkdirSync(join(dir, id, f), { recursive: true });
  const p = join(dir, `${id}.json`);
  writeFileSync(p, JSON.stringify({ office, serviceType: type, p12: join(PKI, `${id}.p12`), passwordEnv: 'CPL_BENCH_PW', relay: url, trust: [join(PKI, 'ca.pem')], folders: { export: `${id}/export`, import: `${id}/import`, spool: `${id}/spool` } }));
  return p;
}

/**
 * CPU of this process (the agents; the relay idles) per minute while nothing arrives, without and
 * with FOREIGN_FILES files that are not the agent's in the export folder.
 */
async function idleCpu(exportDir: string): Promise<{ none: IdleCost; foreign: IdleCost; foreignFiles: number }> {
  const measure = async (): Promise<IdleCost> => {
    const cpu = process.cpuUsage();
    const loop = performance.eventLoopUtilization();
    await new Promise((r) => setTimeout(r, IDLE_MS));
    const used = process.cpuUsage(cpu);
    const perMin = 60_000 / IDLE_MS;
    // The event loop's busy time is the agents' own work; the process's CPU also counts other threads
    // (V8's collector, the thread pool), which after a burst keep working for a while.
    return { loopMsPerMin: performance.eventLoopUtilization(loop).active * perMin, cpuMsPerMin: ((used.user + used.system) / 1000) * perMin };
  };
  // Whatever the burst left (the last filing, the status file, the collector's work) is done first.
  await new Promise((r) => setTimeout(r, 5 * RESCAN_MS));
  const none = await measure();
  for (let i = 0; i < FOREIGN_FILES; i++) writeFileSync(join(exportDir, `memo-${i}.txt`), 'x');
  // The agent meets them once (a listing, one look at each name); what is measured is afterwards.
  await new Promise((r) => setTimeout(r, 2 * RESCAN_MS + 1_000));
  const foreign = await measure();
  const line = (c: IdleCost) => `${c.loopMsPerMin.toFixed(0)} ms of event loop (${c.cpuMsPerMin.toFixed(0)} ms process CPU)`;
  process.stdout.write(`  idle, a minute: ${line(none)} with no foreign files; ${line(foreign)} with ${FOREIGN_FILES} (each over ${IDLE_MS / 1000} s)\n`);
  return { none, foreign, foreignFiles: FOREIGN_FILES };
}

interface IdleCost {
  loopMsPerMin: number;
  cpuMsPerMin: number;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cpl-agent-bench-'));
  const store = new SqliteStore(join(dir, 'relay'));
  const relay = await startRelay({ store, port: 0, tls: { key: pem('relay-server.key.pem'), cert: pem('relay-server.pem'), clientCa: pem('ca.pem') }, rate: { requests: 100_000, perMs: 60_000 } });
  const env = { CPL_BENCH_PW: 'test-password' };
  const sessions: Session[] = [openSession(config(dir, 'home-help', '1310000029', '11', relay.url), env), openSession(config(dir, 'care-manager', '1310000011', '43', relay.url), env)];
  const [hh, cm] = sessions as [Session, Session];
  const provider = new Agent(hh, { pollMs: 3_600_000 });
  await provider.start();
  const agent = new Agent(cm, { pollMs: 3_600_000 });
  await agent.start();
  const accepted = (id: string) => store.getMessage(id) !== undefined;
  /** Waits until every unit is accepted or the deadline passes; the ids still missing. */
  const wait = async (ids: string[], deadlineMs: number): Promise<string[]> => {
    const end = performance.now() + deadlineMs;
    // One unit is looked for every 5 ms (its latency is measured); a burst every 50 ms, and only from
    // the first unit not yet seen accepted onwards (they are accepted about in order): a lookup of
    // every missing unit each time took CPU from the event loop the agent and relay run on.
    const every = ids.length === 1 ? 5 : 50;
    let seen = 0;
    for (;;) {
      while (seen < ids.length && accepted(ids[seen]!)) seen++;
      if (seen === ids.length || performance.now() >= end) break;
      await new Promise((r) => setTimeout(r, every));
    }
    return ids.slice(seen).filter((id) => !accepted(id));
  };
  try {
    process.stdout.write(`agent: settle window ${SETTLE_MS} ms, rescan every ${RESCAN_MS} ms, ${ROUNDS} rounds\n`);
    const p95Beyond: number[] = [];
    const burstRates: number[] = [];
    const rounds: unknown[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const latencies: number[] = [];
      let lost = 0;
      for (let k = 0; k < LATENCY_UNITS; k++) {
        const { files, id } = unitFiles(round * LATENCY_UNITS + k);
        const t = performance.now();
        for (const f of files) writeFileSync(join(cm.config.folders.export, f.name), f.data);
        if ((await wait([id], UNIT_DEADLINE_MS)).length) lost++;
        else latencies.push(performance.now() - t);
      }
      latencies.sort((a, b) => a - b);
      // A unit never accepted is a latency beyond any goal: the round has no p95 then.
      const p50 = latencies.length ? percentile(latencies, 50) : NaN;
      const p95 = lost === 0 ? percentile(latencies, 95) : NaN;
      p95Beyond.push(p95 - SETTLE_MS);
      process.stdout.write(
        `  round ${round + 1}: latency file complete → accepted: p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms (of which settle ${SETTLE_MS} ms; beyond it p50 ${(p50 - SETTLE_MS).toFixed(0)} ms, p95 ${(p95 - SETTLE_MS).toFixed(0)} ms)${lost ? `; ${lost} units not accepted within ${UNIT_DEADLINE_MS / 1000} s` : ''}\n`,
      );

      const burst = Array.from({ length: BURST_UNITS }, (_, i) => unitFiles(100 + round * BURST_UNITS + i));
      const t0 = performance.now();
      for (const u of burst) for (const f of u.files) writeFileSync(join(cm.config.folders.export, f.name), f.data);
      const written = performance.now() - t0;
      const missing = await wait(
        burst.map((u) => u.id),
        BURST_DEADLINE_MS,
      );
      const total = (performance.now() - t0) / 1000;
      burstRates.push(missing.length ? NaN : burst.length / total);
      process.stdout.write(
        missing.length
          ? `  round ${round + 1}: burst: ${missing.length} of ${burst.length} units not accepted after ${total.toFixed(0)} s\n`
          : `  round ${round + 1}: burst: ${burst.reduce((n, u) => n + u.files.length, 0)} files (${burst.length} units) written in ${written.toFixed(0)} ms, all accepted after ${total.toFixed(1)} s (${(burst.length / total).toFixed(1)} units/s, settle included)\n`,
      );
      rounds.push({ latencyMs: { p50, p95 }, lost, burst: { files: burst.reduce((n, u) => n + u.files.length, 0), units: burst.length, seconds: total, missing: missing.length } });
    }
    const idle = await idleCpu(cm.config.folders.export);
    recordRounds('agent_burst_units_per_s', burstRates, undefined, burstRates.some(Number.isNaN) ? 'a burst was not fully accepted in a round' : undefined);
    recordRounds('agent_p95_beyond_settle_ms', p95Beyond, { settleMs: SETTLE_MS }, p95Beyond.some(Number.isNaN) ? 'a unit was not accepted in a round' : undefined);
    writeBenchOutput('agent', { settleMs: SETTLE_MS, rescanMs: RESCAN_MS, rounds, idle });
  } finally {
    await agent.stop();
    await provider.stop();
    for (const s of sessions) s.close();
    await relay.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
