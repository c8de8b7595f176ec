// What an operator sees of the relay's requests: a request id on every request (taken from
// X-Request-Id when the caller sends a plain one, else made here, and sent back), one structured JSON
// log line per request (pino), Prometheus metrics (prom-client, a registry per relay so that several
// relays in one process never mix), and the count of requests in flight that a graceful shutdown
// waits for.
//
// Personal data never reaches a log line or a metric label: the relay holds only ciphertext, and
// what travels beside it in clear is kept out — no file names (they may carry an insured person's
// number), no receipt reasons, no certificate subjects or organisation names, no query strings (a
// directory search may be a person's name). What is logged: the request id, method, route pattern,
// status, error code, duration, byte counts and the office number (a public business identifier,
// 介護保険事業所番号) that the certificate names.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type Logger } from 'pino';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RelayStore } from './store.js';

export interface RequestContext {
  id: string;
  office: string | null;
  /** The error code the request was refused with (metrics and the log line). */
  code: string | null;
  /** Body bytes read (an upload's size); otherwise its Content-Length. */
  bytesIn: number | null;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const MESSAGE_PATH = /^\/v1\/messages\/[^/]+(\/payload|\/receipt)?$/;
const KNOWN = new Set(['/v1/health', '/v1/messages', '/v1/inbox', '/v1/outbox', '/v1/directory', '/v1/directory/me']);

/** The route pattern of a path: message ids and anything unknown never become a label or a log field. */
export function routeOf(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0]!;
  if (KNOWN.has(path)) return path;
  const m = MESSAGE_PATH.exec(path);
  if (m) return `/v1/messages/{id}${m[1] ?? ''}`;
  return 'other';
}

/** A silent logger (tests and embedding code that gives none). */
export const silentLogger = (): Logger => pino({ level: 'silent' });

/** The relay's logger for a process: JSON lines on standard error (standard output is for people). */
export function relayLogger(level = process.env.CPL_RELAY_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'careplan-link-relay' }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ fd: 2, sync: true }));
}

export class Observer {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly errors: Counter<'code'>;
  private readonly bytesIn: Counter<'route'>;
  private readonly bytesOut: Counter<'route'>;
  private readonly latency: Histogram<'route'>;
  private inFlight = 0;
  private drainedWaiters: (() => void)[] = [];

  constructor(
    store: RelayStore,
    readonly logger: Logger,
  ) {
    const registers = [this.registry];
    this.requests = new Counter({ name: 'careplan_relay_requests_total', help: 'Requests answered, by method, route pattern and HTTP status', labelNames: ['method', 'route', 'status'], registers });
    this.errors = new Counter({ name: 'careplan_relay_errors_total', help: 'Requests refused or failed, by error code (relay/API.md)', labelNames: ['code'], registers });
    this.bytesIn = new Counter({ name: 'careplan_relay_received_bytes_total', help: 'Request body bytes, by route pattern', labelNames: ['route'], registers });
    this.bytesOut = new Counter({ name: 'careplan_relay_sent_bytes_total', help: 'Response body bytes, by route pattern', labelNames: ['route'], registers });
    this.latency = new Histogram({
      name: 'careplan_relay_request_duration_seconds',
      help: 'Time from request to the end of the answer, by route pattern',
      labelNames: ['route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    const inFlight = () => this.inFlight;
    new Gauge({
      name: 'careplan_relay_requests_in_flight',
      help: 'Requests being served now',
      registers,
      collect() {
        this.set(inFlight());
      },
    });
    new Gauge({
      name: 'careplan_relay_queue_depth',
      help: 'Units waiting for their receiver (queued or delivered, not yet received), per receiving office',
      labelNames: ['office'],
      registers,
      // Asked of the store at each scrape (the partial inbox index): every relay process reports the shared queue.
      async collect() {
        this.reset();
        for (const row of await store.waitingByOffice()) this.set({ office: row.office }, row.waiting);
      },
    });
  }

  /** Starts observing a request: its id (sent back as X-Request-Id), the timer, the in-flight count. */
  begin(req: IncomingMessage, res: ServerResponse): RequestContext {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    const ctx: RequestContext = { id, office: null, code: null, bytesIn: null };
    res.setHeader('x-request-id', id);
    const started = performance.now();
    const route = routeOf(req.url);
    // Body bytes as handed to the response (an answer cut short counts what was written).
    let sent = 0;
    const count = (chunk: unknown) => {
      if (typeof chunk === 'string' || chunk instanceof Uint8Array) sent += Buffer.byteLength(chunk);
    };
    const write = res.write.bind(res);
    const endResponse = res.end.bind(res);
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      count(chunk);
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (typeof chunk !== 'function') count(chunk);
      return (endResponse as (...a: unknown[]) => ServerResponse)(chunk, ...rest);
    }) as typeof res.end;
    this.inFlight++;
    let done = false;
    const end = () => {
      if (done) return;
      done = true;
      const seconds = (performance.now() - started) / 1000;
      const status = res.headersSent ? res.statusCode : 0;
      const bytesIn = ctx.bytesIn ?? (Number(req.headers['content-length']) || 0);
      const bytesOut = sent;
      this.requests.inc({ method: req.method ?? 'GET', route, status: String(status) });
      if (ctx.code) this.errors.inc({ code: ctx.code });
      this.bytesIn.inc({ route }, bytesIn);
      this.bytesOut.inc({ route }, bytesOut);
      this.latency.observe({ route }, seconds);
      const line = { reqId: id, method: req.method, route, status, ms: Math.round(seconds * 10_000) / 10, office: ctx.office, bytesIn, bytesOut, ...(ctx.code ? { code: ctx.code } : {}), complete: res.writableEnded };
      if (status >= 500 || status === 0) this.logger.warn(line, 'request');
      else this.logger.info(line, 'request');
      if (--this.inFlight === 0) for (const w of this.drainedWaiters.splice(0)) w();
    };
    res.once('finish', end);
    res.once('close', end);
    return ctx;
  }

  /** Requests being served now. */
  get inFlightNow(): number {
    return this.inFlight;
  }

  /** Resolves when no request is in flight (a graceful shutdown waits for it, with a deadline). */
  drained(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((r) => this.drainedWaiters.push(r));
  }
}
