// Relay load on loopback: the month-start burst (many offices × units of ~10 KB, concurrent, mutual
// TLS). Reports units/s and p50/p99 latency for the relay, and for a bare Node HTTPS server with the
// same TLS settings answering a fixed reply — the floor. Servers run in a child process so the load
// generator does not steal their CPU time in the same event loop.
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import forge from 'node-forge';
import { certInfo } from '../pki/certs.js';
import { encryptCms } from '../pki/cms.js';
import { keyPair, makeCert } from '../pki/testPki.js';
import { writeBenchOutput } from './output.js';
import { percentile } from './stats.js';

const OFFICES = Number(process.env.BENCH_OFFICES ?? 200);
const UNITS = Number(process.env.BENCH_UNITS ?? 20);
const UNIT_BYTES = 10 * 1024;

interface Office {
  office: string;
  certPem: string;
  keyPem: string;
}

function makePki(dir: string): { caPem: string; server: Office; offices: Office[] } {
  const years = (n: number) => new Date(Date.UTC(new Date().getUTCFullYear() + n, 0, 1));
  const caKeys = keyPair();
  const ca = makeCert({ cn: 'bench CA', org: 'bench', notBefore: years(-1), notAfter: years(5), serial: '01', ca: true }, caKeys.publicKey, { cert: null, key: caKeys.privateKey });
  const issue = (cn: string, serial: string, eku: ('clientAuth' | 'serverAuth')[], san?: string[]): Office => {
    const k = keyPair();
    const c = makeCert({ cn, org: 'bench office', notBefore: years(-1), notAfter: years(5), serial, eku, ...(san ? { san } : {}) }, k.publicKey, { cert: ca, key: caKeys.privateKey });
    return { office: cn, certPem: forge.pki.certificateToPem(c), keyPem: forge.pki.privateKeyToPem(k.privateKey) };
  };
  const server = issue('127.0.0.1', '02', ['serverAuth'], ['127.0.0.1']);
  const offices = Array.from({ length: OFFICES }, (_, i) => issue(String(1390000000 + i), (0x100 + i).toString(16), ['clientAuth']));
  const pki = { caPem: forge.pki.certificateToPem(ca), server, offices };
  writeFileSync(join(dir, 'pki.json'), JSON.stringify(pki));
  return pki;
}

// ── child: a server ─────────────────────────────────────────────────────────
async function serve(kind: string, dir: string): Promise<void> {
  const pki = JSON.parse(readFileSync(join(dir, 'pki.json'), 'utf8')) as ReturnType<typeof makePki>;
  const tls = { key: pki.server.keyPem, cert: pki.server.certPem, clientCa: pki.caPem };
  if (kind === 'relay') {
    const { startRelay, SqliteStore } = await import('../relay/index.js');
    const relay = await startRelay({ store: new SqliteStore(join(dir, 'relay-data')), port: 0, tls, rate: { requests: 100_000, perMs: 60_000 }, log: (l) => process.stderr.write(l + '\n') });
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
    server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
  }
}

// ── parent: the load ───────────────────────────────────────────────────────
function call(agent: Agent, port: number, method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function load(port: number, pki: ReturnType<typeof makePki>, envelopes: Buffer[]): Promise<{ unitsPerSec: number; p50: number; p99: number; errors: number }> {
  const agents = pki.offices.map((o) => new Agent({ key: o.keyPem, cert: o.certPem, ca: pki.caPem, keepAlive: true, maxSockets: 1 }));
  // Every office says hello first: TLS sessions are set up and the relay's directory learns everyone.
  await Promise.all(agents.map((a) => call(a, port, 'GET', '/v1/health', {})));
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  await Promise.all(
    pki.offices.map(async (o, i) => {
      const receiver = pki.offices[(i + 1) % pki.offices.length]!.office;
      for (let u = 0; u < UNITS; u++) {
        const body = envelopes[i % envelopes.length]!;
        const meta = Buffer.from(JSON.stringify({ sender: { office: o.office, serviceType: '43' }, receiver: { office: receiver, serviceType: '11' }, sequence: `2025042512${String(u).padStart(4, '0')}`, month: '202504', kinds: ['UPPLAN'], files: [`UPPLAN_202504_${o.office}_43_${receiver}_11_2025042512${String(u).padStart(4, '0')}.CSV`] })).toString('base64url');
        const t = performance.now();
        const status = await call(agents[i]!, port, 'POST', '/v1/messages', { 'content-type': 'application/cms', 'careplan-message-id': `bench-${o.office}-${u}`, 'careplan-meta': meta, 'careplan-sha256': createHash('sha256').update(body).digest('hex') }, body);
        latencies.push(performance.now() - t);
        if (status !== 201) errors++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  for (const a of agents) a.destroy();
  latencies.sort((a, b) => a - b);
  return { unitsPerSec: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors };
}

async function startServer(kind: string, dir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(import.meta.url), ['serve', kind, dir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [], env: { ...process.env, UV_THREADPOOL_SIZE: '16' } });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (c) => reject(new Error(`${kind} server exited (${c})`)));
  });
  return { child, port };
}

async function main(): Promise<void> {
  if (process.argv[2] === 'serve') return serve(process.argv[3]!, process.argv[4]!);
  const dir = mkdtempSync(join(tmpdir(), 'cpl-relay-bench-'));
  try {
    process.stdout.write(`relay load: ${OFFICES} offices × ${UNITS} units of ${UNIT_BYTES / 1024} KB, concurrent, mutual TLS\n`);
    const t0 = performance.now();
    const pki = makePki(dir);
    process.stdout.write(`  (made ${OFFICES + 2} certificates in ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
    const receiverCert = certInfo(pki.offices[1]!.certPem);
    const envelopes = await Promise.all(Array.from({ length: 4 }, (_, i) => encryptCms(Buffer.alloc(UNIT_BYTES - 1500, 65 + i), receiverCert)));
    const results: Record<string, Awaited<ReturnType<typeof load>>> = {};
    for (const kind of ['bare', 'relay']) {
      const { child, port } = await startServer(kind, dir);
      try {
        results[kind] = await load(port, pki, envelopes);
      } finally {
        child.kill(process.env.BENCH_PROF ? 'SIGINT' : 'SIGKILL');
      }
      const r = results[kind]!;
      process.stdout.write(`  ${kind === 'bare' ? 'floor: bare HTTPS, fixed reply' : 'careplan-link relay            '}  ${r.unitsPerSec.toFixed(0).padStart(6)} units/s   p50 ${r.p50.toFixed(1).padStart(7)} ms   p99 ${r.p99.toFixed(1).padStart(7)} ms   errors ${r.errors}\n`);
    }
    const ratio = results.relay!.unitsPerSec / results.bare!.unitsPerSec;
    process.stdout.write(`  relay / floor: ${(ratio * 100).toFixed(0)} % — goal ≥ 50 %: ${ratio >= 0.5 ? 'MET' : 'NOT MET'}\n`);
    writeBenchOutput('relay', { offices: OFFICES, units: UNITS, unitBytes: UNIT_BYTES, results, ratio });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
