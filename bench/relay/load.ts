// The load generator of the relay bench: every office submits its units one after another, all
// offices at once, over its own kept-alive mutual-TLS connection.
//
// A run must end with a number, not a crash: on a loaded machine a kept-alive socket can be closed by
// the server just as the next request goes out ("socket hang up", ECONNRESET), and a busy relay
// answers 429/503. Such a request is sent again with the same message id (the relay answers a
// repeat with 200 and the stored message), after a backoff, a few times; what still fails is
// counted, and the run reports it beside the rate.
import { createHash } from 'node:crypto';
import { Agent, request } from 'node:https';
import { percentile } from '../stats.js';
import type { BenchPki } from './pki.js';

export interface LoadShape {
  /** How many of the offices send (each sends to the next one). */
  senders: number;
  units: number;
  /** Tries per request (default 6): a load far beyond the relay's in-flight cap needs more, each after its Retry-After. */
  attempts?: number;
}

export interface LoadResult {
  units: number;
  unitsPerSec: number;
  mbPerSec: number;
  p50: number;
  p99: number;
  /** Requests sent again (after a reset, a timeout, 429 or 5xx). */
  retries: number;
  /** Units that never got a 200/201, after every retry. */
  failures: number;
  /** The first few reasons, for the log. */
  reasons: string[];
}

const REQUEST_TIMEOUT_MS = 120_000;
const ATTEMPTS = 6;

class RetryableError extends Error {
  constructor(
    message: string,
    readonly waitMs: number | null = null,
  ) {
    super(message);
  }
}

function once(agent: Agent, port: number, method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } }, (res) => {
      res.resume();
      res.on('error', (e) => reject(new RetryableError(`response: ${e.message}`)));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const after = Number(res.headers['retry-after']);
        if (status === 429 || status >= 500) reject(new RetryableError(`HTTP ${status}`, Number.isFinite(after) ? after * 1000 : null));
        else resolve(status);
      });
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer in ${REQUEST_TIMEOUT_MS / 1000} s`)));
    req.on('error', (e: NodeJS.ErrnoException) => reject(new RetryableError(e.code ? `${e.code} ${e.message}` : e.message)));
    req.end(body);
  });
}

/** One request, sent again after a backoff (or the server's Retry-After) when it is worth trying again. */
async function call(agent: Agent, port: number, method: string, path: string, headers: Record<string, string>, counters: { retries: number }, body?: Buffer, attempts = ATTEMPTS): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await once(agent, port, method, path, headers, body);
    } catch (e) {
      if (!(e instanceof RetryableError) || attempt >= attempts) throw e;
      counters.retries++;
      const backoff = Math.min(5_000, 200 * 2 ** (attempt - 1)) * (0.5 + Math.random());
      await new Promise((r) => setTimeout(r, e.waitMs ?? backoff));
    }
  }
}

export async function load(port: number, pki: BenchPki, envelopes: Buffer[], shape: LoadShape, runTag: string): Promise<LoadResult> {
  const offices = pki.offices.slice(0, Math.max(2, shape.senders));
  const senders = offices.slice(0, shape.senders);
  const agents = offices.map((o) => new Agent({ key: o.keyPem, cert: o.certPem, ca: pki.caPem, keepAlive: true, maxSockets: 1 }));
  const counters = { retries: 0 };
  let failures = 0;
  const reasons: string[] = [];
  const fail = (what: string, e: unknown) => {
    failures++;
    if (reasons.length < 5) reasons.push(`${what}: ${(e as Error).message}`);
  };
  try {
    // Every office says hello first: TLS sessions are set up and the relay's directory learns everyone.
    await Promise.all(agents.map((a, i) => call(a, port, 'GET', '/v1/health', {}, counters).catch((e: unknown) => fail(`hello ${offices[i]!.office}`, e))));
    const latencies: number[] = [];
    let bytes = 0;
    const start = performance.now();
    await Promise.all(
      senders.map(async (o, i) => {
        const receiver = offices[(i + 1) % offices.length]!.office;
        for (let u = 0; u < shape.units; u++) {
          const body = envelopes[i % envelopes.length]!;
          const seq = `2025042512${String(u).padStart(4, '0')}`;
          const meta = Buffer.from(JSON.stringify({ sender: { office: o.office, serviceType: '43' }, receiver: { office: receiver, serviceType: '11' }, sequence: seq, month: '202504', kinds: ['UPPLAN'], files: [`UPPLAN_202504_${o.office}_43_${receiver}_11_${seq}.CSV`] })).toString('base64url');
          const headers = { 'content-type': 'application/cms', 'careplan-message-id': `bench-${runTag}-${o.office}-${u}`, 'careplan-meta': meta, 'careplan-sha256': createHash('sha256').update(body).digest('hex') };
          const t = performance.now();
          try {
            const status = await call(agents[i]!, port, 'POST', '/v1/messages', headers, counters, body, shape.attempts);
            if (status !== 201 && status !== 200) throw new Error(`HTTP ${status}`);
            latencies.push(performance.now() - t);
            bytes += body.length;
          } catch (e) {
            fail(`unit ${u} of ${o.office}`, e);
          }
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    const ok = latencies.length;
    return {
      units: ok,
      unitsPerSec: ok / seconds,
      mbPerSec: bytes / 1e6 / seconds,
      p50: ok ? percentile(latencies, 50) : NaN,
      p99: ok ? percentile(latencies, 99) : NaN,
      retries: counters.retries,
      failures,
      reasons,
    };
  } finally {
    for (const a of agents) a.destroy();
  }
}
