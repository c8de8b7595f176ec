// What the app shows about itself: the state every screen starts from, the home screen (today's
// counts and what needs a person's attention), and the background upkeep behind them — connection
// state, the relay's view of what we sent, copies of arrivals, and notifications.
import { readdirSync } from 'node:fs';
import { ApiError, type Handlers } from '../../shared/api/methods.js';
import type { AppState, AttentionItem, ErrorUnit } from '../../shared/api/types.js';
import { daysLeft } from '../../pki/certs.js';
import { EXPIRY_WARNING_DAYS } from '../../pki/pkcs12.js';
import { isSendableName } from '../check/clerkWording.js';
import type { Session } from '../transport/session.js';
import { STAGING_KEEP_MS, t, type BackendContext, type Open } from './context.js';
import { toApiError } from './errors.js';
import { kindsText, type ErrorUnits } from './errorUnits.js';
import type { History } from './history.js';
import type { Partners } from './partners.js';
import type { Receiving } from './receiving.js';
import type { SpoolRecords } from './spoolRecords.js';
import { summarizeCertificate } from './views.js';

/** Problems older than this leave the home screen (they stay in the history). */
const ATTENTION_DAYS = 14;
const DAY = 86_400_000;
/** A unit still in the outbox after this long is worth a word on the home screen. */
const STUCK_MS = 60 * 60_000;

const localDay = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

const notAvailable = () => new ApiError('not_available', 'この画面ではファイルを選ぶ画面を開けません。場所を入力するか、ファイルを選んでください', 'No file dialog here: type the path or choose the file');

export class Status {
  private seenArrivals: Set<string> | null = null;
  private warnedExpiry = false;
  private refreshing: Promise<void> | null = null;

  constructor(
    private readonly ctx: BackendContext,
    private readonly partners: Partners,
    private readonly history: History,
    private readonly receiving: Receiving,
    private readonly errors: ErrorUnits,
  ) {}

  /** A renewed certificate gets its own warning when it in turn comes near its end. */
  resetExpiryWarning(): void {
    this.warnedExpiry = false;
  }

  /** Waits for a refresh in progress (before the session it uses is closed). */
  async settle(): Promise<void> {
    await this.refreshing;
  }

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
    const { session: s, records } = this.ctx;
    if (!s || !records) return;
    try {
      await s.client.health();
      await this.partners.refresh(s);
      await this.history.refreshRelayStatus(s, records);
      this.ctx.connection = { state: 'online', checkedAt: new Date().toISOString(), error: null };
    } catch (e) {
      if (this.ctx.session !== s) return;
      const err = toApiError(e);
      this.ctx.connection = { state: 'offline', checkedAt: new Date().toISOString(), error: t(err.ja, err.en) };
    }
    if (this.ctx.session !== s) return;
    this.receiving.archiveArrivals(s, records);
    this.notifyNews(s, records);
    this.ctx.profile.dropStaleStaging(STAGING_KEEP_MS);
  }

  private notifyNews(s: Session, records: SpoolRecords): void {
    const notify = this.ctx.prefs.settings.notifications ? this.ctx.opts.notify : undefined;
    const arrivals = [...records.inbox('received'), ...records.inbox('quarantine')];
    if (this.seenArrivals === null) {
      this.seenArrivals = new Set(arrivals.map((a) => a.messageId));
    } else {
      for (const a of arrivals) {
        if (this.seenArrivals.has(a.messageId)) continue;
        this.seenArrivals.add(a.messageId);
        const who = this.partners.nameOf(a.sender.office) ?? a.sender.office;
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

  private attention({ s, agent, records }: Open): AttentionItem[] {
    const { connection } = this.ctx;
    const nameOf = this.partners.nameOf;
    const items: AttentionItem[] = [];
    const recent = (at: string) => Date.now() - new Date(at).getTime() < ATTENTION_DAYS * DAY;
    if (connection.state === 'offline') {
      items.push({ kind: 'offline', title: t('連携サービスにつながっていません', 'Not connected to the linkage service'), action: t(`ネットワークと連携サービスの URL を確かめてください。送るものは送信待ちに残り、つながると自動で送ります。${connection.error ? `（${connection.error.ja}）` : ''}`, `Check the network and the service URL. What you send waits in the queue and goes out once connected.${connection.error ? ` (${connection.error.en})` : ''}`), subject: null, at: connection.checkedAt });
    }
    const left = daysLeft(s.identity.certificate);
    if (left <= EXPIRY_WARNING_DAYS) items.push({ kind: 'certificate-expiring', title: t(`証明書の有効期限まであと ${left} 日です`, `The certificate expires in ${left} days`), action: t('新しい証明書を取得して、設定の「事業所の設定を変える」で読み込んでください', 'Obtain a new certificate and load it under "Change the office settings"'), subject: null, at: s.identity.certificate.notAfter.toISOString() });
    // One card per unit in errors/ until someone marks it 確認済み (it stays in the error view).
    for (const u of this.errors.units(s).filter((x) => !x.acknowledged)) items.push(errorCard(u));
    for (const u of agent.status.incomplete) items.push({ kind: 'incomplete-unit', title: t(`ファイルがそろっていません: ${u.files.join('・')}`, `Files missing from a unit: ${u.files.join(', ')}`), action: t(`足りないもの: ${u.missing.join(' / ')}。介護ソフトから書き出してください`, `Missing: ${u.missing.join(' / ')}. Export them from the care software`), subject: u.unit, at: u.since });
    for (const u of agent.status.held) items.push({ kind: 'send-failed', title: t(`まだ送れていません: ${u.files.join('・')}`, `Not sent yet: ${u.files.join(', ')}`), action: t(`自動でやり直します。理由: ${u.reason}`, `Retried automatically. Reason: ${u.reason}`), subject: u.unit, at: u.since });
    if (!agent.settings.autoSend) {
      const waiting = readdirSync(s.config.folders.export, { withFileTypes: true }).filter((e) => e.isFile() && isSendableName(e.name, s.catalog));
      if (waiting.length) items.push({ kind: 'unsent-export', title: t(`書き出しフォルダに送っていないファイルが ${waiting.length} 件あります`, `${waiting.length} files in the export folder are not sent`), action: t('自動送信は切ってあります。「送信」の画面で確かめて送ってください', 'Automatic sending is off: check and send them on the Send screen'), subject: null, at: null });
    }
    for (const r of records.outbox('outbox')) {
      if (Date.now() - new Date(r.createdAt).getTime() > STUCK_MS) items.push({ kind: 'send-failed', title: t(`送信待ちのままです: 連番 ${r.header.sequence}`, `Still waiting to be sent: sequence ${r.header.sequence}`), action: t(`つながれば自動で送ります。${r.lastError ? `最後のエラー: ${r.lastError}` : ''}`, `It goes out by itself once connected.${r.lastError ? ` Last error: ${r.lastError}` : ''}`), subject: r.messageId, at: r.createdAt });
    }
    for (const r of records.inbox('quarantine').filter((x) => recent(x.downloadedAt))) items.push({ kind: 'quarantined', title: t(`${nameOf(r.sender.office) ?? r.sender.office} から届いたデータを隔離しました`, `Data from ${nameOf(r.sender.office) ?? r.sender.office} was quarantined`), action: t(`送信元に連絡して送り直してもらってください。理由: ${r.reason ?? ''}`, `Ask the sender to send it again. Reason: ${r.reason ?? ''}`), subject: r.messageId, at: r.downloadedAt });
    for (const r of records.outbox('failed').filter((x) => recent(x.createdAt))) items.push({ kind: 'send-failed', title: t(`送れなかったデータがあります: 連番 ${r.header.sequence}`, `A unit could not be sent: sequence ${r.header.sequence}`), action: t(`理由: ${r.lastError ?? ''}`, `Reason: ${r.lastError ?? ''}`), subject: r.messageId, at: r.createdAt });
    return items.sort((a, b) => (b.at ?? '').localeCompare(a.at ?? ''));
  }

  /** The state every screen starts from. */
  state(): AppState {
    const { profile, opts } = this.ctx;
    const configured = profile.configured;
    const s = this.ctx.session;
    return {
      phase: !configured ? 'setup' : s ? 'ready' : 'locked',
      profile: s
        ? { office: s.config.office, serviceType: s.config.serviceType, name: s.config.name ?? '', relayUrl: s.config.relay, exportDir: s.config.folders.export, importDir: s.config.folders.import }
        : null,
      certificate: s ? summarizeCertificate(s.identity.certificate, s.identity.officeNumber) : null,
      connection: this.ctx.connection,
      activity: this.ctx.activity,
      setupDefaults: configured ? null : (opts.setupDefaults ?? null),
      demoOffices: configured ? [] : (opts.demoOffices ?? []).map(({ id, office, serviceType, name }) => ({ id, office, serviceType, name })),
      shell: opts.shell,
      // Electron's main process answers the pickers itself (native dialogs); the browser has none.
      capabilities: { pickers: opts.shell === 'electron', rememberPassword: opts.secrets.persistent === true },
      settings: this.ctx.prefs.settings,
    };
  }

  readonly handlers: Pick<Handlers, 'getState' | 'home' | 'pickFolder' | 'pickCertificate' | 'savePdf'> = {
    getState: async () => this.state(),

    // Only reached where no native dialog exists (the browser; capabilities.pickers is false there).
    pickFolder: async () => {
      throw notAvailable();
    },
    pickCertificate: async () => {
      throw notAvailable();
    },
    // The browser prints with its own dialog (「PDFに保存」 is a printer there); only Electron saves.
    savePdf: async () => {
      throw notAvailable();
    },

    home: async () => {
      const open = this.ctx.need();
      const history = this.history.entries(open.s, open.records, {});
      const today = localDay(new Date());
      const todays = history.filter((h) => localDay(new Date(h.at)) === today);
      const ack = this.errors.acknowledgedAt();
      return {
        today: {
          // Sent: the service has it. Received: it is in the import folder. The rest counts as an error.
          sent: todays.filter((h) => h.direction === 'sent' && h.status !== 'pending' && h.status !== 'failed').length,
          received: todays.filter((h) => h.direction === 'received' && h.status === 'imported').length,
          // 確認済み clears the count: only what happened since then counts.
          errors: todays.filter((h) => (h.status === 'quarantined' || h.status === 'failed') && (ack === null || h.at > ack)).length + this.errors.units(open.s).filter((u) => !u.acknowledged && localDay(new Date(u.at)) === today).length,
        },
        attention: this.attention(open),
        recent: history.slice(0, 10),
      };
    },
  };
}

/** The home screen's card for one unit in errors/: what is wrong, for whom, and what to do. */
function errorCard(u: ErrorUnit): AttentionItem {
  const first = u.problems[0];
  const who = u.people.length > 0 ? u.people.join('、') : null;
  const kinds = kindsText(u.kinds);
  const more = u.problems.length > 1 ? { ja: `（ほかに ${u.problems.length - 1} 件）`, en: ` (and ${u.problems.length - 1} more)` } : { ja: '', en: '' };
  const to = u.partner ? `${u.partner.name ?? u.partner.office}` : null;
  return {
    kind: 'file-error',
    title: t(`${who ? `${who}の分が` : ''}送れていません: ${kinds.ja}${to ? `（${to} あて）` : ''}`, `Not sent${who ? ` for ${who}` : ''}: ${kinds.en}${to ? ` (to ${to})` : ''}`),
    action: first ? t(`${first.what.ja}${more.ja}。${first.fix.ja}`, `${first.what.en}${more.en}. ${first.fix.en}`) : t('介護ソフトで直して、もう一度書き出してください', 'Fix it in the care software and export again'),
    subject: null,
    at: u.at,
  };
}
