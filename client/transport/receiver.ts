// Receiving: download → decrypt → verify the sender → validate → write into the import folder in
// sequence order per sender (tmp + rename, never a half file) → signed receipt. Every step is
// journaled in the spool, so a crash at any point resumes without loss or a second import.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { cleanTmp, ensurePrivateDir, ORPHAN_TMP_AGE_MS, renameWithRetrySync, writeDurable } from '../../platform/fs.js';
import { asLocalizedError } from '../../shared/errors.js';
import { formatText } from '../../shared/report/formatText.js';
import { buildReport, reportHasErrors, validateBytes } from '../../shared/validator/index.js';
import { open as openEnvelope } from '../../pki/cms.js';
import { IdentityError } from '../../pki/errors.js';
import { decodeMs932 } from '../check/ms932.js';
import { checkContentOffices, checkFileNames, checkNameOffices, directorySigners, isSpecFileName, Quarantine } from './arrivalChecks.js';
import { sha256, unitHeaderSchema, unpackBundle, type BundleFile } from './bundle.js';
import { RateLimitGate, type RateLimitOptions } from './rateLimit.js';
import { makeReceipt } from './receipts.js';
import { RelayError, type RelayMessage } from './relayClient.js';
import type { Session } from './session.js';
import { faultPoint } from './spool.js';

export const inboxStateSchema = z.enum(['downloaded', 'imported', 'quarantined']);
export type InboxState = z.infer<typeof inboxStateSchema>;

/** The journal of one arrival (spool/{inbox,received,quarantine}/<messageId>.json): the unit's header, then what became of it. */
export const inboxRecordSchema = unitHeaderSchema.extend({
  sha256: z.string(),
  state: inboxStateSchema,
  importedFiles: z.array(z.string()),
  /** Files whose staged copy was being renamed into the import folder (see importFile). */
  importing: z.array(z.string()).default([]),
  files: z.array(z.string()),
  signer: z.string().nullable(),
  signingTime: z.string().nullable(),
  reason: z.string().nullable(),
  receipts: z.array(z.string()),
  downloadedAt: z.string(),
});

export type InboxRecord = z.infer<typeof inboxRecordSchema>;

export interface ReceiveSummary {
  imported: { messageId: string; sender: string; sequence: string; files: string[] }[];
  quarantined: { messageId: string; sender: string; sequence: string; reason: string }[];
  pending: { messageId: string; error: string }[];
}

export interface ReceiveOptions {
  /** How to wait when the relay answers 429 (Retry-After), and for how long at most. */
  rateLimit?: RateLimitOptions;
}

/** One receive run: the session, the gate every relay call goes through, and what the directory said. */
interface Run {
  s: Session;
  relay: <T>(call: () => Promise<T>) => Promise<T>;
  /**
   * 送信元ごとに名簿が認める証明書（受信1回分だけ保持。更新後の新しい証明書を次の受信で認めるため）。
   * Per sender office, the fingerprints the directory vouches for (null: not listed). Kept for one run
   * only: the agent keeps its session for days, and a sender that renews meanwhile must be
   * recognised by its new certificate (a cache for the session's life refused it until a restart).
   */
  signers: Map<string, Set<string> | null>;
}

/** What versions before the file layer left when killed mid-write: <spec name>.<message id, 8>.part. */
const OLD_PART = /^[A-Za-z0-9_]+\.(?:CSV|csv|jpg|JPG)\.[A-Za-z0-9_-]{1,8}\.part$/;

/**
 * Removes what a receive killed mid-write left in the import folder, so the care software never sees
 * it and it does not pile up: only our tmp names, only old enough not to be a write in progress.
 */
function clearHalfWritten(s: Session): void {
  try {
    cleanTmp(s.config.folders.import, ORPHAN_TMP_AGE_MS, Date.now(), (name) => OLD_PART.test(name));
  } catch {
    // An unreadable import folder shows itself when a file is written there; this is only tidying.
  }
}

/** Fetches what is waiting at the relay into the spool, then processes the spool in order. */
export async function receiveAll(s: Session, options: ReceiveOptions = {}): Promise<ReceiveSummary> {
  clearHalfWritten(s);
  const gate = new RateLimitGate(options.rateLimit);
  const run: Run = { s, relay: (call) => gate.run(call), signers: new Map() };
  const summary: ReceiveSummary = { imported: [], quarantined: [], pending: [] };
  let after = 0;
  const listed: RelayMessage[] = [];
  for (;;) {
    const page = await run.relay(() => s.client.inbox(after, 200));
    listed.push(...page.messages);
    if (page.messages.length === 0) break;
    after = page.next;
  }
  for (const m of listed) {
    const name = `${m.messageId}.json`;
    if (s.spool.exists('inbox', name) || s.spool.exists('received', name) || s.spool.exists('quarantine', name)) continue;
    try {
      await download(run, m);
    } catch (e) {
      summary.pending.push({ messageId: m.messageId, error: (e as Error).message });
    }
  }
  // A damaged record stops the receive with a SpoolRecordError naming it, as an unreadable one always did.
  const records = s.spool.list('inbox').map((id) => s.spool.readRecord('inbox', `${id}.json`, inboxRecordSchema));
  records.sort((a, b) => a.sender.office.localeCompare(b.sender.office) || a.sequence.localeCompare(b.sequence) || a.messageId.localeCompare(b.messageId));
  for (const r of records) {
    try {
      await processRecord(run, r, summary);
    } catch (e) {
      summary.pending.push({ messageId: r.messageId, error: (e as Error).message });
    }
  }
  return summary;
}

async function download({ s, relay }: Run, m: RelayMessage): Promise<void> {
  const { payload } = await relay(() => s.client.download(m.messageId));
  if (sha256(payload) !== m.sha256) throw new Error(`download incomplete: hash mismatch for ${m.messageId}`);
  const record: InboxRecord = {
    messageId: m.messageId,
    sender: m.sender,
    receiver: m.receiver,
    sequence: m.sequence,
    month: m.month,
    kinds: m.kinds,
    sha256: m.sha256,
    state: 'downloaded',
    importedFiles: [],
    importing: [],
    files: m.files,
    signer: null,
    signingTime: null,
    reason: null,
    receipts: [],
    downloadedAt: new Date().toISOString(),
  };
  s.spool.write('inbox', `${m.messageId}.cms`, payload);
  s.spool.write('inbox', `${m.messageId}.json`, JSON.stringify(record, null, 2));
  faultPoint('after-download');
}

/** Fingerprints of the sender's certificates the relay directory vouches for now (null: not listed). */
async function listedSigners({ s, relay, signers }: Run, office: string): Promise<Set<string> | null> {
  if (!signers.has(office)) {
    // The answer is read through the protocol's directoryListSchema by the client (no casts).
    const { offices } = await relay(() => s.client.directory({ q: office }));
    const entry = offices.find((o) => o.office === office);
    signers.set(office, entry ? directorySigners(entry, new Date(), s.crls) : null);
  }
  return signers.get(office)!;
}

function save(s: Session, r: InboxRecord): void {
  s.spool.write('inbox', `${r.messageId}.json`, JSON.stringify(r, null, 2));
}

/** Decrypts and checks a downloaded unit; any problem becomes a Quarantine with a readable reason. */
async function openUnit(run: Run, r: InboxRecord): Promise<BundleFile[]> {
  const s = run.s;
  const envelope = s.spool.read('inbox', `${r.messageId}.cms`);
  let opened;
  try {
    opened = await openEnvelope(envelope, s.identity, s.trust, undefined, s.crls);
  } catch (e) {
    if (e instanceof IdentityError) throw new Quarantine(e.messageJa, e.messageEn);
    throw e;
  }
  const v = opened.verification;
  r.signer = v.signer?.subject ?? null;
  r.signingTime = v.signingTime ?? null;
  // 失効した証明書の署名は、署名時刻にかかわらず認めない（時刻は署名者の自己申告）。
  // Revoked is said apart from other signature failures: the office must learn why, and tell the sender.
  if (v.status === 'revoked') {
    throw new Quarantine(`送信元の証明書は失効しています: ${v.messageJa}`, `The sender's certificate has been revoked: ${v.messageEn}`);
  }
  if (!v.valid || !opened.content) throw new Quarantine(`送信元の署名を確認できません: ${v.messageJa}`, `The sender's signature does not verify: ${v.messageEn}`);
  if (v.signer?.officeNumber !== r.sender.office) {
    throw new Quarantine(`署名した事業所（${v.signer?.officeNumber ?? '?'}）が送信元（${r.sender.office}）と違います`, `Signed by office ${v.signer?.officeNumber ?? '?'}, not by the sender ${r.sender.office}`);
  }
  // The signer must also be one of the certificates the directory holds for the sender.
  const listed = await listedSigners(run, r.sender.office);
  if (listed && listed.size === 0) {
    throw new Quarantine(
      `連携サービスの名簿に送信元（${r.sender.office}）の今有効な証明書がありません（期限切れまたは失効）`,
      `The relay directory holds no certificate of the sender ${r.sender.office} that is valid now (expired or revoked)`,
    );
  }
  if (listed && !listed.has(v.signer.fingerprint256)) {
    throw new Quarantine('署名した証明書が連携サービスの名簿にある送信元の証明書と違います', "The signing certificate is not the one the relay directory holds for the sender");
  }
  let unit;
  try {
    unit = unpackBundle(opened.content);
  } catch (e) {
    // A BundleError says what is wrong with the content; anything else still quarantines the unit.
    const why = asLocalizedError(e);
    throw new Quarantine(`送信単位の中身が壊れています: ${why.ja}`, `The unit content is broken: ${why.en}`);
  }
  const h = unit.header;
  if (h.messageId !== r.messageId || h.sender.office !== r.sender.office || h.receiver.office !== s.config.office || h.sequence !== r.sequence) {
    throw new Quarantine('署名された中身と連携サービスの情報（送信元・送信先・連番）が一致しません', 'The signed content does not match the relay metadata (sender, receiver, sequence)', unit.files);
  }
  // Names first: they become paths on this machine, and they say who sent the file to whom.
  // The signer is the relay's sender (checked above): every file must speak for that office.
  const parties = { signer: r.sender.office, me: s.config.office };
  checkFileNames(unit.files, s.catalog);
  checkNameOffices(unit.files, s.catalog, parties);
  const results = unit.files.map((f) => validateBytes(f.name, f.data, { catalog: s.catalog, decoder: decodeMs932 }));
  const report = buildReport(results, s.catalog, { units: true });
  if (reportHasErrors(report)) {
    throw new Quarantine('受け取ったファイルが標準仕様に合っていません（詳細は 理由.txt）', 'The received files do not conform to the standard spec (see reason.txt)', unit.files, formatText(report));
  }
  // The records' sender columns are read once the validator has found the files well formed.
  checkContentOffices(unit.files, s.catalog, parties);
  return unit.files;
}

/**
 * Keeps the unit's files and the reason in spool/quarantine/<messageId>/ for a person to look at.
 * Only files with spec names are written there: any other name could be a path or a device.
 */
function writeQuarantine(s: Session, r: InboxRecord, q: Quarantine): void {
  const dir = s.spool.path('quarantine', r.messageId);
  ensurePrivateDir(dir);
  for (const f of q.files) if (isSpecFileName(f.name, s.catalog)) writeDurable(join(dir, f.name), f.data);
  const reason = [
    `理由: ${q.ja}`,
    `Reason: ${q.en}`,
    `送信元 / sender: ${r.sender.office} (${r.sender.serviceType})  連番 / sequence: ${r.sequence}  メッセージ / message: ${r.messageId}`,
    '',
    q.report ?? '',
  ].join('\n');
  writeDurable(join(dir, '理由.txt'), reason);
  writeDurable(join(dir, 'reason.txt'), reason);
}

/**
 * Marks the unit quarantined. The decision stands even when its folder cannot be written (disk full,
 * something in the way): the problem goes into the record's reason, and the unit is still finished —
 * moved out of the inbox and answered with a quarantined receipt — instead of being retried for ever.
 */
function quarantine(s: Session, r: InboxRecord, q: Quarantine): void {
  let unsaved = '';
  try {
    writeQuarantine(s, r, q);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    unsaved = ` [隔離フォルダに保存できませんでした / could not be saved in the quarantine folder: ${why}]`;
  }
  r.state = 'quarantined';
  r.reason = `${q.ja} / ${q.en}${unsaved}`;
  save(s, r);
}

/** 'write', or 'done' when the very same file is already there (imported before the journal caught up). */
function importTarget(s: Session, f: BundleFile): 'write' | 'done' {
  const target = join(s.config.folders.import, f.name);
  if (!existsSync(target)) return 'write';
  if (sha256(readFileSync(target)) === sha256(f.data)) return 'done';
  throw new Quarantine(`取込フォルダに同じ名前の別のファイルがあります（上書きしません）: ${f.name}`, `A different file of the same name is in the import folder (not overwritten): ${f.name}`, [f]);
}

/** The staged copy of an arriving file, beside its target: named from the message and the file so a recovery finds it. */
function stagedPath(s: Session, r: InboxRecord, name: string): string {
  return join(s.config.folders.import, `.cpl-staged-${sha256(`${r.messageId}/${name}`).slice(0, 16)}`);
}

/**
 * Writes one file into the import folder: whole or not at all, and exactly once. The file is staged
 * beside its target (written durably), the journal notes the hand-over, then one rename (retried
 * while the care software or antivirus holds the folder on Windows) hands it over. A receiver killed
 * after the rename but before the journal said "imported" must not hand the file over again: the
 * care software may already have taken it out of the folder, so "is it there?" cannot tell. The
 * staged copy can: it is gone exactly when the rename happened (a soak run caught a duplicate here).
 * The import folder is the hand-over to the care software, maybe under another account: the file
 * gets the mode any program would give it there (0666 less the umask), not the spool's 0600.
 */
function importFile(s: Session, r: InboxRecord, f: BundleFile): void {
  const target = join(s.config.folders.import, f.name);
  const staged = stagedPath(s, r, f.name);
  if (r.importing.includes(f.name)) {
    if (existsSync(staged)) renameWithRetrySync(staged, target);
    return;
  }
  if (importTarget(s, f) === 'done') return;
  writeDurable(staged, f.data, { mode: 0o666 });
  r.importing.push(f.name);
  save(s, r);
  faultPoint('before-handover');
  renameWithRetrySync(staged, target);
  faultPoint('after-handover');
}

/** Final dispositions: once one has been given, the other is never given for the same message. */
const FINAL: readonly string[] = ['imported', 'quarantined'];

async function sendReceipt({ s, relay }: Run, r: InboxRecord, disposition: 'received' | 'imported' | 'quarantined'): Promise<void> {
  if (r.receipts.includes(disposition)) return;
  // A message told "imported" is never told "quarantined" afterwards (nor the reverse): the sender
  // keeps the first final receipt as evidence, and the relay's status must not go back.
  if (FINAL.includes(disposition) && r.receipts.some((given) => FINAL.includes(given))) return;
  const { statement, signature } = makeReceipt(s.identity, { messageId: r.messageId, sha256: r.sha256, disposition, reason: disposition === 'quarantined' ? r.reason : null });
  try {
    await relay(() => s.client.receipt(r.messageId, statement, signature));
  } catch (e) {
    // 409 receipt_final（連携サービスには既に別の最終受領証がある）: この送信単位は完了として扱う。
    // 409 receipt_final: the relay already holds the other final receipt (another PC of this office
    // answered first). The first final outcome stands for good (relay/API.md, "Message states"), so
    // asking again can never succeed: the unit is done here, with this PC's own outcome kept in its
    // journal. The receipt is not recorded as given, since the relay did not take it.
    if (e instanceof RelayError && e.status === 409 && e.code === 'receipt_final') return;
    throw e;
  }
  r.receipts.push(disposition);
  save(s, r);
}

async function processRecord(run: Run, r: InboxRecord, summary: ReceiveSummary): Promise<void> {
  const s = run.s;
  if (r.state === 'downloaded') {
    let files: BundleFile[];
    try {
      files = await openUnit(run, r);
      await sendReceipt(run, r, 'received');
      mkdirSync(s.config.folders.import, { recursive: true });
      // Check every target first: a unit goes in whole or is quarantined whole.
      for (const f of files) if (!r.importedFiles.includes(f.name) && !r.importing.includes(f.name)) importTarget(s, f);
      for (const f of files) {
        if (r.importedFiles.includes(f.name)) continue;
        importFile(s, r, f);
        r.importedFiles.push(f.name);
        save(s, r);
        faultPoint('mid-import');
      }
      r.state = 'imported';
      save(s, r);
      faultPoint('after-import');
    } catch (e) {
      if (!(e instanceof Quarantine)) throw e;
      quarantine(s, r, e);
    }
  }
  if (r.state === 'imported') {
    await sendReceipt(run, r, 'imported');
    s.spool.move('inbox', 'received', [`${r.messageId}.cms`, `${r.messageId}.json`]);
    summary.imported.push({ messageId: r.messageId, sender: r.sender.office, sequence: r.sequence, files: r.importedFiles });
  } else if (r.state === 'quarantined') {
    await sendReceipt(run, r, 'quarantined');
    s.spool.move('inbox', 'quarantine', [`${r.messageId}.cms`, `${r.messageId}.json`]);
    summary.quarantined.push({ messageId: r.messageId, sender: r.sender.office, sequence: r.sequence, reason: r.reason ?? '' });
  }
}
