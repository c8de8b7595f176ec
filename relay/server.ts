// The careplan-link linkage service: HTTPS with mutual TLS. Every request carries an office
// certificate; the office number comes from it, never from what the client claims. The service
// stores only the signed-and-encrypted envelopes the offices send each other. API: relay/API.md.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { TLSSocket } from 'node:tls';
import { certsFromPem, type CertInfo } from '../pki/certs.js';
import { verifyCms } from '../pki/cms.js';
import {
  API_VERSION,
  HEADERS,
  MAX_UNIT_CIPHERTEXT_BYTES,
  MESSAGE_ID_PATTERN,
  type DirectoryList,
  type ErrorResponse,
  type Health,
  type MessageMeta,
  type MessagePage,
  type PublicMessage,
} from '../shared/protocol/index.js';
import type { Logger } from 'pino';
import { startAdmin, type AdminServer } from './admin.js';
import { BodyReader, requireMediaType, type BodyStats } from './bodies.js';
import type { EnrollmentPolicy } from './enrollment.js';
import { Observer, silentLogger, type RequestContext } from './observe.js';
import { EXPLAINED_TLS_ERRORS, Offices } from './offices.js';
import { checkDigest, decodeMessageIdSegment, errorResponse, headerValue, HttpError, readDirectoryQuery, readDirectoryUpdate, readMessageId, readMetaHeader, readPageQuery, readReceipt } from './requests.js';
import type { CommitResult, RelayStore, StoredMessage, Upload } from './store.js';

export { API_VERSION };

export interface RelayOptions {
  store: RelayStore;
  /** `crl`: the client CAs' revocation lists (PEM, one per client CA), honoured by TLS and by the relay. */
  tls: { key: string | Buffer; cert: string | Buffer; clientCa: string; crl?: string | Buffer };
  host?: string;
  port?: number;
  /** The largest unit (ciphertext bytes); default MAX_UNIT_CIPHERTEXT_BYTES (shared/protocol). */
  maxUnitBytes?: number;
  /** Bytes all uploads in progress may reserve together; above it an upload waits. Default 256 MiB, never below maxUnitBytes. */
  maxInFlightBytes?: number;
  /** How long an upload may wait for room under maxInFlightBytes before it is refused 503 busy (default 20 s, under the client's 60 s; 0: refused at once). */
  uploadWaitMs?: number;
  rate?: { requests: number; perMs: number };
  retentionDays?: number;
  now?: () => Date;
  /** Test hook: named points where the process kills itself (CPL_RELAY_FAULT). */
  fault?: string;
  /** Human-readable lines (the embedded relay's console); the structured log is `logger`. */
  log?: (line: string) => void;
  /** JSON log lines (pino): one per request with its id, never personal data (relay/observe.ts). Default: silent. */
  logger?: Logger;
  /** Who may connect: 'open' (default: registered on first contact) or 'operator' (enrolled certificates only). */
  enrollment?: EnrollmentPolicy;
  /** The admin port (/healthz, /readyz, /metrics, /openapi.json; plain HTTP). Host default 127.0.0.1; none without this. */
  admin?: { host?: string; port: number };
  /** How long close() lets requests in flight finish before it cuts them (default 10 s). */
  drainMs?: number;
}

export interface RunningRelay {
  url: string;
  port: number;
  server: Server;
  /** Deletes what is past the retention period, in small batches; resolves with the message ids. */
  purge(): Promise<string[]>;
  /** What request bodies hold in memory and reserve (tests, traces). */
  stats(): BodyStats;
  /** Takes new revocation lists (PEM or DER) for new connections and for the ones already open; throws CrlError if they cannot serve. */
  setCrl(crl: string | Buffer | undefined): void;
  /** The admin port's server, when `admin` was given. */
  admin: AdminServer | null;
  observer: Observer;
  /**
   * Graceful stop: takes no new connections or requests, lets the requests in flight finish (at most
   * drainMs), then closes. The caller closes the store after it.
   */
  close(): Promise<void>;
}

const FINAL_LABEL: Record<string, [string, string]> = { imported: ['取込済み', 'imported'], quarantined: ['隔離済み', 'quarantined'] };
const DEFAULT_MAX_IN_FLIGHT_BYTES = 256 * 1024 * 1024;

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
  return looksEnveloped(body.subarray(0, 32), body.length, body.subarray(-2));
}

/** The same check from what a streamed upload keeps: its first 32 bytes, its size and its last 2 bytes. */
export function looksEnveloped(head: Buffer, size: number, tail: Buffer): boolean {
  if (size < 16 || head[0] !== 0x30) return false;
  let i = 1;
  const first = head[i++]!;
  if (first === 0x80) {
    // BER indefinite length (PKI.js writes it): the content ends with two zero bytes.
    if (tail.length < 2 || tail[1] !== 0 || tail[0] !== 0) return false;
  } else {
    let length = first;
    if (first & 0x80) {
      const n = first & 0x7f;
      if (n < 1 || n > 4) return false;
      length = 0;
      for (let k = 0; k < n; k++) length = length * 256 + head[i++]!;
    }
    if (i + length !== size) return false;
  }
  if (!head.subarray(i, i + ENVELOPED_OID.length).equals(ENVELOPED_OID)) return false;
  return head[i + ENVELOPED_OID.length] === 0xa0;
}

export async function startRelay(opts: RelayOptions): Promise<RunningRelay> {
  const store = opts.store;
  await store.ready();
  const now = opts.now ?? (() => new Date());
  const limit = opts.maxUnitBytes ?? MAX_UNIT_CIPHERTEXT_BYTES;
  const maxInFlight = opts.maxInFlightBytes ?? Math.max(DEFAULT_MAX_IN_FLIGHT_BYTES, limit);
  if (maxInFlight < limit) throw new Error(`maxInFlightBytes (${maxInFlight}) is below maxUnitBytes (${limit}): no unit could ever be accepted`);
  const rate = opts.rate ?? { requests: 600, perMs: 60_000 };
  const retentionDays = opts.retentionDays ?? 90;
  const anchors: CertInfo[] = certsFromPem(opts.tls.clientCa.toString());
  const logger = opts.logger ?? silentLogger();
  const log = (line: string) => {
    opts.log?.(line);
    logger.info(line);
  };
  const observer = new Observer(store, logger);
  let accepting = true;
  const bodies = new BodyReader({ maxUnitBytes: limit, maxInFlightBytes: maxInFlight, maxWaitMs: opts.uploadWaitMs ?? 20_000 });
  const offices = new Offices(store, anchors, now, opts.enrollment ?? 'open');
  // A list that cannot serve stops the start: OpenSSL would otherwise refuse every office of that CA.
  if (opts.tls.crl !== undefined) offices.setCrl(opts.tls.crl);

  // Group commit: submissions that arrive together share one round of fsyncs and one transaction
  // (with PostgreSQL, one transaction per burst). Two requests with the same id — a client retry
  // racing itself, here or at another relay process — are told apart by the database's unique key,
  // not by a map in this process: the loser learns that the message is there (created: false).
  type Audit = { office: string; action: string; messageId: string; detail: string };
  let batch: { meta: MessageMeta; upload: Upload; audit: Audit; resolve: (m: CommitResult) => void; reject: (e: unknown) => void }[] = [];
  let flushing = false;
  let scheduled = false;
  const flush = async () => {
    flushing = true;
    while (batch.length) {
      const current = batch;
      batch = [];
      const t0 = performance.now();
      try {
        const stored = await store.commitUploads(
          current.map((c) => ({ meta: c.meta, upload: c.upload, audit: c.audit })),
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
  const commit = (meta: MessageMeta, upload: Upload, audit: Audit) =>
    new Promise<CommitResult>((resolve, reject) => {
      batch.push({ meta, upload, audit, resolve, reject });
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

  async function takeToken(office: string): Promise<void> {
    // The budget is the store's: with PostgreSQL every relay process draws on the same one.
    const wait = await store.takeToken(office, rate);
    if (wait > 0) {
      throw new HttpError(429, 'rate_limited', `要求が多すぎます。${wait} 秒後にもう一度送ってください`, `Too many requests; retry in ${wait} s`, { 'retry-after': String(wait) });
    }
  }

  async function ownMessage(id: string, office: string, as: 'receiver' | 'either'): Promise<StoredMessage> {
    const m = MESSAGE_ID_PATTERN.test(id) ? await store.findMessage(id, office, as) : undefined;
    // Someone else's message answers exactly like a missing one: existence is not revealed.
    if (!m) throw new HttpError(404, 'not_found', 'メッセージが見つかりません', 'Message not found');
    return m;
  }

  const idConflict = () => new HttpError(409, 'id_conflict', 'このメッセージIDは別の内容で使われています', 'This message id is already used for other content');

  async function submit(req: IncomingMessage, res: ServerResponse, office: string, ctx: RequestContext): Promise<void> {
    // Everything the headers can tell is checked before a byte of the body is read.
    const id = readMessageId(req, HEADERS.messageId);
    requireMediaType(req, 'application/cms');
    const declared = readMetaHeader(headerValue(req, HEADERS.meta));
    if (declared.sender.office !== office) {
      await store.audit({ office, action: 'refused-forged-sender', messageId: id, detail: `claimed ${declared.sender.office}` });
      throw new HttpError(403, 'forged_sender', `送信元（${declared.sender.office}）が証明書の事業所（${office}）と違います`, `The sender (${declared.sender.office}) is not the certificate's office (${office})`);
    }
    if (!(await store.hasOffice(declared.receiver.office))) throw new HttpError(404, 'unknown_receiver', `送信先の事業所（${declared.receiver.office}）は連携サービスに登録されていません`, `The receiving office (${declared.receiver.office}) is not registered`);
    const release = await bodies.reserve(req);
    let upload: Upload | null = null;
    let letGo = () => {};
    const repeat = async (stored: StoredMessage, sha256: string) => {
      if (stored.sha256 !== sha256) throw idConflict();
      await store.audit({ office, action: 'submit-duplicate', messageId: id, detail: null });
      send(res, 200, publicMessage(stored));
    };
    try {
      upload = await store.openUpload();
      const body = await bodies.toUpload(req, upload);
      letGo = body.letGo;
      ctx.bytesIn = body.size;
      checkDigest(req, HEADERS.sha256, body.sha256);
      if (!looksEnveloped(body.head, body.size, body.tail)) throw new HttpError(400, 'not_encrypted', '送信データが暗号化（CMS EnvelopedData）されていません', 'The payload is not CMS EnvelopedData');
      const meta: MessageMeta = { messageId: id, ...declared, size: body.size, sha256: body.sha256 };
      // A repeat (ids are per sender) goes through the commit too, which finds the sender's message
      // there and discards this upload: one query fewer for every unit that is new.
      faultAt('before-commit');
      const committing = commit(meta, upload, { office, action: 'submit', messageId: id, detail: `to ${meta.receiver.office} seq ${meta.sequence} ${meta.kinds.join('+')} ${body.size} B` });
      // From here the upload is the commit's: stored, or discarded by the store when the id was taken.
      upload = null;
      const { message, created } = await committing;
      if (!created) return await repeat(message, body.sha256);
      faultAt('after-commit');
      send(res, 201, publicMessage(message));
    } finally {
      letGo();
      release();
      if (upload) await upload.discard().catch(() => {});
    }
  }

  async function download(res: ServerResponse, m: StoredMessage, office: string): Promise<void> {
    const payload = await store.openPayload(m.cursor);
    await store.markDelivered(m.cursor, now());
    await store.audit({ office, action: 'download', messageId: m.messageId, detail: null });
    res.writeHead(200, { 'content-type': 'application/cms', 'content-length': String(payload.size), 'careplan-sha256': m.sha256 });
    if (opts.fault === 'during-download') {
      let left = Math.floor(payload.size / 2);
      for await (const chunk of payload.chunks()) {
        res.write(chunk.subarray(0, left));
        left -= Math.min(left, chunk.length);
        if (left === 0) break;
      }
      await new Promise((r) => setTimeout(r, 50));
      faultAt('during-download');
    }
    // Streamed from the store: a download holds a chunk at a time, not the unit.
    try {
      await pipeline(Readable.from(payload.chunks()), res);
    } catch (e) {
      // The receiver went away, or the payload could not be read: the body is cut short, which the
      // receiver notices (Content-Length, Careplan-Sha256) and downloads again.
      log(`download of ${m.messageId} cut short: ${(e as Error).message}`);
      res.destroy();
    }
  }

  async function receipt(req: IncomingMessage, res: ServerResponse, m: StoredMessage, office: string): Promise<void> {
    const { statement, signature, said } = readReceipt(await bodies.json(req, 256 * 1024), { messageId: m.messageId, sha256: m.sha256, office });
    const verdict = verifyCms(Buffer.from(signature, 'base64'), { content: Buffer.from(statement, 'utf8'), trustAnchors: anchors, crls: offices.revocationLists });
    if (!verdict.valid || verdict.signer?.officeNumber !== office) {
      throw new HttpError(400, 'receipt_signature', `受領証の署名を確認できません（${verdict.messageJa}）`, `The receipt signature does not verify (${verdict.messageEn})`);
    }
    const { disposition, reason } = said;
    // The store decides under a lock (a row lock with PostgreSQL): the status never moves back, and
    // the first final outcome is the outcome, whichever relay process the receipts arrive at.
    const outcome = await store.addReceipt(m.cursor, { disposition, reason, at: said.at, statement, signature });
    if (outcome.result === 'final') {
      const [ja, en] = FINAL_LABEL[outcome.status]!;
      throw new HttpError(409, 'receipt_final', `この送信単位は既に${ja}です（結果は変えられません）`, `This unit is already ${en}; its outcome cannot change`);
    }
    if (outcome.result === 'repeat') return send(res, 200, publicMessage(outcome.message));
    await store.audit({ office, action: `receipt-${disposition}`, messageId: m.messageId, detail: reason === null ? null : reason.slice(0, 200) });
    send(res, 201, publicMessage(outcome.message));
  }

  async function route(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://relay.invalid');
    const office = await offices.identify(req);
    ctx.office = office;
    await takeToken(office);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/v1/health') return send(res, 200, { status: 'ok', api: API_VERSION, office, time: now().toISOString() } satisfies Health);
    if (method === 'POST' && path === '/v1/messages') return submit(req, res, office, ctx);
    if (method === 'GET' && (path === '/v1/inbox' || path === '/v1/outbox')) {
      const { after, limit } = readPageQuery(url);
      const list = path === '/v1/inbox' ? await store.inbox(office, after, limit) : await store.outbox(office, after, limit);
      return send(res, 200, { messages: list.map(publicMessage), next: list.at(-1)?.cursor ?? after } satisfies MessagePage);
    }
    const msg = path.match(/^\/v1\/messages\/([^/]+)(\/payload|\/receipt)?$/);
    if (msg) {
      const id = decodeMessageIdSegment(msg[1]!);
      if (method === 'GET' && !msg[2]) return send(res, 200, publicMessage(await ownMessage(id, office, 'either')));
      if (method === 'GET' && msg[2] === '/payload') return download(res, await ownMessage(id, office, 'receiver'), office);
      if (method === 'POST' && msg[2] === '/receipt') return receipt(req, res, await ownMessage(id, office, 'receiver'), office);
    }
    if (method === 'GET' && path === '/v1/directory') {
      const { q, type, limit } = readDirectoryQuery(url);
      const found = await store.findOffices({ ...(q ? { q } : {}), ...(type ? { serviceType: type } : {}), limit });
      return send(res, 200, { offices: found.map((r) => offices.entry(r)) } satisfies DirectoryList);
    }
    if (method === 'PUT' && path === '/v1/directory/me') {
      const { name, serviceTypes: types } = readDirectoryUpdate(await bodies.json(req, 16 * 1024));
      const current = (await store.getOffice(office))!;
      const record = await store.upsertOffice({ office, name: name ?? current.name, serviceTypes: types, lastSeen: now().toISOString() });
      await store.audit({ office, action: 'directory-update', messageId: null, detail: `${record.name} ${record.serviceTypes.join(',')}` });
      return send(res, 200, offices.entry(record));
    }
    throw new HttpError(404, 'no_route', 'そのような API はありません', 'No such API');
  }

  // Verification results are read by the relay rather than by the TLS layer's own refusal, so that a
  // revoked office is told why (403 certificate_revoked) instead of seeing its connection drop.
  const tlsOptions = () => ({
    key: opts.tls.key,
    cert: opts.tls.cert,
    ca: opts.tls.clientCa,
    ...(offices.crl ? { crl: offices.crl } : {}),
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2' as const,
  });
  const server = createServer(tlsOptions(), (req, res) => {
    const ctx = observer.begin(req, res);
    // A request that arrives on a kept-alive connection while the relay stops is told to come back.
    if (!accepting) res.setHeader('connection', 'close');
    route(req, res, ctx).catch(async (e: unknown) => {
      if (e instanceof HttpError) {
        ctx.code = e.code;
        // Every refusal is audited (rate-limit refusals excepted: a flood must not flood the log).
        if (e.status !== 429 && e.code !== 'forged_sender') {
          // A certificate refused by officeOf is logged under the office it names (a CA vouched for it).
          // The refusal itself matters more than its log line: a failing audit does not stop it.
          await store.audit({ office: ctx.office ?? offices.claimed(req), action: `refused-${e.code}`, messageId: null, detail: `${req.method} ${req.url?.slice(0, 200)}` }).catch(() => {});
        }
        if (!res.headersSent) send(res, e.status, errorResponse(e), e.headers);
        else res.destroy();
        return;
      }
      ctx.code = 'internal';
      logger.error({ reqId: ctx.id, err: (e as Error).stack ?? String(e) }, 'internal error');
      opts.log?.(`internal error: ${(e as Error).stack ?? String(e)}`);
      if (!res.headersSent) send(res, 500, { error: { code: 'internal', message: '連携サービスの内部エラーです', messageEn: 'Internal relay error' } } satisfies ErrorResponse);
      else res.destroy();
    });
  });
  // Runs before the HTTP layer sees the connection: anything the CAs do not vouch for (no
  // certificate, a foreign CA, expired, bad signature) is dropped here, as rejectUnauthorized did.
  server.prependListener('secureConnection', (socket: TLSSocket) => {
    if (!socket.authorized && !EXPLAINED_TLS_ERRORS.has(socket.authorizationError as unknown as string)) socket.destroy();
  });
  server.headersTimeout = 30_000;
  server.requestTimeout = 300_000;

  // One purge at a time per process; with PostgreSQL, processes purging together take different rows.
  let purging: Promise<string[]> | null = null;
  const purge = (): Promise<string[]> => {
    purging ??= (async () => {
      const cutoff = new Date(now().getTime() - retentionDays * 86_400_000);
      const ids = await store.purgeBefore(cutoff);
      if (ids.length) await store.audit({ office: null, action: 'purge', messageId: null, detail: `${ids.length} messages older than ${cutoff.toISOString()}` });
      return ids;
    })().finally(() => {
      purging = null;
    });
    return purging;
  };
  const purgeInBackground = () => {
    purge().catch((e: unknown) => log(`purge failed: ${(e as Error).message}`));
  };
  // Nothing is in flight yet: whatever a crash left in the payload area can go. (With PostgreSQL,
  // where other relay processes may be uploading right now, only leftovers old enough to be dead.)
  const orphans = await store.sweepOrphans();
  if (orphans.length) {
    await store.audit({ office: null, action: 'orphan-segments-removed', messageId: null, detail: orphans.join(' ').slice(0, 1000) });
    log(`removed ${orphans.length} payload file(s) no message refers to (left by a crash)`);
  }
  // In the background, in small batches: a large backlog never holds up the start or the requests.
  purgeInBackground();
  const timer = setInterval(purgeInBackground, 3_600_000);
  timer.unref();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 8443, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host ?? '127.0.0.1';
  const admin = opts.admin ? await startAdmin({ store, observer, host: opts.admin.host ?? '127.0.0.1', port: opts.admin.port, accepting: () => accepting }).catch((e: unknown) => {
    server.close();
    clearInterval(timer);
    throw e;
  }) : null;
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    server,
    purge,
    stats: () => bodies.stats(),
    setCrl(crl) {
      offices.setCrl(crl);
      server.setSecureContext(tlsOptions());
    },
    admin,
    observer,
    close: async () => {
      clearInterval(timer);
      accepting = false;
      // No new connections; idle kept-alive ones go now, busy ones when their request is answered.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      let deadline: NodeJS.Timeout | undefined;
      await Promise.race([observer.drained(), new Promise<void>((r) => (deadline = setTimeout(r, opts.drainMs ?? 10_000)))]);
      clearTimeout(deadline);
      server.closeAllConnections();
      await closed;
      await admin?.close();
      // The caller closes the store next: a purge still running finishes first.
      await purging?.catch(() => {});
    },
  };
}
