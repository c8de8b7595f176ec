// The admin port: plain HTTP without a client certificate, for the load balancer, the container
// health check and the metrics scraper. Bound to loopback unless the operator says otherwise
// (--admin-host): it tells anyone who reaches it the queue depth of every office. It serves
//   /healthz       the process is up (liveness)
//   /readyz        the process takes requests and its store answers (readiness)
//   /metrics       Prometheus text format
//   /openapi.json  the HTTP API as OpenAPI 3.1 (relay/openapi.ts)
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Observer } from './observe.js';
import { renderOpenApi } from './openapi.js';
import type { RelayStore } from './store.js';

export interface AdminServer {
  port: number;
  url: string;
  server: Server;
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 2_000;

function json(res: ServerResponse, status: number, body: unknown): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(data.length), 'cache-control': 'no-store' });
  res.end(data);
}

/** Whether the store answers within the deadline (a database that hangs is as unready as one that refuses). */
async function storeAnswers(store: RelayStore): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      store.ping(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      }),
    ]);
    return null;
  } catch (e) {
    return (e as Error).message.slice(0, 200);
  } finally {
    clearTimeout(timer);
  }
}

export async function startAdmin(o: { store: RelayStore; observer: Observer; host: string; port: number; accepting: () => boolean }): Promise<AdminServer> {
  let openapi: Buffer | null = null;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'GET only' });
    if (path === '/healthz') return json(res, 200, { status: 'ok' });
    if (path === '/readyz') {
      if (!o.accepting()) return json(res, 503, { ready: false, reason: 'shutting down' });
      void storeAnswers(o.store).then((problem) => json(res, problem ? 503 : 200, problem ? { ready: false, reason: `store: ${problem}` } : { ready: true, store: o.store.kind }));
      return;
    }
    if (path === '/metrics') {
      o.observer.registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { 'content-type': o.observer.registry.contentType });
          res.end(text);
        })
        .catch((e: unknown) => json(res, 503, { error: `metrics: ${(e as Error).message.slice(0, 200)}` }));
      return;
    }
    if (path === '/openapi.json') {
      openapi ??= Buffer.from(renderOpenApi());
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(openapi.length) });
      return res.end(openapi);
    }
    json(res, 404, { error: 'not found', paths: ['/healthz', '/readyz', '/metrics', '/openapi.json'] });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
