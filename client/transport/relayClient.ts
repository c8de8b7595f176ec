// The client side of relay/API.md: HTTPS with the office certificate (mutual TLS), the relay's
// certificate checked against the configured trust anchors.
import { Agent, request } from 'node:https';
import type { MessageMeta, StoredMessage, DirectoryEntry } from '../../relay/store.js';
import type { OfficeIdentity } from '../../pki/pkcs12.js';

export type RelayMessage = Omit<StoredMessage, 'receipts'> & { receipts: StoredMessage['receipts'] };

export class RelayError extends Error {
  override name = 'RelayError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly ja: string,
    readonly en: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(`${ja} / ${en}`);
  }

  /** Worth trying again later: the network, the relay's own trouble, or its rate limit. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

function connectionError(e: NodeJS.ErrnoException, url: string): RelayError {
  const code = e.code ?? 'ECONN';
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i.test(code) || /certificate|handshake|alert/i.test(e.message)) {
    return new RelayError(0, 'tls', `連携サービスとの安全な接続（TLS）に失敗しました: ${e.message}`, `TLS with the relay failed: ${e.message}`);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    // Under TLS 1.3 a relay that refuses our certificate simply closes the connection.
    return new RelayError(0, 'refused', `連携サービスが接続を切りました。事業所の証明書が受け入れられていない可能性があります（${url}）`, `The relay closed the connection; it may not accept this office's certificate (${url})`);
  }
  return new RelayError(0, 'connect', `連携サービスに接続できません（${url}）: ${code}`, `Cannot connect to the relay (${url}): ${code}`);
}

export interface RelayClientOptions {
  url: string;
  identity: OfficeIdentity;
  trustPem: string;
  timeoutMs?: number;
}

export class RelayClient {
  private readonly agent: Agent;
  readonly url: string;
  private readonly timeoutMs: number;

  constructor(opts: RelayClientOptions) {
    this.url = opts.url.replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    const { key, cert } = opts.identity.tlsOptions();
    // The TLS layer needs the key in PEM; it stays in this process's memory only.
    this.agent = new Agent({ key: key.export({ format: 'pem', type: 'pkcs8' }), cert, ca: opts.trustPem, keepAlive: true, maxSockets: 8, minVersion: 'TLSv1.2' });
  }

  close(): void {
    this.agent.destroy();
  }

  private call(method: string, path: string, body?: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
    const url = new URL(this.url + path);
    return new Promise((resolve, reject) => {
      const req = request(
        { method, hostname: url.hostname, port: url.port || 443, path: url.pathname + url.search, agent: this.agent, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) }, timeout: this.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => reject(connectionError(e as NodeJS.ErrnoException, this.url)));
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
      req.on('error', (e) => reject(connectionError(e as NodeJS.ErrnoException, this.url)));
      req.end(body);
    });
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.call(method, path, body === undefined ? undefined : Buffer.from(JSON.stringify(body)), body === undefined ? {} : { 'content-type': 'application/json' });
    return this.parse<T>(res);
  }

  private parse<T>(res: { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }): T {
    let data: unknown;
    try {
      data = JSON.parse(res.body.toString('utf8'));
    } catch {
      throw new RelayError(res.status, 'bad_response', `連携サービスの応答を読めません（HTTP ${res.status}）`, `Unreadable relay response (HTTP ${res.status})`);
    }
    if (res.status >= 400) {
      const err = (data as { error?: { code?: string; message?: string; messageEn?: string } }).error ?? {};
      const retry = Number(res.headers['retry-after']);
      throw new RelayError(res.status, err.code ?? 'error', err.message ?? `HTTP ${res.status}`, err.messageEn ?? `HTTP ${res.status}`, Number.isFinite(retry) ? retry * 1000 : null);
    }
    return data as T;
  }

  health(): Promise<{ status: string; office: string; api: string }> {
    return this.json('GET', '/v1/health');
  }

  async submit(meta: Omit<MessageMeta, 'size' | 'sha256'> & { sha256: string }, payload: Buffer): Promise<{ message: RelayMessage; duplicate: boolean }> {
    const header = Buffer.from(JSON.stringify({ sender: meta.sender, receiver: meta.receiver, sequence: meta.sequence, month: meta.month, kinds: meta.kinds, files: meta.files })).toString('base64url');
    const res = await this.call('POST', '/v1/messages', payload, {
      'content-type': 'application/cms',
      'careplan-message-id': meta.messageId,
      'careplan-meta': header,
      'careplan-sha256': meta.sha256,
    });
    const message = this.parse<RelayMessage>(res);
    return { message, duplicate: res.status === 200 };
  }

  message(id: string): Promise<RelayMessage> {
    return this.json('GET', `/v1/messages/${encodeURIComponent(id)}`);
  }

  inbox(after = 0, limit = 100): Promise<{ messages: RelayMessage[]; next: number }> {
    return this.json('GET', `/v1/inbox?after=${after}&limit=${limit}`);
  }

  outbox(after = 0, limit = 100): Promise<{ messages: RelayMessage[]; next: number }> {
    return this.json('GET', `/v1/outbox?after=${after}&limit=${limit}`);
  }

  async download(id: string): Promise<{ payload: Buffer; sha256: string }> {
    const res = await this.call('GET', `/v1/messages/${encodeURIComponent(id)}/payload`);
    if (res.status >= 400) this.parse(res);
    return { payload: res.body, sha256: String(res.headers['careplan-sha256'] ?? '') };
  }

  receipt(id: string, statement: string, signature: Buffer): Promise<RelayMessage> {
    return this.json('POST', `/v1/messages/${encodeURIComponent(id)}/receipt`, { statement, signature: signature.toString('base64') });
  }

  directory(query: { q?: string; type?: string } = {}): Promise<{ offices: DirectoryEntry[] }> {
    const p = new URLSearchParams();
    if (query.q) p.set('q', query.q);
    if (query.type) p.set('type', query.type);
    return this.json('GET', `/v1/directory?${p.toString()}`);
  }

  updateMe(entry: { name?: string; serviceTypes: string[] }): Promise<DirectoryEntry> {
    return this.json('PUT', '/v1/directory/me', entry);
  }
}
