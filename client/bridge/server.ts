// The web bridge: the same typed API as the Electron preload, over HTTP on 127.0.0.1, so the renderer
// runs unchanged in a browser (`npm start` without the Electron binary, and the browser tests).
// Only this machine can reach it, and only with the per-run token; the Host and Origin checks stop
// other web pages from talking to it through the browser (DNS rebinding, cross-site requests).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { ApiError, dispatchToResult, type Handlers } from '../../shared/api/methods.js';
import { failed, type Result } from '../../shared/errors.js';
import { toApiError } from '../app/errors.js';

/** The renderer's Content-Security-Policy: only our own scripts, styles and API. */
export const RENDERER_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export interface BridgeOptions {
  handlers: Handlers;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  port?: number;
  host?: string;
  token?: string;
  maxBodyBytes?: number;
  log?: (line: string) => void;
}

export interface RunningBridge {
  url: string;
  /** The address to open: the token travels in the fragment, which browsers never send to a server. */
  openUrl: string;
  token: string;
  server: Server;
  close(): Promise<void>;
}

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Every API answer is a Result envelope; the HTTP status still tells a transport-level refusal apart. */
function send(res: ServerResponse, status: number, body: Result<unknown>): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': data.length, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(data);
}

function refuse(res: ServerResponse, status: number, code: string, ja: string, en: string): void {
  send(res, status, failed(new ApiError(code, ja, en)));
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(Object.assign(new Error('too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startBridge(opts: BridgeOptions): Promise<RunningBridge> {
  const token = opts.token ?? randomBytes(32).toString('hex');
  const host = opts.host ?? '127.0.0.1';
  const max = opts.maxBodyBytes ?? 64 * 1024 * 1024;
  const staticRoot = normalize(opts.staticDir);
  let allowedHosts: Set<string> = new Set();
  let origin = '';
  let allowedOrigins: Set<string> = new Set();

  const serveStatic = (req: IncomingMessage, res: ServerResponse, pathname: string) => {
    const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname.slice(1));
    const file = normalize(join(staticRoot, rel));
    if (!file.startsWith(staticRoot + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(existsSync(join(staticRoot, 'index.html')) ? 'not found' : 'renderer not built: run npm run build');
      return;
    }
    const data = readFileSync(file);
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': data.length,
      'content-security-policy': RENDERER_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : data);
  };

  const server = createServer((req, res) => {
    void (async () => {
      if (!allowedHosts.has(req.headers.host ?? '')) return refuse(res, 403, 'bad_host', '許可されていない接続です', 'host not allowed');
      const url = new URL(req.url ?? '/', origin);
      if (req.method === 'GET' || req.method === 'HEAD') {
        if (url.pathname.startsWith('/api/')) return refuse(res, 405, 'method', 'POST で呼んでください', 'use POST');
        return serveStatic(req, res, url.pathname);
      }
      if (req.method !== 'POST' || !url.pathname.startsWith('/api/')) return refuse(res, 404, 'not_found', '見つかりません', 'not found');
      if (req.headers.origin !== undefined && !allowedOrigins.has(req.headers.origin)) return refuse(res, 403, 'bad_origin', '許可されていない接続元です', 'origin not allowed');
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('Bearer ') || !sameToken(auth.slice(7), token)) return refuse(res, 401, 'unauthorized', 'アプリを開き直してください（認証できません）', 'unauthorized: reopen the app');
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) return refuse(res, 415, 'content_type', 'JSON で送ってください', 'send JSON');
      const method = decodeURIComponent(url.pathname.slice('/api/'.length));
      let payload: unknown;
      try {
        const body = await readBody(req, max);
        payload = body.length ? JSON.parse(body.toString('utf8')) : {};
      } catch (e) {
        const status = (e as { status?: number }).status ?? 400;
        if (status === 413) return refuse(res, status, 'too_large', '送る内容が大きすぎます', 'request too large');
        return refuse(res, status, 'bad_json', '送られた内容を読めません', 'unreadable request');
      }
      const answer = await dispatchToResult(opts.handlers, method, payload, toApiError);
      if (answer.ok) return send(res, 200, answer);
      const status = answer.error.code === 'unknown_method' ? 404 : answer.error.code === 'internal' ? 500 : 400;
      if (status === 500) opts.log?.(`bridge: ${method}: ${answer.error.en}`);
      send(res, status, answer);
    })().catch((e: unknown) => {
      opts.log?.(`bridge: ${String(e)}`);
      if (!res.headersSent) refuse(res, 500, 'internal', '内部エラー', 'internal error');
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://${host}:${port}`;
  allowedHosts = new Set([`${host}:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([...allowedHosts].map((h) => `http://${h}`));
  return {
    url: origin,
    openUrl: `${origin}/#token=${token}`,
    token,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
