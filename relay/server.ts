// The careplan-link linkage service: HTTPS with mutual TLS. Every request carries an office
// certificate; the office number comes from it, never from what the client claims. The service
// stores only the signed-and-encrypted envelopes the offices send each other. API: relay/API.md.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { certsFromPem, type CertInfo } from '../pki/certs.js';
import { verifyCms } from '../pki/cms.js';
import {
  API_VERSION,
  HEADERS,
  MESSAGE_ID_PATTERN,
  OFFICE_PATTERN,
  type DirectoryList,
  type Disposition,
  type ErrorResponse,
  type Health,
  type MessageMeta,
  type MessagePage,
  type MessageStatus,
  type PublicMessage,
} from '../shared/protocol/index.js';
import { checkDigest, errorResponse, headerValue, HttpError, readBody, readDirectoryQuery, readDirectoryUpdate, readMessageId, readMeta, readPageQuery, readReceipt } from './requests.js';
import type { RelayStore, StoredMessage } from './store.js';

export { API_VERSION };

export interface RelayOptions {
  store: RelayStore;
  tls: { key: string | Buffer; cert: string | Buffer; clientCa: string };
  host?: string;
  port?: number;
  maxUnitBytes?: number;
  rate?: { requests: number; perMs: number };
  retentionDays?: number;
  now?: () => Date;
  /** Test hook: named points where the process kills itself (CPL_RELAY_FAULT). */
  fault?: string;
  log?: (line: string) => void;
}

export interface RunningRelay {
  url: string;
  port: number;
  server: Server;
  purge(): string[];
  close(): Promise<void>;
}

const STATUS_OF: Record<Disposition, MessageStatus> = { received: 'received', imported: 'imported', quarantined: 'quarantined' };
const RANK: Record<MessageStatus, number> = { queued: 0, delivered: 1, received: 2, imported: 3, quarantined: 3 };

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(data.length), ...headers });
  res.end(data);
}

/** Field by field, so that whatever else a store keeps never reaches the wire. */
function publicMessage(m: StoredMessage): PublicMessage {
  return {
    messageId: m.messageId,
    cursor: m.cursor,
    sender: m.sender,
    receiver: m.receiver,
    sequence: m.sequence,
    month: m.month,
    kinds: m.kinds,
    files: m.files,
    size: m.size,
    sha256: m.sha256,
    status: m.status,
    createdAt: m.createdAt,
    deliveredAt: m.deliveredAt,
    receipts: m.receipts,
  };
}

// BER/DER of: SEQUENCE { OBJECT IDENTIFIER envelopedData (1.2.840.113549.1.7.3), [0] … }
const ENVELOPED_OID = Buffer.from('06092a864886f70d010703', 'hex');

/**
 * A cheap structural check that the payload is a CMS ContentInfo holding EnvelopedData: the relay
 * cannot decrypt anything, it only refuses what is plainly not ciphertext.
 */
export function isEnvelopedData(body: Buffer): boolean {
  if (body.length < 16 || body[0] !== 0x30) return false;
  let i = 1;
  const first = body[i++]!;
  if (first === 0x80) {
    // BER indefinite length (PKI.js writes it): the content ends with two zero bytes.
    if (body[body.length - 1] !== 0 || body[body.length - 2] !== 0) return false;
  } else {
    let length = first;
    if (first & 0x80) {
      const n = first & 0x7f;
      if (n < 1 || n > 4) return false;
      length = 0;
      for (let k = 0; k < n; k++) length = length * 256 + body[i++]!;
    }
    if (i + length !== body.length) return false;
  }
  if (!body.subarray(i, i + ENVELOPED_OID.length).equals(ENVELOPED_OID)) return false;
  return body[i + ENVELOPED_OID.length] === 0xa0;
}

interface Bucket {
  tokens: number;
  at: number;
}

export async function startRelay(opts: RelayOptions): Promise<RunningRelay> {
  const store = opts.store;
  const now = opts.now ?? (() => new Date());
  const limit = opts.maxUnitBytes ?? 20 * 1024 * 1024;
  const rate = opts.rate ?? { requests: 600, perMs: 60_000 };
  const retentionDays = opts.retentionDays ?? 90;
  const anchors: CertInfo[] = certsFromPem(opts.tls.clientCa.toString());
  const buckets = new Map<string, Bucket>();
  const seen = new Map<string, { fingerprint: string; at: number }>();
  const log = opts.log ?? (() => {});

  // Group commit: submissions that arrive together share one round of fsyncs and one transaction.
  const pending = new Map<string, Promise<StoredMessage>>();
  type Audit = { office: string; action: string; messageId: string; detail: string };
  let batch: { meta: MessageMeta; payload: Buffer; audit: Audit; resolve: (m: StoredMessage) => void; reject: (e: unknown) => void }[] = [];
  let flushing = false;
  let scheduled = false;
  const flush = async () => {
    flushing = true;
    while (batch.length) {
      const current = batch;
      batch = [];
      const t0 = performance.now();
      try {
        const stored = await store.putMessages(
          current.map((c) => ({ meta: c.meta, payload: c.payload, audit: c.audit })),
          now(),
        );
        current.forEach((c, i) => c.resolve(stored[i]!));
        if (process.env.CPL_RELAY_TRACE) log(`commit ${current.length} in ${(performance.now() - t0).toFixed(1)} ms`);
      } catch (e) {
        for (const c of current) c.reject(e);
      }
    }
    flushing = false;
  };
  const commit = (meta: MessageMeta, payload: Buffer, audit: Audit) =>
    new Promise<StoredMessage>((resolve, reject) => {
      batch.push({ meta, payload, audit, resolve, reject });
      if (!flushing && !scheduled) {
        scheduled = true;
        // A moment's wait lets a burst share one commit; a lone request waits 2 ms at most.
        setTimeout(() => {
          scheduled = false;
          void flush();
        }, 2);
      }
    });

  const faultAt = (point: string) => {
    if (opts.fault === point) {
      log(`fault injected at ${point}: killing the relay`);
      process.kill(process.pid, 'SIGKILL');
    }
  };

  function takeToken(office: string): void {
    const t = Date.now();
    const b = buckets.get(office) ?? { tokens: rate.requests, at: t };
    b.tokens = Math.min(rate.requests, b.tokens + ((t - b.at) * rate.requests) / rate.perMs);
    b.at = t;
    if (b.tokens < 1) {
      buckets.set(office, b);
      const wait = Math.ceil(((1 - b.tokens) * rate.perMs) / rate.requests / 1000);
      throw new HttpError(429, 'rate_limited', `要求が多すぎます。${wait} 秒後にもう一度送ってください`, `Too many requests; retry in ${wait} s`, { 'retry-after': String(wait) });
    }
    b.tokens -= 1;
    buckets.set(office, b);
  }

  // One TLS connection carries one certificate: read it once per connection.
  const socketOffices = new WeakMap<TLSSocket, string>();

  /** The office behind the TLS client certificate (the TLS layer has already checked the chain). */
  function officeOf(req: IncomingMessage): { office: string } {
    const socket = req.socket as TLSSocket;
    const known = socketOffices.get(socket);
    if (known && Date.now() - (seen.get(known)?.at ?? 0) < 60_000) return { office: known };
    const peer = socket.getPeerCertificate(false);
    const office = peer?.subject?.CN;
    if (!socket.authorized || !peer?.raw || typeof office !== 'string' || !OFFICE_PATTERN.test(office)) {
      throw new HttpError(403, 'no_office', '事業所の証明書が必要です', 'An office certificate is required');
    }
    const eku = (peer as PeerCertificate & { ext_key_usage?: string[] }).ext_key_usage;
    if (eku && !eku.includes('1.3.6.1.5.5.7.3.2')) throw new HttpError(403, 'not_client_cert', 'クライアント認証用の証明書ではありません', 'Not a client-authentication certificate');
    const fingerprint = peer.fingerprint256;
    const last = seen.get(office);
    if (!last || last.fingerprint !== fingerprint || Date.now() - last.at > 60_000) {
      const pem = `-----BEGIN CERTIFICATE-----\n${peer.raw.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`.replace(/\n\n/g, '\n');
      const existing = store.getOffice(office);
      store.upsertOffice({ office, name: existing?.name ?? (typeof peer.subject.O === 'string' ? peer.subject.O : office), certificate: pem, lastSeen: now().toISOString() });
      seen.set(office, { fingerprint, at: Date.now() });
    }
    socketOffices.set(socket, office);
    return { office };
  }

  function ownMessage(id: string, office: string, as: 'receiver' | 'either'): StoredMessage {
    const m = MESSAGE_ID_PATTERN.test(id) ? store.getMessage(id) : undefined;
    // Someone else's message answers exactly like a missing one: existence is not revealed.
    if (!m || !(m.receiver.office === office || (as === 'either' && m.sender.office === office))) {
      throw new HttpError(404, 'not_found', 'メッセージが見つかりません', 'Message not found');
    }
    return m;
  }

  async function submit(req: IncomingMessage, res: ServerResponse, office: string): Promise<void> {
    const id = readMessageId(req, HEADERS.messageId);
    const body = await readBody(req, limit);
    const sha256 = createHash('sha256').update(body).digest('hex');
    checkDigest(req, HEADERS.sha256, sha256);
    const meta = readMeta(headerValue(req, HEADERS.meta), id, body.length, sha256);
    if (meta.sender.office !== office) {
      store.audit({ office, action: 'refused-forged-sender', messageId: id, detail: `claimed ${meta.sender.office}` });
      throw new HttpError(403, 'forged_sender', `送信元（${meta.sender.office}）が証明書の事業所（${office}）と違います`, `The sender (${meta.sender.office}) is not the certificate's office (${office})`);
    }
    if (!isEnvelopedData(body)) throw new HttpError(400, 'not_encrypted', '送信データが暗号化（CMS EnvelopedData）されていません', 'The payload is not CMS EnvelopedData');
    const existing = store.getMessage(id);
    if (existing) {
      if (existing.sender.office === office && existing.sha256 === sha256) {
        store.audit({ office, action: 'submit-duplicate', messageId: id, detail: null });
        send(res, 200, publicMessage(existing));
        return;
      }
      throw new HttpError(409, 'id_conflict', 'このメッセージIDは別の内容で使われています', 'This message id is already used for other content');
    }
    if (!store.getOffice(meta.receiver.office)) throw new HttpError(404, 'unknown_receiver', `送信先の事業所（${meta.receiver.office}）は連携サービスに登録されていません`, `The receiving office (${meta.receiver.office}) is not registered`);
    faultAt('before-commit');
    const inFlight = pending.get(id);
    if (inFlight) {
      // The same id is being committed by a concurrent request (a client retry racing itself).
      const first = await inFlight;
      if (first.sha256 !== sha256) throw new HttpError(409, 'id_conflict', 'このメッセージIDは別の内容で使われています', 'This message id is already used for other content');
      send(res, 200, publicMessage(first));
      return;
    }
    const committed = commit(meta, body, { office, action: 'submit', messageId: id, detail: `to ${meta.receiver.office} seq ${meta.sequence} ${meta.kinds.join('+')} ${body.length} B` });
    pending.set(id, committed);
    let stored: StoredMessage;
    try {
      stored = await committed;
    } finally {
      pending.delete(id);
    }
    faultAt('after-commit');
    send(res, 201, publicMessage(stored));
  }

  async function download(res: ServerResponse, m: StoredMessage, office: string): Promise<void> {
    const payload = store.readPayload(m.messageId);
    store.markDelivered(m.messageId, now());
    store.audit({ office, action: 'download', messageId: m.messageId, detail: null });
    res.writeHead(200, { 'content-type': 'application/cms', 'content-length': String(payload.length), 'careplan-sha256': m.sha256 });
    if (opts.fault === 'during-download') {
      res.write(payload.subarray(0, Math.floor(payload.length / 2)));
      await new Promise((r) => setTimeout(r, 50));
      faultAt('during-download');
    }
    res.end(payload);
  }

  async function receipt(req: IncomingMessage, res: ServerResponse, m: StoredMessage, office: string): Promise<void> {
    const { statement, signature, said } = readReceipt(await readBody(req, 256 * 1024), { messageId: m.messageId, sha256: m.sha256, office });
    const verdict = verifyCms(Buffer.from(signature, 'base64'), { content: Buffer.from(statement, 'utf8'), trustAnchors: anchors });
    if (!verdict.valid || verdict.signer?.officeNumber !== office) {
      throw new HttpError(400, 'receipt_signature', `受領証の署名を確認できません（${verdict.messageJa}）`, `The receipt signature does not verify (${verdict.messageEn})`);
    }
    const { disposition, reason } = said;
    const same = m.receipts.find((r) => r.disposition === disposition);
    if (!same) {
      const status = RANK[STATUS_OF[disposition]] >= RANK[m.status] ? STATUS_OF[disposition] : m.status;
      store.addReceipt(m.messageId, { disposition, reason, at: said.at, statement, signature }, status);
      store.audit({ office, action: `receipt-${disposition}`, messageId: m.messageId, detail: reason === null ? null : reason.slice(0, 200) });
    }
    send(res, same ? 200 : 201, publicMessage(store.getMessage(m.messageId)!));
  }

  async function route(req: IncomingMessage, res: ServerResponse, ctx: { office: string | null }): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://relay.invalid');
    const { office } = officeOf(req);
    ctx.office = office;
    takeToken(office);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/v1/health') return send(res, 200, { status: 'ok', api: API_VERSION, office, time: now().toISOString() } satisfies Health);
    if (method === 'POST' && path === '/v1/messages') return submit(req, res, office);
    if (method === 'GET' && (path === '/v1/inbox' || path === '/v1/outbox')) {
      const { after, limit } = readPageQuery(url);
      const list = path === '/v1/inbox' ? store.inbox(office, after, limit) : store.outbox(office, after, limit);
      return send(res, 200, { messages: list.map(publicMessage), next: list.at(-1)?.cursor ?? after } satisfies MessagePage);
    }
    const msg = path.match(/^\/v1\/messages\/([^/]+)(\/payload|\/receipt)?$/);
    if (msg) {
      const id = decodeURIComponent(msg[1]!);
      if (method === 'GET' && !msg[2]) return send(res, 200, publicMessage(ownMessage(id, office, 'either')));
      if (method === 'GET' && msg[2] === '/payload') return download(res, ownMessage(id, office, 'receiver'), office);
      if (method === 'POST' && msg[2] === '/receipt') return receipt(req, res, ownMessage(id, office, 'receiver'), office);
    }
    if (method === 'GET' && path === '/v1/directory') {
      const { q, type, limit } = readDirectoryQuery(url);
      return send(res, 200, { offices: store.findOffices({ ...(q ? { q } : {}), ...(type ? { serviceType: type } : {}), limit }) } satisfies DirectoryList);
    }
    if (method === 'PUT' && path === '/v1/directory/me') {
      const { name, serviceTypes: types } = readDirectoryUpdate(await readBody(req, 16 * 1024));
      const current = store.getOffice(office)!;
      const entry = store.upsertOffice({ ...current, ...(name ? { name } : {}), serviceTypes: types, lastSeen: now().toISOString() });
      store.audit({ office, action: 'directory-update', messageId: null, detail: `${entry.name} ${entry.serviceTypes.join(',')}` });
      return send(res, 200, entry);
    }
    throw new HttpError(404, 'no_route', 'そのような API はありません', 'No such API');
  }

  const server = createServer(
    {
      key: opts.tls.key,
      cert: opts.tls.cert,
      ca: opts.tls.clientCa,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    },
    (req, res) => {
      const ctx: { office: string | null } = { office: null };
      route(req, res, ctx).catch((e: unknown) => {
        if (e instanceof HttpError) {
          // Every refusal is audited (rate-limit refusals excepted: a flood must not flood the log).
          if (e.status !== 429 && e.code !== 'forged_sender') {
            try {
              store.audit({ office: ctx.office, action: `refused-${e.code}`, messageId: null, detail: `${req.method} ${req.url?.slice(0, 200)}` });
            } catch {
              /* the refusal itself matters more than its log line */
            }
          }
          send(res, e.status, errorResponse(e), e.headers);
          return;
        }
        log(`internal error: ${(e as Error).stack ?? String(e)}`);
        if (!res.headersSent) send(res, 500, { error: { code: 'internal', message: '連携サービスの内部エラーです', messageEn: 'Internal relay error' } } satisfies ErrorResponse);
        else res.destroy();
      });
    },
  );
  server.headersTimeout = 30_000;
  server.requestTimeout = 300_000;

  const purge = () => {
    const cutoff = new Date(now().getTime() - retentionDays * 86_400_000);
    const ids = store.purgeBefore(cutoff);
    if (ids.length) store.audit({ office: null, action: 'purge', messageId: null, detail: `${ids.length} messages older than ${cutoff.toISOString()}` });
    return ids;
  };
  purge();
  const timer = setInterval(purge, 3_600_000);
  timer.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8443, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host ?? '127.0.0.1';
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    server,
    purge,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

