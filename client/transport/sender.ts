// Sending: validate → sign → encrypt for the recipient → spool (outbox) → submit with the same
// message id until the relay accepts → sent/. No network call happens before the spool holds the unit.
import { existsSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';
import { LocalizedError, type LocalizedText } from '../../shared/errors.js';
import type { CheckReport } from '../../shared/report/types.js';
import { parseFileName } from '../../shared/validator/fileName.js';
import { reportHasErrors } from '../../shared/validator/index.js';
import { unitKey } from '../../shared/validator/units.js';
import { certInfo, type CertInfo } from '../../pki/certs.js';
import { buildChain, seal } from '../../pki/cms.js';
import { isRevoked } from '../../pki/crl.js';
import type { DirectoryEntry } from '../../shared/protocol/index.js';
import { mapBounded } from '../check/readFiles.js';
import { checkPaths, listCandidates } from '../check/validation.js';
import { packBundle, sha256, unitHeaderSchema, unitMessageId, type BundleFile, type UnitHeader } from './bundle.js';
import { RelayError } from './relayClient.js';
import type { Session } from './session.js';
import { faultPoint, type SpoolEntry } from './spool.js';
import { checkUnitFileSizes } from './unitSize.js';

/** The journal of one unit on its way out: spool/{outbox,sent,failed}/<messageId>.json. */
export const outboxRecordSchema = z.object({
  messageId: z.string(),
  header: unitHeaderSchema,
  files: z.array(z.string()),
  size: z.number(),
  sha256: z.string(),
  createdAt: z.string(),
  attempts: z.number(),
  lastError: z.string().nullable(),
  acceptedAt: z.string().optional(),
  relayStatus: z.string().optional(),
  /** Set when the relay refused the unit for good and it moved to failed/. */
  failedAt: z.string().optional(),
});

export type OutboxRecord = z.infer<typeof outboxRecordSchema>;

export interface PreparedUnit {
  header: UnitHeader;
  files: BundleFile[];
  paths: string[];
}

export class SendError extends LocalizedError {
  override name = 'SendError';
  constructor(text: LocalizedText) {
    super('send', text);
  }
}

/**
 * Validates files and groups them into send units. Nothing is prepared when anything has an error.
 * A unit whose files are too large to send is refused first, by their sizes (UNIT_TOO_LARGE).
 */
export async function prepareUnits(paths: string[], s: Session): Promise<{ report: CheckReport; units: PreparedUnit[] }> {
  await checkSizesByUnit(paths, s);
  // What is sent is always judged unit by unit, even a single file.
  const report = await checkPaths(paths, { catalog: s.catalog, units: true });
  if (reportHasErrors(report)) return { report, units: [] };
  return { report, units: await unitsFromReport(report, s) };
}

/** The size check of prepareUnits: the files (folders as checkPaths reads them) grouped as units by name. */
async function checkSizesByUnit(paths: string[], s: Session): Promise<void> {
  const files: string[] = [];
  for (const p of paths) {
    const st = await stat(p).catch(() => null);
    // A missing path is checkPaths's to report, as it always was.
    if (st?.isDirectory()) files.push(...(await listCandidates(p)).files);
    else if (st) files.push(p);
  }
  const units = new Map<string, string[]>();
  for (const f of files) {
    const meta = parseFileName(basename(f), s.catalog).meta;
    const key = meta ? unitKey(meta) : f;
    units.set(key, [...(units.get(key) ?? []), f]);
  }
  for (const unit of units.values()) checkUnitFileSizes(unit);
}

/**
 * The send units of a report without errors, with their files' bytes: the caller validated them once
 * (the agent judges the report itself first). A file that changed after it was validated is refused,
 * so what is signed is always what was checked. `checked`: the bytes the check read (checkPaths's
 * onBytes, by path), used as they are instead of reading the files again; a file not in it (a large
 * one, streamed) is read and compared with its checked hash.
 */
export async function unitsFromReport(report: CheckReport, s: Session, checked?: ReadonlyMap<string, Buffer>): Promise<PreparedUnit[]> {
  const units: PreparedUnit[] = [];
  const byName = new Map(report.files.map((f) => [f.name, f]));
  const groups = new Map<string, string[]>();
  for (const f of report.files) {
    if (!f.meta) continue;
    const key = `${f.meta.sender.office}_${f.meta.sender.serviceType}>${f.meta.receiver.office}_${f.meta.receiver.serviceType}#${f.meta.sequence}`;
    groups.set(key, [...(groups.get(key) ?? []), f.path]);
  }
  for (const unitPaths of groups.values()) {
    const first = byName.get(basename(unitPaths[0]!))!.meta!;
    if (first.sender.office !== s.config.office) {
      throw new SendError({ ja: `送信元の事業所番号（${first.sender.office}）が自事業所（${s.config.office}）と違います: ${basename(unitPaths[0]!)}`, en: `the sender office ${first.sender.office} is not this office ${s.config.office}` });
    }
    const files = await Promise.all(
      unitPaths.map(async (p) => {
        const name = basename(p);
        const held = checked?.get(p);
        if (held) return { name, data: held };
        const data = await readFile(p);
        const hash = byName.get(name)!.sha256;
        if (hash !== undefined && hash !== sha256(data)) throw new UnitChangedError(name);
        return { name, data };
      }),
    );
    const months = unitPaths.map((p) => byName.get(basename(p))!.meta!.serviceMonth).filter((m): m is string => m !== null && m !== '000000');
    const base = { sender: { office: first.sender.office, serviceType: first.sender.serviceType! }, receiver: { office: first.receiver.office, serviceType: first.receiver.serviceType! }, sequence: first.sequence };
    units.push({
      header: { ...base, messageId: unitMessageId(base, files), month: months[0] ?? null, kinds: [...new Set(unitPaths.map((p) => byName.get(basename(p))!.fileType!))].sort() },
      files,
      paths: unitPaths,
    });
  }
  units.sort((a, b) => a.header.sequence.localeCompare(b.header.sequence));
  return units;
}

/** A file rewritten between its check and its reading (the care software exported it again): checked again next time. */
export class UnitChangedError extends LocalizedError {
  override name = 'UnitChangedError';
  constructor(readonly file: string) {
    super('UNIT_CHANGED', { ja: `検査の後にファイルが書き換えられました。検査からやり直します: ${file}`, en: `the file changed after it was checked; it will be checked again: ${file}` });
  }
}

/**
 * 送信先の証明書（暗号化する相手）: 名簿の `current`（relay/API.md「Sender's rule」）。
 * The PEM a sender encrypts to (relay/API.md, "Sender's rule"): the entry of `certificates` marked
 * `current` — the newest of the office's certificates valid now. During a renewal overlap the office
 * holds both keys and opens with the current one, so a unit is never sealed to an older key. A relay
 * before issue 11 sends no list: then `certificate`, as before. An office with no valid certificate
 * (the list is empty: all expired, or `certificate` empty: all revoked) is refused with a reason.
 */
export function currentCertificatePem(entry: DirectoryEntry): string {
  const office = entry.office;
  if (entry.certificate === '') {
    throw new SendError({ ja: `送信先の事業所（${office}）の証明書はすべて失効しています。相手の事業所が新しい証明書で接続するまで送れません`, en: `every certificate of the receiving office ${office} has been revoked; nothing can be sent until it connects with a new certificate` });
  }
  if (!entry.certificates) return entry.certificate;
  const current = entry.certificates.find((c) => c.current);
  if (!current) {
    throw new SendError({ ja: `送信先の事業所（${office}）には今有効な証明書がありません（期限切れ）。相手の事業所に証明書の更新を確かめてください`, en: `the receiving office ${office} has no certificate valid now (expired); ask the office to renew its certificate` });
  }
  return current.pem;
}

/**
 * The recipient's certificate from the directory, accepted only if it chains to our trust anchors,
 * names the office, is valid now and is on none of our CRLs (the relay's lists may lag behind ours).
 * It is kept in the spool, so a unit for a known partner can be sealed and spooled while offline.
 */
export async function recipientCertificate(s: Session, office: string): Promise<CertInfo> {
  const cached = s.spool.partnerPath(office);
  let pem: string;
  try {
    // The answer is read through the protocol's directoryListSchema by the client (no casts).
    const { offices } = await s.client.directory({ q: office });
    const entry = offices.find((o) => o.office === office);
    if (!entry) throw new SendError({ ja: `送信先の事業所（${office}）が連携サービスの名簿にありません`, en: `the receiving office ${office} is not in the relay directory` });
    pem = currentCertificatePem(entry);
  } catch (e) {
    if (!(e instanceof RelayError && e.transient) || !existsSync(cached)) throw e;
    pem = readFileSync(cached, 'utf8');
  }
  const untrusted = () => new SendError({ ja: `送信先（${office}）の証明書を信頼できません`, en: `the certificate of the receiving office ${office} is not trusted` });
  let cert: CertInfo;
  try {
    cert = certInfo(pem);
  } catch {
    throw untrusted();
  }
  const now = new Date();
  if (cert.subject.CN !== office || !buildChain(cert, [], s.trust) || now > cert.notAfter || now < cert.notBefore) throw untrusted();
  if (isRevoked(cert, s.crls)) {
    throw new SendError({ ja: `送信先（${office}）の証明書は失効しています（CA の失効リスト）`, en: `the certificate of the receiving office ${office} has been revoked (CA revocation list)` });
  }
  if (!existsSync(cached) || readFileSync(cached, 'utf8') !== pem) s.spool.writePartner(office, pem);
  return cert;
}

/** Where a unit's recipient certificate comes from: the directory (recipientCertificate), or a pass's cache of it. */
export type RecipientLookup = (office: string) => Promise<CertInfo>;

/** A unit signed and encrypted for its recipient, with the outbox record that will commit it. */
export interface SealedUnit {
  envelope: Buffer;
  record: OutboxRecord;
}

/** Signs and encrypts a unit for its recipient; nothing is written. */
export async function sealUnit(unit: PreparedUnit, s: Session, lookup: RecipientLookup = (office) => recipientCertificate(s, office)): Promise<SealedUnit> {
  const cert = await lookup(unit.header.receiver.office);
  const envelope = await seal(packBundle(unit.header, unit.files), s.identity, cert);
  const record: OutboxRecord = {
    messageId: unit.header.messageId,
    header: unit.header,
    files: unit.files.map((f) => f.name),
    size: envelope.length,
    sha256: sha256(envelope),
    createdAt: new Date().toISOString(),
    attempts: 0,
    lastError: null,
  };
  return { envelope, record };
}

/** The spool files of a sealed unit: the envelope, then its record (the commit marker). */
export function outboxFiles({ envelope, record }: SealedUnit): [SpoolEntry, SpoolEntry] {
  return [
    { state: 'outbox', name: `${record.messageId}.cms`, data: envelope },
    { state: 'outbox', name: `${record.messageId}.json`, data: JSON.stringify(record, null, 2) },
  ];
}

/** Signs, encrypts and spools a unit. Returns its message id; spooling the same unit again is a no-op. */
export async function spoolUnit(unit: PreparedUnit, s: Session): Promise<{ messageId: string; state: 'spooled' | 'already-spooled' | 'already-sent' }> {
  const id = unit.header.messageId;
  if (s.spool.exists('sent', `${id}.json`)) return { messageId: id, state: 'already-sent' };
  if (s.spool.exists('outbox', `${id}.json`)) return { messageId: id, state: 'already-spooled' };
  for (const f of outboxFiles(await sealUnit(unit, s))) s.spool.write(f.state, f.name, f.data);
  faultPoint('after-spool');
  return { messageId: id, state: 'spooled' };
}

export interface FlushResult {
  accepted: OutboxRecord[];
  failed: (OutboxRecord & { reason: string })[];
  pending: OutboxRecord[];
}

export interface FlushOptions {
  maxAttempts?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Only these message ids (the units just spooled); the rest of the backlog is left for the next flush. */
  only?: string[];
  /** How many submits may wait for the relay at once (default 1: one after the other). */
  inFlight?: number;
  /** Envelopes the caller just sealed and spooled, by message id: sent from memory, not read back from the outbox. */
  envelopes?: ReadonlyMap<string, Buffer>;
}

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A refusal the relay will give again however often the unit is sent (4xx: too large, malformed, not
 * this office's to send): the unit moves to failed/ and is never shown as sent. Not so a timeout
 * (408), the rate limit (429), the relay's own trouble (5xx), the network, or a receiver the relay
 * does not know (404) — an office may register later, as the agent holds a unit for an office not in
 * the directory; those stay in the outbox and are tried again.
 */
export function isPermanentRefusal(e: RelayError): boolean {
  if (e.transient || e.status === 408) return false;
  if (e.status === 404 && e.code === 'unknown_receiver') return false;
  return e.status >= 400 && e.status < 500;
}

type Outcome = 'accepted' | 'failed' | 'pending';

/**
 * Submits everything in the outbox, oldest sequence first, retrying with backoff and the same id;
 * `inFlight` submits at a time. What the relay decided is committed to the spool at the end as one
 * group commit (records rewritten, then moved to sent/ or failed/, each folder fsynced once): a crash
 * before it leaves the units in the outbox, sent again with the same id, which the relay recognises.
 */
export async function flushOutbox(s: Session, opts: FlushOptions = {}): Promise<FlushResult> {
  const only = opts.only ? new Set(opts.only) : null;
  const ids = s.spool.list('outbox').filter((id) => !only || only.has(id));
  // A damaged record stops the flush with a SpoolRecordError naming it, as an unreadable one always did.
  const records = ids.map((id) => s.spool.readRecord('outbox', `${id}.json`, outboxRecordSchema));
  records.sort((a, b) => a.header.sequence.localeCompare(b.header.sequence) || a.messageId.localeCompare(b.messageId));
  const outcomes = await mapBounded(records, opts.inFlight ?? 1, (record) => submitRecord(s, record, opts).catch((e: unknown) => interruptedMove(record, e)));
  const result: FlushResult = { accepted: [], failed: [], pending: [] };
  records.forEach((record, i) => {
    if (outcomes[i] === 'accepted') result.accepted.push(record);
    else if (outcomes[i] === 'failed') result.failed.push({ ...record, reason: record.lastError ?? '' });
    else result.pending.push(record);
  });
  const failedAt = new Date().toISOString();
  const rewritten = [...result.accepted, ...result.failed.map(({ reason: _reason, ...r }) => ({ ...r, failedAt })), ...result.pending];
  await s.spool.writeBatch([rewritten.map((r) => ({ state: 'outbox' as const, name: `${r.messageId}.json`, data: JSON.stringify(r, null, 2) }))]);
  const files = (rs: OutboxRecord[]) => rs.flatMap((r) => [`${r.messageId}.cms`, `${r.messageId}.json`]);
  await s.spool.moveBatch([
    { from: 'outbox', to: 'sent', names: files(result.accepted) },
    { from: 'outbox', to: 'failed', names: files(result.failed) },
  ]);
  return result;
}

/**
 * A record whose envelope is gone from the outbox: a crash cut its move to sent/ or failed/ short
 * between the envelope and the record (moveBatch moves several entries at once). The record was
 * rewritten with the relay's decision before the move, so that decision stands and the move is
 * finished with the others; anything else is thrown as before.
 */
function interruptedMove(record: OutboxRecord, e: unknown): Outcome {
  if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  if (record.failedAt) return 'failed';
  if (record.acceptedAt) return 'accepted';
  throw e;
}

/** Submits one record until the relay decides or the attempts run out; the record says what happened. */
async function submitRecord(s: Session, record: OutboxRecord, opts: FlushOptions): Promise<Outcome> {
  const sleep = opts.sleep ?? wait;
  const id = record.messageId;
  const envelope = opts.envelopes?.get(id) ?? (await readFile(s.spool.path('outbox', `${id}.cms`)));
  let delay = opts.backoffMs ?? 500;
  for (let attempt = 1; ; attempt++) {
    record.attempts++;
    try {
      let accepted;
      try {
        accepted = (await s.client.submit({ messageId: id, sender: record.header.sender, receiver: record.header.receiver, sequence: record.header.sequence, month: record.header.month, kinds: record.header.kinds, files: record.files, sha256: record.sha256 }, envelope)).message;
      } catch (e) {
        // The relay has this id with other bytes: an earlier run of ours got it accepted before the spool
        // was rewritten. Our own earlier message is as good as this one.
        if (!(e instanceof RelayError && e.status === 409)) throw e;
        accepted = await s.client.message(id);
        if (accepted.sender.office !== s.config.office) throw e;
      }
      faultPoint('after-accept');
      record.acceptedAt = new Date().toISOString();
      record.relayStatus = accepted.status;
      record.lastError = null;
      return 'accepted';
    } catch (e) {
      const err = e instanceof RelayError ? e : new RelayError(0, 'error', String((e as Error).message), String((e as Error).message));
      record.lastError = `${err.ja} / ${err.en}`;
      if (isPermanentRefusal(err)) return 'failed';
      if (attempt >= (opts.maxAttempts ?? 5)) return 'pending';
      await sleep(Math.max(err.retryAfterMs ?? 0, delay));
      delay = Math.min(delay * 2, opts.maxBackoffMs ?? 30_000);
    }
  }
}
