// The client side of relay/API.md: HTTPS with the office certificate (mutual TLS), the relay's
// certificate checked against the configured trust anchors. Every answer is read through the
// protocol's schemas (shared/protocol): what does not fit is a RelayError, never passed on.
import { Agent, request } from 'node:https';
import type { z } from 'zod';
import { LocalizedError } from '../../shared/errors.js';
import {
  directoryEntrySchema,
  directoryListSchema,
  errorResponseSchema,
  HEADERS,
  healthSchema,
  messagePageSchema,
  publicMessageSchema,
  sha256Schema,
  type DirectoryEntry,
  type DirectoryList,
  type DirectoryUpdate,
  type Health,
  type MessagePage,
  type MetaHeader,
  type PublicMessage,
} from '../../shared/protocol/index.js';
import type { OfficeIdentity } from '../../pki/pkcs12.js';

export type RelayMessage = PublicMessage;

/** What a submission declares: the meta header, the client-chosen id and the payload's hash. */
export type SubmitMeta = MetaHeader & { messageId: string; sha256: string };

export class RelayError extends LocalizedError {
  override name = 'RelayError';
  constructor(
    readonly status: number,
    code: string,
    ja: string,
    en: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(code, { ja, en });
  }

  /** Worth trying again later: the network, the relay's own trouble, or its rate limit. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/**
 * Names what went wrong with the connection. A reset means different things: on a kept-alive socket
 * that was reused it is a connection that died while idle (the relay restarted, a router forgot it);
 * on a new connection before any answer it is how a TLS 1.3 relay refuses a client certificate (the
 * client's side of the handshake has finished by then, so no TLS error is raised).
 */
function connectionError(e: NodeJS.ErrnoException, url: string, reused: boolean): RelayError {
  const code = e.code ?? 'ECONN';
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i.test(code) || /certificate|handshake|alert/i.test(e.message)) {
    return new RelayError(0, 'tls', `連携サービスとの安全な接続（TLS）に失敗しました: ${e.message}`, `TLS with the relay failed: ${e.message}`);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    if (reused) {
      return new RelayError(0, 'dropped', `連携サービスとの接続が切れていました（連携サービスの再起動や長い無通信のあと）。もう一度お試しください（${url}）`, `The connection to the relay had dropped (after a relay restart or a long pause); try again (${url})`);
    }
    return new RelayError(0, 'refused', `連携サービスが接続を切りました。事業所の証明書が受け入れられていない可能性があります（${url}）`, `The relay closed the connection; it may not accept this office's certificate (${url})`);
  }
  return new RelayError(0, 'connect', `連携サービスに接続できません（${url}）: ${code}`, `Cannot connect to the relay (${url}): ${code}`);
}

/** Retry-After in milliseconds: delay-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | null {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

interface RelayResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * An answer that is JSON but not what API v1 promises (another server at that address, a proxy's
 * page, a relay of another version): named by the first field that does not fit, for support.
 */
function unexpectedShape(status: number, error: z.ZodError, where?: string): RelayError {
  const issue = error.issues[0];
  const field = where ?? (issue && issue.path.length ? issue.path.join('.') : '(root)');
  return new RelayError(
    status,
    'bad_response',
    `連携サービスの応答が想定した形ではありません（HTTP ${status}、項目 ${field}）。接続先の URL と連携サービスの版を確かめてください`,
    `The relay's response does not have the expected form (HTTP ${status}, field ${field}); check the service URL and the relay's version`,
  );
}

export interface RelayClientOptions {
  url: string;
  identity: OfficeIdentity;
  trustPem: string;
  timeoutMs?: number;
}

export class RelayClient {
  private readonly agent: Agent;
  /** For the one retry after a reused socket was reset: always a new connection, never kept. */
  private readonly freshAgent: Agent;
  readonly url: string;
  private readonly timeoutMs: number;

  constructor(opts: RelayClientOptions) {
    this.url = opts.url.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    const { key, cert } = opts.identity.tlsOptions();
    // The TLS layer needs the key in PEM; it stays in this process's memory only.
    const tls = { key: key.export({ format: 'pem', type: 'pkcs8' }), cert, ca: opts.trustPem, minVersion: 'TLSv1.2' as const };
    this.agent = new Agent({ ...tls, keepAlive: true, maxSockets: 8 });
    this.freshAgent = new Agent({ ...tls, keepAlive: false });
  }

  close(): void {
    this.agent.destroy();
    this.freshAgent.destroy();
  }

  /**
   * One request. When a kept-alive socket turns out to be dead, an idempotent request is sent once
   * more on a new connection; the other idle sockets are dropped too, since they led to the same dead
   * server. Every v1 call is idempotent (GETs, PUT, and POSTs keyed by message id and disposition), so
   * sending one again can never make a second message or receipt.
   */
  private async call(method: string, path: string, body?: Buffer, headers: Record<string, string> = {}, idempotent = true): Promise<RelayResponse> {
    try {
      return await this.attempt(this.agent, method, path, body, headers);
    } catch (e) {
      if (!(e instanceof RelayError && e.code === 'dropped') || !idempotent) throw e;
      this.dropIdleSockets();
      return this.attempt(this.freshAgent, method, path, body, headers);
    }
  }

  private dropIdleSockets(): void {
    for (const sockets of Object.values(this.agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
  }

  private attempt(agent: Agent, method: string, path: string, body: Buffer | undefined, headers: Record<string, string>): Promise<RelayResponse> {
    const url = new URL(this.url + path);
    return new Promise((resolve, reject) => {
      const req = request(
        { method, hostname: url.hostname, port: url.port || 443, path: url.pathname + url.search, agent, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) }, timeout: this.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          // The answer had begun: whatever breaks now is neither a refused certificate nor a stale socket.
          res.on('error', () => reject(new RelayError(0, 'aborted', '連携サービスとの通信が途中で切れました', 'The connection to the relay broke off')));
          res.on('aborted', () => reject(new RelayError(0, 'aborted', '連携サービスとの通信が途中で切れました', 'The connection to the relay broke off')));
          res.on('end', () => {
            if (!res.complete) {
              reject(new RelayError(0, 'aborted', '連携サービスとの通信が途中で切れました', 'The connection to the relay broke off'));
              return;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
          });
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', (e) => reject(connectionError(e as NodeJS.ErrnoException, this.url, req.reusedSocket)));
      req.end(body);
    });
  }

  private async json<S extends z.ZodType>(schema: S, method: string, path: string, body?: unknown): Promise<z.infer<S>> {
    const res = await this.call(method, path, body === undefined ? undefined : Buffer.from(JSON.stringify(body)), body === undefined ? {} : { 'content-type': 'application/json' });
    return this.parse(schema, res);
  }

  /** The answer as the schema says it must be; an error answer becomes the relay's own RelayError. */
  private parse<S extends z.ZodType>(schema: S, res: RelayResponse): z.infer<S> {
    let data: unknown;
    try {
      data = JSON.parse(res.body.toString('utf8'));
    } catch {
      throw new RelayError(res.status, 'bad_response', `連携サービスの応答を読めません（HTTP ${res.status}）`, `Unreadable relay response (HTTP ${res.status})`);
    }
    if (res.status >= 400) {
      const refusal = errorResponseSchema.safeParse(data);
      if (!refusal.success) throw unexpectedShape(res.status, refusal.error);
      const { code, message, messageEn } = refusal.data.error;
      throw new RelayError(res.status, code, message, messageEn, retryAfterMs(res.headers['retry-after']));
    }
    const answer = schema.safeParse(data);
    if (!answer.success) throw unexpectedShape(res.status, answer.error);
    return answer.data;
  }

  health(): Promise<Health> {
    return this.json(healthSchema, 'GET', '/v1/health');
  }

  async submit(meta: SubmitMeta, payload: Buffer): Promise<{ message: RelayMessage; duplicate: boolean }> {
    const declared: MetaHeader = { sender: meta.sender, receiver: meta.receiver, sequence: meta.sequence, month: meta.month, kinds: meta.kinds, files: meta.files };
    const res = await this.call('POST', '/v1/messages', payload, {
      'content-type': 'application/cms',
      [HEADERS.messageId]: meta.messageId,
      [HEADERS.meta]: Buffer.from(JSON.stringify(declared)).toString('base64url'),
      [HEADERS.sha256]: meta.sha256,
    });
    const message = this.parse(publicMessageSchema, res);
    return { message, duplicate: res.status === 200 };
  }

  message(id: string): Promise<RelayMessage> {
    return this.json(publicMessageSchema, 'GET', `/v1/messages/${encodeURIComponent(id)}`);
  }

  inbox(after = 0, limit = 100): Promise<MessagePage> {
    return this.json(messagePageSchema, 'GET', `/v1/inbox?after=${after}&limit=${limit}`);
  }

  outbox(after = 0, limit = 100): Promise<MessagePage> {
    return this.json(messagePageSchema, 'GET', `/v1/outbox?after=${after}&limit=${limit}`);
  }

  async download(id: string): Promise<{ payload: Buffer; sha256: string }> {
    const res = await this.call('GET', `/v1/messages/${encodeURIComponent(id)}/payload`);
    // An error answer throws here; a success is the raw envelope, announced by its hash.
    if (res.status >= 400) this.parse(errorResponseSchema, res);
    const sha256 = sha256Schema.safeParse(res.headers[HEADERS.sha256]);
    if (!sha256.success) throw unexpectedShape(res.status, sha256.error, HEADERS.sha256);
    return { payload: res.body, sha256: sha256.data };
  }

  receipt(id: string, statement: string, signature: Buffer): Promise<RelayMessage> {
    return this.json(publicMessageSchema, 'POST', `/v1/messages/${encodeURIComponent(id)}/receipt`, { statement, signature: signature.toString('base64') });
  }

  directory(query: { q?: string; type?: string } = {}): Promise<DirectoryList> {
    const p = new URLSearchParams();
    if (query.q) p.set('q', query.q);
    if (query.type) p.set('type', query.type);
    return this.json(directoryListSchema, 'GET', `/v1/directory?${p.toString()}`);
  }

  updateMe(entry: DirectoryUpdate): Promise<DirectoryEntry> {
    return this.json(directoryEntrySchema, 'PUT', '/v1/directory/me', entry);
  }
}
