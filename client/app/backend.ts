// The desktop app's back end: the handlers behind every method of the typed app API. Electron's main
// process (over IPC) and the web bridge (over HTTP on 127.0.0.1) both call these, with payloads
// already checked against shared/api/methods.ts. It runs the same core as `careplan-link agent` —
// the agent itself does the watching, sending and receiving; this adds what a person asks for.
import { randomUUID } from 'node:crypto';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { ApiError, type Handlers } from '../../shared/api/methods.js';
import type {
  AppState,
  Arrival,
  AttentionItem,
  CertificateSummary,
  ComparisonCandidate,
  DocumentEntry,
  HistoryEntry,
  HistoryFilter,
  Partner,
  SendOutcome,
  Settings,
  Text,
  ValidationView,
} from '../../shared/api/types.js';
import { newestEdition } from '../../shared/spec/model.js';
import { comparePlanActual, ticketGrids, ticketLines } from '../../shared/ticket/ticket.js';
import { readRecords } from '../../shared/ticket/records.js';
import { parseFileName } from '../../shared/validator/fileName.js';
import { Agent } from '../agent/agent.js';
import { moveInto } from '../agent/folders.js';
import { certsFromPem, daysLeft, type CertInfo } from '../../pki/certs.js';
import { IdentityError } from '../../pki/errors.js';
import { checkUsable, EXPIRY_WARNING_DAYS, loadPkcs12, type OfficeIdentity } from '../../pki/pkcs12.js';
import { decodeMs932 } from '../check/ms932.js';
import { ConfigError } from '../transport/config.js';
import { checkReceipt } from '../transport/receipts.js';
import type { InboxRecord } from '../transport/receiver.js';
import { RelayClient, RelayError, type RelayMessage } from '../transport/relayClient.js';
import { flushOutbox, prepareUnits, SendError, spoolUnit, type OutboxRecord } from '../transport/sender.js';
import { openSession, type Session } from '../transport/session.js';
import { writeDurable } from '../transport/spool.js';
import { InputError, checkPaths, listCandidates } from '../check/validation.js';
import { APP_PASSWORD_ENV, Profile, type AppPrefs, type SecretStore } from './profile.js';
import { arrivalOf, documentView, historyCsv, validationView } from './views.js';

export interface DemoOfficeOffer {
  id: string;
  office: string;
  serviceType: string;
  name: string;
  p12Path: string;
  password: string;
  relayUrl: string;
  trustPem: string;
  exportDir: string;
  importDir: string;
}

export type AppEvent = { kind: 'arrival' | 'error' | 'certificate-expiring'; title: Text; body: Text };

export interface BackendOptions {
  dataDir: string;
  shell: 'electron' | 'browser';
  secrets: SecretStore;
  /** CA certificates to trust when the setup form leaves them empty (the embedded relay's CA). */
  defaultTrustPem?: string;
  /** What the setup form suggests. */
  setupDefaults?: { relayUrl: string; exportDir: string; importDir: string };
  demoOffices?: DemoOfficeOffer[];
  /** Opens a folder for the user (Electron: shell.openPath). */
  openPath?: (path: string) => Promise<boolean>;
  /** OS notifications (Electron); the browser shows the same on the home screen. */
  notify?: (e: AppEvent) => void;
  /** Start with Windows (Electron: app.setLoginItemSettings). */
  setStartWithWindows?: (on: boolean) => void;
  /** Agent timing overrides (tests). */
  agentTiming?: { settleMs?: number; rescanMs?: number };
}

const t = (ja: string, en: string): Text => ({ ja, en });

/** Every failure a handler can meet becomes an ApiError with both languages. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e instanceof IdentityError) return new ApiError(e.code, e.messageJa, e.messageEn);
  if (e instanceof ConfigError) return new ApiError('config', e.ja, e.en);
  if (e instanceof RelayError) return new ApiError(`relay_${e.code}`, e.ja, e.en);
  if (e instanceof SendError) return new ApiError('send', e.ja, e.en);
  const x = e as { ja?: unknown; en?: unknown };
  if (typeof x?.ja === 'string' && typeof x.en === 'string') return new ApiError('error', x.ja, x.en);
  if (e instanceof InputError) {
    const [ja, en] = e.message.split(' / ');
    return new ApiError('input', ja ?? e.message, en ?? e.message);
  }
  return new ApiError('internal', `処理中に問題が起きました: ${(e as Error).message ?? String(e)}`, `Something went wrong: ${(e as Error).message ?? String(e)}`);
}

function summarizeCertificate(cert: CertInfo, officeNumber: string): CertificateSummary {
  let problem: Text | null = null;
  try {
    checkUsable(cert);
  } catch (e) {
    if (!(e instanceof IdentityError)) throw e;
    problem = t(e.messageJa, e.messageEn);
  }
  const left = daysLeft(cert);
  return {
    officeNumber,
    subject: cert.subjectText,
    issuer: cert.issuerText,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    daysLeft: left,
    expiringSoon: left <= EXPIRY_WARNING_DAYS,
    usable: problem === null,
    problem,
    fingerprint: cert.fingerprint256,
  };
}

/** Problems older than this leave the home screen (they stay in the history). */
const ATTENTION_DAYS = 14;
const DAY = 86_400_000;
/** A unit still in the outbox after this long is worth a word on the home screen. */
const STUCK_MS = 60 * 60_000;

/** Where a sent unit's story ends on the relay. */
const FINAL = new Set(['imported', 'quarantined']);

const localDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

interface DocFile {
  ref: { source: 'arrival' | 'sent'; file: string };
  path: string;
  at: string;
}

export class AppBackend {
  readonly profile: Profile;
  private prefs: AppPrefs;
  private session: Session | null = null;
  private agent: Agent | null = null;
  private draft: { identity: OfficeIdentity; expires: number } | null = null;
  private connection: AppState['connection'] = { state: 'unknown', checkedAt: null, error: null };
  private activity: AppState['activity'] = null;
  private directory = new Map<string, { name: string; serviceTypes: string[]; lastSeen: string }>();
  private directoryAt = 0;
  /** The relay's view of what we sent, kept in the app's folder so history shows receipts offline too. */
  private relayStatus = new Map<string, RelayMessage>();
  /** Receipt checks are CMS verifications: each receipt is checked once. */
  private receiptChecks = new Map<string, boolean>();
  private seenArrivals: Set<string> | null = null;
  private warnedExpiry = false;
  /** The certificate password of the open session, in memory only (the SecretStore may not keep it). */
  private password: string | null = null;
  private refreshing: Promise<void> | null = null;

  constructor(private readonly opts: BackendOptions) {
    this.profile = new Profile(opts.dataDir);
    this.prefs = this.profile.readPrefs();
    this.relayStatus = new Map(Object.entries(this.profile.readRelayStatus<RelayMessage>()));
  }

  /** Opens the office if it is configured and its password is known; otherwise the app asks. */
  async start(): Promise<void> {
    this.profile.dropStaleStaging(24 * 60 * 60_000);
    const pw = this.opts.secrets.get();
    if (this.profile.configured && pw !== null) {
      try {
        await this.open(pw);
      } catch {
        // A stored password that no longer opens the file: the unlock screen asks again.
        this.opts.secrets.clear();
      }
    }
  }

  async stop(): Promise<void> {
    await this.agent?.stop();
    this.agent = null;
    this.session?.close();
    this.session = null;
    this.draft?.identity.dispose();
    this.draft = null;
    await this.refreshing;
  }

  private async open(password: string): Promise<void> {
    await this.stop();
    const s = openSession(this.profile.configPath, { [APP_PASSWORD_ENV]: password });
    this.session = s;
    this.password = password;
    this.agent = new Agent(s, { autoSend: this.prefs.settings.autoSend, pollMs: this.prefs.settings.pollSeconds * 1000, ...(this.opts.agentTiming ?? {}) }, () => this.archiveArrivals(s));
    await this.agent.start();
    await this.refresh();
  }

  private need(): { s: Session; agent: Agent } {
    if (!this.session || !this.agent) throw new ApiError('not_ready', '事業所の設定が済んでいないか、証明書のパスワードが必要です', 'The office is not set up yet, or the certificate password is needed');
    return { s: this.session, agent: this.agent };
  }

  /** Asks the directory for offices whose names we have not seen yet (best effort: names are a courtesy). */
  private async learnNames(s: Session, offices: string[]): Promise<void> {
    const unknown = [...new Set(offices)].filter((o) => o !== s.config.office && !this.directory.has(o));
    if (unknown.length === 0) return;
    try {
      const { offices: found } = await s.client.directory({});
      for (const o of found) this.directory.set(o.office, { name: o.name, serviceTypes: o.serviceTypes, lastSeen: o.lastSeen });
    } catch {
      /* offline: the office number alone will do */
    }
  }

  private nameOf = (office: string): string | null => {
    if (this.session && office === this.session.config.office) return this.session.config.name ?? null;
    return this.directory.get(office)?.name ?? this.opts.demoOffices?.find((d) => d.office === office)?.name ?? null;
  };

  /**
   * Background upkeep, called every few seconds by the shell: connection state, the relay's view
   * of what we sent, names from the directory, copies of arrivals, and notifications.
   */
  refresh(): Promise<void> {
    // One at a time: a slow or offline relay must not pile up refreshes that overwrite newer answers.
    this.refreshing ??= this.refreshOnce().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async refreshOnce(): Promise<void> {
    const s = this.session;
    if (!s) return;
    try {
      await s.client.health();
      if (Date.now() - this.directoryAt > 60_000) {
        const { offices } = await s.client.directory({});
        for (const o of offices) this.directory.set(o.office, { name: o.name, serviceTypes: o.serviceTypes, lastSeen: o.lastSeen });
        this.directoryAt = Date.now();
      }
      // Only messages whose story is not finished yet are asked about again.
      let changed = false;
      for (const r of this.outboxRecords(s, 'sent')) {
        const known = this.relayStatus.get(r.messageId);
        if (known && FINAL.has(known.status) && known.receipts.some((x) => x.disposition === known.status)) continue;
        try {
          this.relayStatus.set(r.messageId, await s.client.message(r.messageId));
          changed = true;
        } catch (e) {
          // Purged by the relay's retention: what we knew stays.
          if (!(e instanceof RelayError && e.status === 404)) throw e;
        }
      }
      if (changed) this.profile.writeRelayStatus(Object.fromEntries(this.relayStatus));
      this.connection = { state: 'online', checkedAt: new Date().toISOString(), error: null };
    } catch (e) {
      if (this.session !== s) return;
      const err = toApiError(e);
      this.connection = { state: 'offline', checkedAt: new Date().toISOString(), error: t(err.ja, err.en) };
    }
    if (this.session !== s) return;
    this.archiveArrivals(s);
    this.notifyNews(s);
    this.profile.dropStaleStaging(24 * 60 * 60_000);
  }

  private archiveArrivals(s: Session): void {
    for (const r of this.inboxRecords(s, 'received')) {
      const dir = this.profile.archiveDir(r.messageId);
      for (const f of r.importedFiles) {
        const src = join(s.config.folders.import, f);
        const dst = join(dir, f);
        if (existsSync(dst) || !existsSync(src)) continue;
        mkdirSync(dir, { recursive: true });
        copyFileSync(src, dst);
      }
    }
  }

  private notifyNews(s: Session): void {
    const notify = this.prefs.settings.notifications ? this.opts.notify : undefined;
    const arrivals = [...this.inboxRecords(s, 'received'), ...this.inboxRecords(s, 'quarantine')];
    if (this.seenArrivals === null) {
      this.seenArrivals = new Set(arrivals.map((a) => a.messageId));
    } else {
      for (const a of arrivals) {
        if (this.seenArrivals.has(a.messageId)) continue;
        this.seenArrivals.add(a.messageId);
        const who = this.nameOf(a.sender.office) ?? a.sender.office;
        if (a.state === 'quarantined') notify?.({ kind: 'error', title: t('受け取ったデータを隔離しました', 'An arrival was quarantined'), body: t(`${who}: ${a.reason ?? ''}`, `${who}: ${a.reason ?? ''}`) });
        else notify?.({ kind: 'arrival', title: t('新しいデータが届きました', 'New data arrived'), body: t(`${who} から ${a.kinds.join('・')}`, `${a.kinds.join(', ')} from ${who}`) });
      }
    }
    const c = s.identity.certificate;
    if (!this.warnedExpiry && daysLeft(c) <= EXPIRY_WARNING_DAYS) {
      this.warnedExpiry = true;
      notify?.({ kind: 'certificate-expiring', title: t('証明書の有効期限が近づいています', 'The certificate expires soon'), body: t(`あと ${daysLeft(c)} 日です。新しい証明書を用意してください。`, `${daysLeft(c)} days left. Prepare a new certificate.`) });
    }
  }

  private inboxRecords(s: Session, state: 'inbox' | 'received' | 'quarantine'): InboxRecord[] {
    return s.spool.list(state).map((id) => s.spool.readJson<InboxRecord>(state, `${id}.json`));
  }

  private outboxRecords(s: Session, state: 'outbox' | 'sent' | 'failed'): OutboxRecord[] {
    return s.spool.list(state).map((id) => s.spool.readJson<OutboxRecord>(state, `${id}.json`));
  }

  private folders(s: Session) {
    const a = this.agent!.settings.folders;
    const exp = s.config.folders.export;
    return { export: exp, import: s.config.folders.import, sent: join(exp, a.sent), errors: join(exp, a.errors), processing: join(exp, a.processing), quarantine: s.spool.dir('quarantine') };
  }

  // ——— the handlers ———

  readonly handlers: Handlers = {
    getState: async () => this.state(),

    inspectCertificate: async ({ p12Base64, password }) => {
      const identity = loadPkcs12(Buffer.from(p12Base64, 'base64'), password, { requireUsable: false });
      // Kept a few minutes for the setup's connection test, then dropped.
      this.draft?.identity.dispose();
      this.draft = { identity, expires: Date.now() + 10 * 60_000 };
      return summarizeCertificate(identity.certificate, identity.officeNumber);
    },

    checkFolder: async ({ path, create }) => {
      if (!isAbsolute(path)) return { path, exists: false, writable: false, created: false, message: t('フォルダは C:\\… のような完全な場所で指定してください', 'Give the full path of the folder') };
      let created = false;
      if (!existsSync(path) && create) {
        mkdirSync(path, { recursive: true });
        created = true;
      }
      if (!existsSync(path) || !statSync(path).isDirectory()) return { path, exists: false, writable: false, created, message: t('フォルダがありません', 'The folder does not exist') };
      let writable = true;
      try {
        accessSync(path, constants.W_OK);
      } catch {
        writable = false;
      }
      return { path, exists: true, writable, created, message: writable ? t(created ? 'フォルダを作りました' : 'フォルダを使えます', created ? 'Folder created' : 'The folder can be used') : t('このフォルダには書き込めません', 'This folder is not writable') };
    },

    testConnection: async ({ relayUrl, trustPem }) => {
      const identity = this.draft && this.draft.expires > Date.now() ? this.draft.identity : this.session?.identity;
      if (!identity) throw new ApiError('no_certificate', '先に証明書を読み込んでください', 'Load the certificate first');
      const pem = trustPem.trim() || this.opts.defaultTrustPem || '';
      const client = new RelayClient({ url: relayUrl, identity, trustPem: pem, timeoutMs: 10_000 });
      try {
        const h = await client.health();
        return { ok: true, office: h.office, message: t(`接続できました（事業所番号 ${h.office} として認証されました）`, `Connected (authenticated as office ${h.office})`) };
      } catch (e) {
        const err = toApiError(e);
        return { ok: false, office: null, message: t(err.ja, err.en) };
      } finally {
        client.close();
      }
    },

    completeSetup: async (r) => {
      // A configured office changes its settings through updateProfile, which keeps the old certificate.
      if (this.profile.configured) throw new ApiError('already_configured', 'この事業所はもう設定されています。変更は「設定」からしてください', 'This office is already set up; change it in the settings');
      const p12 = Buffer.from(r.p12Base64, 'base64');
      const identity = loadPkcs12(p12, r.password);
      const office = identity.officeNumber;
      identity.dispose();
      if (office !== r.office) throw new ApiError('office_mismatch', `証明書の事業所番号（${office}）と入力した事業所番号（${r.office}）が違います`, `The certificate's office number (${office}) differs from the one entered (${r.office})`);
      const trustPem = r.trustPem.trim() || this.opts.defaultTrustPem || '';
      if (certsFromPem(trustPem).length === 0) throw new ApiError('no_trust', '連携サービスの CA 証明書（PEM）を指定してください', 'Give the CA certificate (PEM) of the linkage service');
      for (const dir of [r.exportDir, r.importDir]) {
        if (!isAbsolute(dir)) throw new ApiError('bad_folder', `フォルダは完全な場所で指定してください: ${dir}`, `Give the full path: ${dir}`);
        mkdirSync(dir, { recursive: true });
      }
      this.profile.writeOffice({ ...r, autoSend: this.prefs.settings.autoSend, pollSeconds: this.prefs.settings.pollSeconds }, p12, trustPem);
      this.opts.secrets.set(r.password);
      await this.open(r.password);
      return this.state();
    },

    setupDemo: async ({ id }) => {
      const d = this.opts.demoOffices?.find((o) => o.id === id);
      if (!d) throw new ApiError('unknown_demo', `デモ事業所がありません: ${id}`, `no such demo office: ${id}`);
      return this.handlers.completeSetup({ office: d.office, serviceType: d.serviceType, name: d.name, p12Base64: readFileSync(d.p12Path).toString('base64'), password: d.password, relayUrl: d.relayUrl, trustPem: d.trustPem, exportDir: d.exportDir, importDir: d.importDir });
    },

    unlock: async ({ password }) => {
      if (!this.profile.configured) throw new ApiError('not_configured', '先に初期設定をしてください', 'Complete the setup first');
      await this.open(password);
      this.opts.secrets.set(password);
      return this.state();
    },

    updateProfile: async (r) => {
      const { s, agent } = this.need();
      const renewed = r.p12Base64 !== undefined;
      const password = renewed ? (r.password ?? '') : this.password;
      if (password === null) throw new ApiError('locked', '証明書のパスワードが必要です', 'The certificate password is needed');
      const p12 = renewed ? Buffer.from(r.p12Base64!, 'base64') : readFileSync(this.profile.p12Path);
      if (renewed) {
        const identity = loadPkcs12(p12, password);
        const office = identity.officeNumber;
        identity.dispose();
        if (office !== s.config.office) throw new ApiError('office_mismatch', `新しい証明書の事業所番号（${office}）がこの事業所（${s.config.office}）と違います`, `The new certificate's office number (${office}) is not this office (${s.config.office})`);
      }
      const trustPem = r.trustPem.trim() || readFileSync(this.profile.trustPath, 'utf8');
      if (certsFromPem(trustPem).length === 0) throw new ApiError('no_trust', 'CA 証明書（PEM）を読めません', 'The CA certificate (PEM) cannot be read');
      for (const dir of [r.exportDir, r.importDir]) {
        if (!isAbsolute(dir)) throw new ApiError('bad_folder', `フォルダは完全な場所で指定してください: ${dir}`, `Give the full path: ${dir}`);
        mkdirSync(dir, { recursive: true });
      }
      // Whatever waits for us was encrypted for the current certificate: take it in before the switch.
      if (renewed) await agent.receiveNow().catch(() => undefined);
      const old = this.folders(s);
      await this.stop();
      if (renewed) this.profile.retireCertificate(s.identity.certificate.fingerprint256);
      this.profile.writeOffice({ office: s.config.office, serviceType: s.config.serviceType, name: r.name, relayUrl: r.relayUrl, exportDir: r.exportDir, importDir: r.importDir, autoSend: this.prefs.settings.autoSend, pollSeconds: this.prefs.settings.pollSeconds }, p12, trustPem);
      if (old.export !== r.exportDir) {
        // What was sent from the old folder stays listed; files the agent had claimed go to the new one.
        this.prefs = { ...this.prefs, previousExportDirs: [...new Set([...(this.prefs.previousExportDirs ?? []), old.export])] };
        this.profile.writePrefs(this.prefs);
        if (existsSync(old.processing)) for (const n of readdirSync(old.processing)) if (!n.startsWith('.')) await moveInto(join(old.processing, n), r.exportDir);
      }
      if (renewed) this.opts.secrets.set(password);
      this.warnedExpiry = false;
      await this.open(password);
      return this.state();
    },

    home: async () => {
      const { s } = this.need();
      const history = this.historyEntries(s, {});
      const today = localDay(new Date());
      const todays = history.filter((h) => localDay(new Date(h.at)) === today);
      return {
        today: {
          // Sent: the service has it. Received: it is in the import folder. The rest counts as an error.
          sent: todays.filter((h) => h.direction === 'sent' && h.status !== 'pending' && h.status !== 'failed').length,
          received: todays.filter((h) => h.direction === 'received' && h.status === 'imported').length,
          errors: todays.filter((h) => h.status === 'quarantined' || h.status === 'failed').length + this.errorReports(s).filter((e) => localDay(new Date(e.at)) === today).length,
        },
        attention: this.attention(s),
        recent: history.slice(0, 10),
      };
    },

    listExportFiles: async () => {
      const { s } = this.need();
      const { files, ignored } = await listCandidates(s.config.folders.export);
      const spec = files.filter((f) => parseFileName(basename(f), s.catalog).meta !== null);
      if (spec.length === 0) return { batchId: null, files: [], units: [], ignored: ignored.map((i) => basename(i)), sendable: false, report: emptyReport(s) };
      const report = await checkPaths(spec, { catalog: s.catalog, units: true });
      await this.learnNames(s, report.units.flatMap((u) => [u.sender.office, u.receiver.office]));
      return validationView(report, null, this.nameOf, s.config.office);
    },

    validateUploads: async ({ files }) => {
      const { s } = this.need();
      const batchId = randomUUID();
      const dir = join(this.profile.stagingDir, batchId);
      mkdirSync(dir, { recursive: true });
      for (const f of files) {
        const target = join(dir, f.name);
        if (existsSync(target)) throw new ApiError('duplicate_name', `同じ名前のファイルが2つあります: ${f.name}`, `Two files have the same name: ${f.name}`);
        // Written with the spool's durable write: a half file never passes for a whole one.
        writeDurable(target, Buffer.from(f.base64, 'base64'), this.profile.tmp);
      }
      const report = await checkPaths(files.map((f) => join(dir, f.name)), { catalog: s.catalog, units: true });
      await this.learnNames(s, report.units.flatMap((u) => [u.sender.office, u.receiver.office]));
      return validationView(report, batchId, this.nameOf, s.config.office);
    },

    sendStaged: async ({ batchId }) => {
      const { s } = this.need();
      const dir = join(this.profile.stagingDir, batchId);
      if (!existsSync(dir)) throw new ApiError('unknown_batch', 'このファイルはもう送信したか、見つかりません。もう一度選んでください', 'These files were already sent or are gone; choose them again');
      const paths = readdirSync(dir).sort().map((n) => join(dir, n));
      const result = await this.sendPaths(s, paths);
      if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true, force: true });
      return result;
    },

    sendExportFiles: async ({ names }) => {
      const { s } = this.need();
      const paths = names.map((n) => join(s.config.folders.export, n));
      for (const p of paths) if (!existsSync(p)) throw new ApiError('gone', `書き出しフォルダにもうありません（自動送信で送られた可能性があります）: ${basename(p)}`, `No longer in the export folder (perhaps sent automatically): ${basename(p)}`);
      return this.sendPaths(s, paths);
    },

    listArrivals: async () => {
      const { s } = this.need();
      return this.arrivals(s);
    },

    receiveNow: async () => {
      const { agent } = this.need();
      this.activity = { label: t('受信しています', 'Receiving'), done: 0, total: 0 };
      try {
        const r = await agent.receiveNow();
        await this.refresh();
        const n = r.imported.length;
        const q = r.quarantined.length;
        const message =
          n + q === 0 && r.pending.length === 0
            ? t('新しく届いたものはありません', 'Nothing new')
            : t(`${n} 件を取り込みました${q ? `・${q} 件を隔離しました` : ''}${r.pending.length ? `・${r.pending.length} 件は次回やり直します` : ''}`, `${n} imported${q ? `, ${q} quarantined` : ''}${r.pending.length ? `, ${r.pending.length} to retry` : ''}`);
        return { imported: n, quarantined: q, pending: r.pending.length, message };
      } finally {
        this.activity = null;
      }
    },

    openFolder: async ({ which }) => {
      const { s } = this.need();
      const path = this.folders(s)[which];
      mkdirSync(path, { recursive: true });
      const opened = this.opts.openPath ? await this.opts.openPath(path) : false;
      return { path, opened };
    },

    listDocuments: async () => {
      const { s } = this.need();
      return this.documents(s).map((d): DocumentEntry => {
        const meta = parseFileName(d.ref.file, s.catalog).meta!;
        const partner = d.ref.source === 'sent' ? meta.receiver.office : meta.sender.office;
        return { ref: d.ref, fileType: meta.kind, title: meta.title, partner: `${this.nameOf(partner) ?? ''} ${partner}`.trim(), month: meta.serviceMonth, at: d.at };
      });
    },

    openDocument: async (ref) => {
      const { s } = this.need();
      const doc = this.documents(s).find((d) => d.ref.source === ref.source && d.ref.file === ref.file);
      if (!doc) throw new ApiError('no_document', `ファイルが見つかりません: ${ref.file}`, `File not found: ${ref.file}`);
      const meta = parseFileName(ref.file, s.catalog).meta;
      if (!meta || meta.extension.toUpperCase() !== 'CSV') throw new ApiError('not_csv', 'この種類のファイルは表示できません', 'This kind of file cannot be shown');
      return documentView(ref.file, meta.kind, readFileSync(doc.path), s.catalog);
    },

    listComparisons: async () => {
      const { s } = this.need();
      return this.comparisons(s);
    },

    compare: async (r) => {
      const { s } = this.need();
      const c = this.comparisons(s).find((x) => x.planFile === r.planFile && x.actualFile === r.actualFile && x.insurer === r.insurer && x.insured === r.insured && x.month === r.month);
      if (!c) throw new ApiError('no_comparison', '比べる予定と実績が見つかりません', 'No plan and actuals to compare');
      const docs = this.documents(s);
      const lines = (file: string) => ticketLines(readRecords(readFileSync(docs.find((d) => d.ref.file === file)!.path), decodeMs932)).filter((l) => l.insurer === r.insurer && l.insured === r.insured && l.month === r.month);
      const actual = lines(c.actualFile);
      const providers = new Set(actual.map((l) => l.provider));
      const plan = lines(c.planFile).filter((l) => providers.has(l.provider));
      const comparison = comparePlanActual(plan, actual)[0] ?? { insurer: r.insurer, insured: r.insured, month: r.month, differences: [], planUnits: 0, actualUnits: 0 };
      return { candidate: c, comparison, planGrid: ticketGrids(plan)[0] ?? null, actualGrid: ticketGrids(actual)[0] ?? null };
    },

    searchPartners: async ({ query, serviceType, favouritesOnly }) => {
      const { s } = this.need();
      const { offices } = await s.client.directory({ ...(query.trim() ? { q: query.trim() } : {}), ...(serviceType ? { type: serviceType } : {}) });
      for (const o of offices) this.directory.set(o.office, { name: o.name, serviceTypes: o.serviceTypes, lastSeen: o.lastSeen });
      const fav = new Set(this.prefs.favourites);
      const list: Partner[] = offices.filter((o) => o.office !== s.config.office).map((o) => ({ office: o.office, name: o.name, serviceTypes: o.serviceTypes, onService: true, favourite: fav.has(o.office), lastSeen: o.lastSeen }));
      list.sort((a, b) => Number(b.favourite) - Number(a.favourite) || a.office.localeCompare(b.office));
      return favouritesOnly ? list.filter((p) => p.favourite) : list;
    },

    setFavourite: async ({ office, favourite }) => {
      const set = new Set(this.prefs.favourites);
      if (favourite) set.add(office);
      else set.delete(office);
      this.prefs = { ...this.prefs, favourites: [...set].sort() };
      this.profile.writePrefs(this.prefs);
      return this.handlers.searchPartners({ query: '' });
    },

    history: async (filter) => {
      const { s } = this.need();
      return this.historyEntries(s, filter);
    },

    historyCsv: async (filter) => {
      const { s } = this.need();
      const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
      return { fileName: `careplan-link-履歴-${s.config.office}-${stamp}.csv`, csv: historyCsv(this.historyEntries(s, filter)) };
    },

    saveSettings: async (patch) => {
      const settings: Settings = { ...this.prefs.settings, ...patch };
      this.prefs = { ...this.prefs, settings };
      this.profile.writePrefs(this.prefs);
      if (patch.startWithWindows !== undefined) this.opts.setStartWithWindows?.(settings.startWithWindows);
      // The running agent takes the change at its next pass; the config file keeps it for the CLI agent.
      if (this.agent) {
        this.agent.settings.autoSend = settings.autoSend;
        this.agent.settings.pollMs = settings.pollSeconds * 1000;
      }
      if (this.profile.configured) this.profile.updateAgent(settings.autoSend, settings.pollSeconds);
      return settings;
    },
  };

  private state(): AppState {
    const configured = this.profile.configured;
    const s = this.session;
    return {
      phase: !configured ? 'setup' : s ? 'ready' : 'locked',
      profile: s
        ? { office: s.config.office, serviceType: s.config.serviceType, name: s.config.name ?? '', relayUrl: s.config.relay, exportDir: s.config.folders.export, importDir: s.config.folders.import }
        : null,
      certificate: s ? summarizeCertificate(s.identity.certificate, s.identity.officeNumber) : null,
      connection: this.connection,
      activity: this.activity,
      setupDefaults: configured ? null : (this.opts.setupDefaults ?? null),
      demoOffices: configured ? [] : (this.opts.demoOffices ?? []).map(({ id, office, serviceType, name }) => ({ id, office, serviceType, name })),
      shell: this.opts.shell,
      settings: this.prefs.settings,
    };
  }

  /** Validate → sign → encrypt → spool → submit, between the agent's passes; originals to sent/YYYYMM/. */
  private async sendPaths(s: Session, paths: string[]) {
    const result = await this.agent!.exclusive(async () => {
      this.activity = { label: t('ファイルを検査しています', 'Checking the files'), done: 0, total: paths.length };
      try {
        const { report, units } = await prepareUnits(paths, s);
        const validation = validationView(report, null, this.nameOf, s.config.office);
        if (units.length === 0) {
          const outcomes: SendOutcome[] = validation.units.map((u) => ({ unit: u.key, partner: u.partner.office, messageId: null, state: 'invalid', message: t('エラーがあるため送信しません。介護ソフトで直して出力し直してください', 'Not sent: fix the errors in the care software and export again') }));
          return { outcomes, validation };
        }
        const outcomes: SendOutcome[] = [];
        const month = new Date().toISOString().slice(0, 7).replace('-', '');
        const sentDir = join(this.folders(s).sent, month);
        for (const [i, u] of units.entries()) {
          this.activity = { label: t('署名・暗号化して送っています', 'Signing, encrypting and sending'), done: i, total: units.length };
          const key = `${u.header.sender.office}#${u.header.receiver.office}#${u.header.sequence}`;
          const partner = u.header.receiver.office;
          let r: Awaited<ReturnType<typeof spoolUnit>>;
          try {
            r = await spoolUnit(u, s);
          } catch (e) {
            // This unit could not be sealed (its receiver is not on the service, or offline and unknown);
            // the others go on. Its files stay where they are, to be sent again.
            const err = toApiError(e);
            outcomes.push({ unit: key, partner, messageId: null, state: 'failed', message: t(`送れませんでした: ${err.ja}`, `Not sent: ${err.en}`) });
            continue;
          }
          // Only this unit, one try: a backlog in the outbox is the agent's to retry, not the person's to wait for.
          const flushed = r.state === 'already-sent' ? null : await flushOutbox(s, { maxAttempts: 1, only: [r.messageId] });
          const accepted = r.state === 'already-sent' || flushed!.accepted.some((a) => a.messageId === r.messageId);
          const failed = flushed?.failed.find((f) => f.messageId === r.messageId);
          if (accepted) outcomes.push({ unit: key, partner, messageId: r.messageId, state: 'accepted', message: t('連携サービスが受け付けました', 'Accepted by the linkage service') });
          else if (failed) outcomes.push({ unit: key, partner, messageId: r.messageId, state: 'failed', message: t(`送れませんでした: ${failed.reason}`, `Not sent: ${failed.reason}`) });
          else outcomes.push({ unit: key, partner, messageId: r.messageId, state: 'queued', message: t('送信待ちに入れました。つながったら自動で送ります', 'Queued: it goes out by itself once connected') });
          // The unit is safe in the spool now: the originals are kept, never deleted.
          if (!failed) for (const p of u.paths) if (existsSync(p)) await moveInto(p, sentDir);
        }
        return { outcomes, validation };
      } finally {
        this.activity = null;
      }
    });
    await this.refresh();
    return result;
  }

  private arrivals(s: Session): Arrival[] {
    const records = [...this.inboxRecords(s, 'received'), ...this.inboxRecords(s, 'quarantine'), ...this.inboxRecords(s, 'inbox')];
    return records.map((r) => arrivalOf(r, this.nameOf)).sort((a, b) => b.receivedAt.localeCompare(a.receivedAt) || b.sequence.localeCompare(a.sequence));
  }

  private errorReports(s: Session): { name: string; at: string }[] {
    const dir = this.folders(s).errors;
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((n) => n.endsWith('.errors.json'))
      .map((n) => ({ name: n.slice(0, -'.errors.json'.length), at: statSync(join(dir, n)).mtime.toISOString() }));
  }

  private attention(s: Session): AttentionItem[] {
    const items: AttentionItem[] = [];
    const recent = (at: string) => Date.now() - new Date(at).getTime() < ATTENTION_DAYS * DAY;
    if (this.connection.state === 'offline') {
      items.push({ kind: 'offline', title: t('連携サービスにつながっていません', 'Not connected to the linkage service'), action: t(`ネットワークと連携サービスの URL を確かめてください。送るものは送信待ちに残り、つながると自動で送ります。${this.connection.error ? `（${this.connection.error.ja}）` : ''}`, `Check the network and the service URL. What you send waits in the queue and goes out once connected.${this.connection.error ? ` (${this.connection.error.en})` : ''}`), subject: null, at: this.connection.checkedAt });
    }
    const left = daysLeft(s.identity.certificate);
    if (left <= EXPIRY_WARNING_DAYS) items.push({ kind: 'certificate-expiring', title: t(`証明書の有効期限まであと ${left} 日です`, `The certificate expires in ${left} days`), action: t('新しい証明書を取得して、設定の「事業所の設定を変える」で読み込んでください', 'Obtain a new certificate and load it under "Change the office settings"'), subject: null, at: s.identity.certificate.notAfter.toISOString() });
    // A file in errors/ stays a problem until someone takes it out of there.
    for (const e of this.errorReports(s)) items.push({ kind: 'file-error', title: t(`エラーのため送っていません: ${e.name}`, `Not sent because of errors: ${e.name}`), action: t('エラーの内容（errors フォルダの .errors.txt）を見て、介護ソフトで直して出力し直してください', 'Read the errors (.errors.txt in the errors folder), fix them in the care software and export again'), subject: e.name, at: e.at });
    for (const u of this.agent?.status.incomplete ?? []) items.push({ kind: 'incomplete-unit', title: t(`ファイルがそろっていません: ${u.files.join('・')}`, `Files missing from a unit: ${u.files.join(', ')}`), action: t(`足りないもの: ${u.missing.join(' / ')}。介護ソフトから書き出してください`, `Missing: ${u.missing.join(' / ')}. Export them from the care software`), subject: u.unit, at: u.since });
    for (const u of this.agent?.status.held ?? []) items.push({ kind: 'send-failed', title: t(`まだ送れていません: ${u.files.join('・')}`, `Not sent yet: ${u.files.join(', ')}`), action: t(`自動でやり直します。理由: ${u.reason}`, `Retried automatically. Reason: ${u.reason}`), subject: u.unit, at: u.since });
    if (this.agent && !this.agent.settings.autoSend) {
      const waiting = readdirSync(s.config.folders.export, { withFileTypes: true }).filter((e) => e.isFile() && parseFileName(e.name, s.catalog).meta !== null);
      if (waiting.length) items.push({ kind: 'unsent-export', title: t(`書き出しフォルダに送っていないファイルが ${waiting.length} 件あります`, `${waiting.length} files in the export folder are not sent`), action: t('自動送信は切ってあります。「送信」の画面で確かめて送ってください', 'Automatic sending is off: check and send them on the Send screen'), subject: null, at: null });
    }
    for (const r of this.outboxRecords(s, 'outbox')) {
      if (Date.now() - new Date(r.createdAt).getTime() > STUCK_MS) items.push({ kind: 'send-failed', title: t(`送信待ちのままです: 連番 ${r.header.sequence}`, `Still waiting to be sent: sequence ${r.header.sequence}`), action: t(`つながれば自動で送ります。${r.lastError ? `最後のエラー: ${r.lastError}` : ''}`, `It goes out by itself once connected.${r.lastError ? ` Last error: ${r.lastError}` : ''}`), subject: r.messageId, at: r.createdAt });
    }
    for (const r of this.inboxRecords(s, 'quarantine').filter((x) => recent(x.downloadedAt))) items.push({ kind: 'quarantined', title: t(`${this.nameOf(r.sender.office) ?? r.sender.office} から届いたデータを隔離しました`, `Data from ${this.nameOf(r.sender.office) ?? r.sender.office} was quarantined`), action: t(`送信元に連絡して送り直してもらってください。理由: ${r.reason ?? ''}`, `Ask the sender to send it again. Reason: ${r.reason ?? ''}`), subject: r.messageId, at: r.downloadedAt });
    for (const r of this.outboxRecords(s, 'failed').filter((x) => recent(x.createdAt))) items.push({ kind: 'send-failed', title: t(`送れなかったデータがあります: 連番 ${r.header.sequence}`, `A unit could not be sent: sequence ${r.header.sequence}`), action: t(`理由: ${r.lastError ?? ''}`, `Reason: ${r.lastError ?? ''}`), subject: r.messageId, at: r.createdAt });
    return items.sort((a, b) => (b.at ?? '').localeCompare(a.at ?? ''));
  }

  /** A receipt is a CMS signature: checked once, then remembered (receipts do not change). */
  private receiptValid(s: Session, r: OutboxRecord, x: RelayMessage['receipts'][number]): boolean {
    const key = `${r.messageId}|${x.disposition}|${x.at}|${x.signature.slice(-24)}`;
    let ok = this.receiptChecks.get(key);
    if (ok === undefined) {
      ok = checkReceipt(x, { messageId: r.messageId, sha256: r.sha256, receiver: r.header.receiver.office }, s.trust).valid;
      this.receiptChecks.set(key, ok);
    }
    return ok;
  }

  private historyEntries(s: Session, f: HistoryFilter): HistoryEntry[] {
    const out: HistoryEntry[] = [];
    const sent: [OutboxRecord, HistoryEntry['status']][] = [
      ...this.outboxRecords(s, 'outbox').map((r): [OutboxRecord, HistoryEntry['status']] => [r, 'pending']),
      ...this.outboxRecords(s, 'sent').map((r): [OutboxRecord, HistoryEntry['status']] => [r, 'queued']),
      ...this.outboxRecords(s, 'failed').map((r): [OutboxRecord, HistoryEntry['status']] => [r, 'failed']),
    ];
    for (const [r, localStatus] of sent) {
      const remote = localStatus === 'queued' ? this.relayStatus.get(r.messageId) : undefined;
      const checks = remote ? remote.receipts.map((x) => this.receiptValid(s, r, x)) : [];
      out.push({
        at: r.acceptedAt ?? r.createdAt,
        direction: 'sent',
        messageId: r.messageId,
        partner: { office: r.header.receiver.office, name: this.nameOf(r.header.receiver.office) },
        kinds: r.header.kinds,
        month: r.header.month,
        sequence: r.header.sequence,
        files: r.files,
        status: remote?.status ?? localStatus,
        receipt: checks.length === 0 ? 'none' : checks.every(Boolean) ? 'verified' : 'invalid',
        detail: r.lastError,
      });
    }
    for (const r of [...this.inboxRecords(s, 'received'), ...this.inboxRecords(s, 'quarantine'), ...this.inboxRecords(s, 'inbox')]) {
      out.push({
        at: r.downloadedAt,
        direction: 'received',
        messageId: r.messageId,
        partner: { office: r.sender.office, name: this.nameOf(r.sender.office) },
        kinds: r.kinds,
        month: r.month,
        sequence: r.sequence,
        files: r.importedFiles.length ? r.importedFiles : r.files,
        status: r.state,
        receipt: r.receipts.length ? 'given' : 'none',
        detail: r.reason,
      });
    }
    const text = f.text?.trim().toLowerCase();
    return out
      .filter((e) => !f.direction || e.direction === f.direction)
      .filter((e) => !f.partner || e.partner.office.includes(f.partner))
      .filter((e) => !f.month || e.month === f.month)
      .filter((e) => !text || [e.partner.office, e.partner.name ?? '', e.kinds.join(' '), e.files.join(' '), e.status, e.messageId, e.detail ?? ''].join(' ').toLowerCase().includes(text))
      .sort((a, b) => b.at.localeCompare(a.at));
  }

  /** Files a person can open: what we sent (sent/YYYYMM/) and what arrived (archive, import folder, quarantine). */
  private documents(s: Session): DocFile[] {
    const docs: DocFile[] = [];
    const seen = new Set<string>();
    const add = (source: 'arrival' | 'sent', path: string) => {
      const file = basename(path);
      const key = `${source}:${file}`;
      if (seen.has(key) || !/\.csv$/i.test(file) || parseFileName(file, s.catalog).meta === null) return;
      seen.add(key);
      docs.push({ ref: { source, file }, path, at: statSync(path).mtime.toISOString() });
    };
    const sentRoots = [this.folders(s).sent, ...(this.prefs.previousExportDirs ?? []).map((d) => join(d, this.agent!.settings.folders.sent))];
    for (const sentRoot of sentRoots) {
      if (!existsSync(sentRoot)) continue;
      for (const m of readdirSync(sentRoot).sort().reverse()) if (statSync(join(sentRoot, m)).isDirectory()) for (const n of readdirSync(join(sentRoot, m))) add('sent', join(sentRoot, m, n));
    }
    for (const r of this.inboxRecords(s, 'received')) {
      for (const f of r.importedFiles) {
        const archived = join(this.profile.archiveDir(r.messageId), f);
        const inImport = join(s.config.folders.import, f);
        if (existsSync(archived)) add('arrival', archived);
        else if (existsSync(inImport)) add('arrival', inImport);
      }
    }
    for (const id of s.spool.list('quarantine')) {
      const dir = s.spool.path('quarantine', id);
      if (existsSync(dir) && statSync(dir).isDirectory()) for (const n of readdirSync(dir)) add('arrival', join(dir, n));
    }
    return docs.sort((a, b) => b.at.localeCompare(a.at));
  }

  /**
   * Pairs a planned ticket (UPPLAN) with returned actuals (UPJSK) per user and month, between the same
   * two offices: for each user the newest actuals, against the newest plan that has that user in it
   * (a correction sent for one user must not become everyone's plan).
   */
  private comparisons(s: Session): ComparisonCandidate[] {
    const parsed = this.documents(s).flatMap((d) => {
      const meta = parseFileName(d.ref.file, s.catalog).meta!;
      if (meta.kind !== 'UPPLAN' && meta.kind !== 'UPJSK') return [];
      let users: Set<string>;
      try {
        users = new Set(ticketLines(readRecords(readFileSync(d.path), decodeMs932)).map((l) => `${l.insurer}|${l.insured}|${l.month}`));
      } catch {
        return [];
      }
      const pair = [meta.sender.office, meta.receiver.office].sort().join('|');
      return [{ d, meta, pair, users }];
    });
    const newestFirst = (x: (typeof parsed)[number], y: (typeof parsed)[number]) => y.meta.sequence.localeCompare(x.meta.sequence);
    const plans = parsed.filter((x) => x.meta.kind === 'UPPLAN').sort(newestFirst);
    const actuals = parsed.filter((x) => x.meta.kind === 'UPJSK').sort(newestFirst);
    const out: ComparisonCandidate[] = [];
    const seen = new Set<string>();
    for (const a of actuals) {
      const partner = a.meta.sender.office === s.config.office ? a.meta.receiver.office : a.meta.sender.office;
      for (const user of [...a.users].sort()) {
        const key = `${a.pair}|${user}`;
        if (seen.has(key)) continue;
        const plan = plans.find((p) => p.pair === a.pair && p.users.has(user));
        if (!plan) continue;
        seen.add(key);
        const [insurer, insured, month] = user.split('|') as [string, string, string];
        out.push({ partner: { office: partner, name: this.nameOf(partner) }, month, insurer, insured, planFile: plan.d.ref.file, actualFile: a.d.ref.file });
      }
    }
    return out;
  }
}

function emptyReport(s: Session): ValidationView['report'] {
  const m = newestEdition(s.catalog).manifest;
  return {
    files: [],
    units: [],
    summary: { files: 0, validFiles: 0, invalidFiles: 0, units: 0, validUnits: 0, invalidUnits: 0, errors: 0, warnings: 0, byCode: {}, ignored: [], specEdition: m.specEdition, csvVersion: m.csvVersion, validator: 'careplan-link' },
  };
}
