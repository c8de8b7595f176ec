// Relay load on loopback, mutual TLS: the month-start burst (many offices × units of ~10 KB,
// concurrent), and large units (~5 MB, fewer offices). Reports units/s, MB/s and p50/p99 latency for
// the relay, and for a bare Node HTTPS server with the same TLS settings that reads the body and
// answers a fixed reply — the floor — in the same round, 3 rounds. Servers run in a child process
// so the load generator does not steal their CPU time in the same event loop.
//
//   node dist/bench/relay.js            BENCH_OFFICES=200 BENCH_UNITS=20 BENCH_ROUNDS=3
//   BENCH_5M_OFFICES=16 BENCH_5M_UNITS=4   the 5 MB case
//   BENCH_RSS_UPLOADS=100 BENCH_RSS_UNIT_MB=19   the memory case: that many units sent at once, peak RSS
//   BENCH_PROF=<dir>                       CPU profiles of the servers
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { certInfo } from '../pki/certs.js';
import { encryptCms } from '../pki/cms.js';
import { writeBenchOutput } from './output.js';
import { load, type LoadResult, type LoadShape } from './relay/load.js';
import { benchPki, cacheFile, type BenchPki } from './relay/pki.js';
import { recordRounds, type SummaryKey } from './summary.js';

const OFFICES = Number(process.env.BENCH_OFFICES ?? 200);
const UNITS = Number(process.env.BENCH_UNITS ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RSS_UPLOADS = Number(process.env.BENCH_RSS_UPLOADS ?? 100);
const RSS_UNIT_MB = Number(process.env.BENCH_RSS_UNIT_MB ?? 19);

interface Case {
  label: string;
  key: SummaryKey;
  unitBytes: number;
  shape: LoadShape;
}

const CASES: Case[] = [
  { label: '10 KB', key: 'relay_10k_vs_floor', unitBytes: 10 * 1024, shape: { senders: OFFICES, units: UNITS } },
  { label: '5 MB', key: 'relay_5m_vs_floor', unitBytes: 5 * 1024 * 1024, shape: { senders: Number(process.env.BENCH_5M_OFFICES ?? 16), units: Number(process.env.BENCH_5M_UNITS ?? 4) } },
];

/** One certificate set serves every case: the most offices any case needs (each sender sends to the next). */
const PKI_OFFICES = Math.max(OFFICES, ...CASES.map((c) => c.shape.senders + 1));

/** A round counts only if both of its runs delivered nearly every unit. */
const MAX_FAILED_SHARE = 0.01;

// ── child: a server ─────────────────────────────────────────────────────────
/** The server's memory when the bench asks: its peak RSS since it started, and what the relay held of bodies at most. */
interface Memory {
  maxRssBytes: number;
  peakBufferedBytes: number | null;
}

function answerMemory(peakBuffered: () => number | null): void {
  process.on('message', (m) => {
    if (m === 'memory') process.send!({ maxRssBytes: process.resourceUsage().maxRSS * 1024, peakBufferedBytes: peakBuffered() } satisfies Memory);
  });
}

async function serve(kind: string, pkiFile: string, dataDir: string): Promise<void> {
  // The bench that started this server is gone (crashed, killed): so is the reason to serve.
  process.on('disconnect', () => process.exit(0));
  const pki = JSON.parse(readFileSync(pkiFile, 'utf8')) as BenchPki;
  const tls = { key: pki.server.keyPem, cert: pki.server.certPem, clientCa: pki.caPem };
  if (kind === 'relay') {
    const { startRelay, SqliteStore } = await import('../relay/index.js');
    const relay = await startRelay({ store: new SqliteStore(dataDir), port: 0, tls, rate: { requests: 100_000, perMs: 60_000 }, log: (l) => process.stderr.write(l + '\n') });
    answerMemory(() => relay.stats().peakBufferedBytes);
    process.send!({ port: relay.port });
    process.once('SIGINT', () => process.exit(0));
  } else {
    const server = createServer({ key: tls.key, cert: tls.cert, ca: tls.clientCa, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' }, (req, res) => {
      req.on('data', () => {});
      req.on('end', () => {
        const body = JSON.stringify({ ok: true, office: (req.socket as TLSSocket).getPeerCertificate().subject?.CN });
        res.writeHead(201, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
        res.end(body);
      });
    });
    answerMemory(() => null);
    server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
  }
}

// ── parent: the load ───────────────────────────────────────────────────────
async function startServer(kind: string, pkiFile: string, dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(import.meta.url), ['serve', kind, pkiFile, dataDir], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [],
    env: { ...process.env, UV_THREADPOOL_SIZE: '16' },
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} server did not start in 60 s`)), 60_000);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve((m as { port: number }).port);
    });
    child.once('exit', (c) => {
      clearTimeout(timer);
      reject(new Error(`${kind} server exited (${c})`));
    });
  }).catch((e: unknown) => {
    child.kill('SIGKILL');
    throw e;
  });
  return { child, port };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(process.env.BENCH_PROF ? 'SIGINT' : 'SIGKILL');
  });
}

/** One run against one server, in a data folder of its own; a failure is reported as such, never thrown. */
function memoryOf(child: ChildProcess): Promise<Memory | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), 10_000);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve(m as Memory);
    });
    child.send('memory');
  });
}

type Run = (LoadResult & { memory: Memory | null }) | { error: string };

async function run(kind: string, c: Pick<Case, 'shape'>, dir: string, pki: BenchPki, envelopes: Buffer[], tag: string): Promise<Run> {
  const dataDir = mkdtempSync(join(dir, `${kind}-`));
  try {
    const { child, port } = await startServer(kind, cacheFile(PKI_OFFICES), dataDir);
    try {
      const result = await load(port, pki, envelopes, c.shape, tag);
      return { ...result, memory: await memoryOf(child) };
    } finally {
      await stop(child);
    }
  } catch (e) {
    return { error: (e as Error).message };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const MiB = 1024 * 1024;
const line = (name: string, r: Run) =>
  'error' in r
    ? `    ${name}  FAILED: ${r.error}\n`
    : `    ${name}  ${r.unitsPerSec.toFixed(1).padStart(7)} units/s ${r.mbPerSec.toFixed(1).padStart(7)} MB/s   p50 ${r.p50.toFixed(1).padStart(7)} ms   p99 ${r.p99.toFixed(1).padStart(7)} ms   retries ${r.retries}   failed ${r.failures}   max RSS ${r.memory ? (r.memory.maxRssBytes / MiB).toFixed(0) : '?'} MiB${r.reasons.length ? ` (${r.reasons.join('; ')})` : ''}\n`;

/**
 * Memory under a flood of large units (issue 16): RSS_UPLOADS offices each send one unit of RSS_UNIT_MB
 * at the same moment, far more than the relay's in-flight cap (256 MiB) lets in; the rest are told
 * 503 and come back after Retry-After, as the client does. The relay's peak RSS must stay bounded (not
 * grow with the bytes sent); the floor's, a server that only reads, is beside it. Not timed.
 */
async function memoryUnderLoad(dir: string, pki: BenchPki, receiverCert: ReturnType<typeof certInfo>) {
  const shape = { senders: RSS_UPLOADS, units: 1, attempts: 200 };
  process.stdout.write(`  memory: ${RSS_UPLOADS} offices × 1 unit of ${RSS_UNIT_MB} MB at once:\n`);
  const envelopes = [await encryptCms(Buffer.alloc(RSS_UNIT_MB * 1024 * 1024 - 1500, 0x52), receiverCert)];
  const out: Record<string, { maxRssBytes: number | null; peakBufferedBytes: number | null; unitsStored: number; retries: number } | { error: string }> = {};
  for (const kind of ['bare', 'relay'] as const) {
    const r = await run(kind, { shape }, dir, pki, envelopes, 'rss');
    process.stdout.write(line(kind === 'bare' ? 'floor: bare HTTPS, reads the body' : 'careplan-link relay              ', r));
    out[kind] = 'error' in r ? r : { maxRssBytes: r.memory?.maxRssBytes ?? null, peakBufferedBytes: r.memory?.peakBufferedBytes ?? null, unitsStored: r.units, retries: r.retries };
  }
  return out;
}

async function main(): Promise<void> {
  if (process.argv[2] === 'serve') return serve(process.argv[3]!, process.argv[4]!, process.argv[5]!);
  const dir = mkdtempSync(join(tmpdir(), 'cpl-relay-bench-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  process.once('SIGTERM', () => {
    cleanup();
    process.exit(143);
  });
  try {
    process.stdout.write(`relay load, mutual TLS, ${ROUNDS} rounds: ${CASES.map((c) => `${c.shape.senders} offices × ${c.shape.units} units of ${c.label}`).join('; ')}\n`);
    const pki = await benchPki(PKI_OFFICES, (l) => process.stdout.write(l + '\n'));
    const receiverCert = certInfo(pki.offices[1]!.certPem);
    const results: Record<string, { bare: Run[]; relay: Run[]; ratios: number[] }> = {};
    for (const c of CASES) results[c.label] = { bare: [], relay: [], ratios: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      for (const c of CASES) {
        // Envelopes made per case (not kept across cases): four 5 MB bodies are enough to hold.
        const envelopes = await Promise.all(Array.from({ length: 4 }, (_, i) => encryptCms(Buffer.alloc(c.unitBytes - 1500, 65 + i), receiverCert)));
        process.stdout.write(`  round ${round}, ${c.label} units:\n`);
        const bare = await run('bare', c, dir, pki, envelopes, `r${round}`);
        process.stdout.write(line('floor: bare HTTPS, reads the body', bare));
        const relay = await run('relay', c, dir, pki, envelopes, `r${round}`);
        process.stdout.write(line('careplan-link relay              ', relay));
        const usable = (r: LoadResult | { error: string }): r is LoadResult => !('error' in r) && r.failures <= MAX_FAILED_SHARE * c.shape.senders * c.shape.units;
        const ratio = usable(bare) && usable(relay) ? relay.unitsPerSec / bare.unitsPerSec : NaN;
        const r = results[c.label]!;
        r.bare.push(bare);
        r.relay.push(relay);
        r.ratios.push(ratio);
        process.stdout.write(`    relay / floor: ${Number.isNaN(ratio) ? 'no ratio (a run failed)' : `${(ratio * 100).toFixed(0)} %`}\n`);
      }
    }
    const memory = RSS_UPLOADS > 0 ? await memoryUnderLoad(dir, pki, receiverCert) : null;
    const rss = (x: Run) => ('error' in x ? null : (x.memory?.maxRssBytes ?? null));
    for (const c of CASES) {
      const r = results[c.label]!;
      const failed = r.ratios.filter((x) => Number.isNaN(x)).length;
      const extra = { unitBytes: c.unitBytes, ...c.shape, floorUnitsPerSec: r.bare.map((x) => ('error' in x ? null : x.unitsPerSec)), relayUnitsPerSec: r.relay.map((x) => ('error' in x ? null : x.unitsPerSec)), floorMaxRssBytes: r.bare.map(rss), relayMaxRssBytes: r.relay.map(rss) };
      recordRounds(c.key, r.ratios, { ...extra, ...(c.key === 'relay_5m_vs_floor' ? { parallel19MB: memory } : {}) }, failed ? `${failed} of ${r.ratios.length} rounds had a failed run` : undefined);
    }
    writeBenchOutput('relay', { offices: OFFICES, units: UNITS, rounds: ROUNDS, cases: CASES, results, memory });
  } finally {
    cleanup();
  }
}

await main();
