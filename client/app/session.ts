// The office and its certificate: first setup (or a demo office in one click), unlocking with the
// certificate password, changing the profile or renewing the certificate, the settings, and the life
// cycle of the session and its agent (the same core `careplan-link agent` runs) behind all of them.
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ApiError, type Handlers } from '../../shared/api/methods.js';
import type { Settings } from '../../shared/api/types.js';
import { certsFromPem } from '../../pki/certs.js';
import { loadPkcs12, type OfficeIdentity } from '../../pki/pkcs12.js';
import { Agent } from '../agent/agent.js';
import { moveInto } from '../agent/folders.js';
import { RelayClient } from '../transport/relayClient.js';
import { openSession } from '../transport/session.js';
import { STAGING_KEEP_MS, t, type BackendContext } from './context.js';
import { toApiError } from './errors.js';
import { APP_PASSWORD_ENV } from './profile.js';
import type { Receiving } from './receiving.js';
import { SpoolRecords } from './spoolRecords.js';
import type { Status } from './status.js';
import { summarizeCertificate } from './views.js';


/** Both folders must be full paths; they are created if missing. */
function ensureFolders(dirs: string[]): void {
  for (const dir of dirs) {
    if (!isAbsolute(dir)) throw new ApiError('bad_folder', `フォルダは完全な場所で指定してください: ${dir}`, `Give the full path: ${dir}`);
    mkdirSync(dir, { recursive: true });
  }
}

export class OfficeSession {
  /** A certificate read by the setup form, kept a few minutes for its connection test. */
  private draft: { identity: OfficeIdentity; expires: number } | null = null;
  /** The certificate password of the open session, in memory only (the SecretStore may not keep it). */
  private password: string | null = null;

  constructor(
    private readonly ctx: BackendContext,
    private readonly status: Status,
    private readonly receiving: Receiving,
  ) {}

  /** Opens the office if it is configured and its password is known; otherwise the app asks. */
  async start(): Promise<void> {
    this.ctx.profile.dropStaleStaging(STAGING_KEEP_MS);
    const pw = this.ctx.opts.secrets.get();
    if (this.ctx.profile.configured && pw !== null) {
      try {
        await this.open(pw);
      } catch (e) {
        const err = toApiError(e);
        // Only a stored password that no longer opens the certificate is forgotten: the unlock screen asks again.
        if (err.code === 'P12_WRONG_PASSWORD') this.ctx.opts.secrets.clear();
        // Anything else (SPOOL_LOCKED: the CLI agent runs on this office's data; a folder out of reach)
        // keeps it, so the office opens by itself once that is over; the clerk is told what stands in the way.
        else if (this.ctx.prefs.settings.notifications) this.ctx.opts.notify?.({ kind: 'error', title: t('事業所を開けませんでした', 'The office could not be opened'), body: t(`${err.ja}${err.hint ? ` ${err.hint.ja}` : ''}`, `${err.en}${err.hint ? ` ${err.hint.en}` : ''}`) });
      }
    }
  }

  async stop(): Promise<void> {
    const { ctx } = this;
    await ctx.agent?.stop();
    ctx.agent = null;
    ctx.session?.close();
    ctx.session = null;
    ctx.records = null;
    this.draft?.identity.dispose();
    this.draft = null;
    await this.status.settle();
  }

  /**
   * Keeps the password for the next start (the clerk's 「パスワードを記憶する」) or forgets it. A choice
   * made on the setup or unlock screen becomes the saved setting, so the settings screen shows it.
   */
  private keepPassword(password: string, remember?: boolean): void {
    const { ctx } = this;
    if (remember !== undefined && remember !== ctx.prefs.settings.rememberPassword) ctx.savePrefs({ ...ctx.prefs, settings: { ...ctx.prefs.settings, rememberPassword: remember } });
    if (ctx.prefs.settings.rememberPassword) ctx.opts.secrets.set(password);
    else ctx.opts.secrets.clear();
  }

  private async open(password: string): Promise<void> {
    const { ctx } = this;
    await this.stop();
    const s = openSession(ctx.profile.configPath, { [APP_PASSWORD_ENV]: password }, 'app');
    const records = new SpoolRecords(s.spool);
    ctx.session = s;
    ctx.records = records;
    this.password = password;
    const { settings } = ctx.prefs;
    ctx.agent = new Agent(s, { autoSend: settings.autoSend, pollMs: settings.pollSeconds * 1000, ...(ctx.opts.agentTiming ?? {}) }, () => this.receiving.archiveArrivals(s, records));
    await ctx.agent.start();
    await this.status.refresh();
  }

  readonly handlers: Pick<Handlers, 'inspectCertificate' | 'checkFolder' | 'testConnection' | 'completeSetup' | 'setupDemo' | 'unlock' | 'updateProfile' | 'saveSettings'> = {
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
      const identity = this.draft && this.draft.expires > Date.now() ? this.draft.identity : this.ctx.session?.identity;
      if (!identity) throw new ApiError('no_certificate', '先に証明書を読み込んでください', 'Load the certificate first');
      const pem = trustPem.trim() || this.ctx.opts.defaultTrustPem || '';
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
      const { ctx } = this;
      // A configured office changes its settings through updateProfile, which keeps the old certificate.
      if (ctx.profile.configured) throw new ApiError('already_configured', 'この事業所はもう設定されています。変更は「設定」からしてください', 'This office is already set up; change it in the settings');
      const p12 = Buffer.from(r.p12Base64, 'base64');
      const identity = loadPkcs12(p12, r.password);
      const office = identity.officeNumber;
      identity.dispose();
      if (office !== r.office) throw new ApiError('office_mismatch', `証明書の事業所番号（${office}）と入力した事業所番号（${r.office}）が違います`, `The certificate's office number (${office}) differs from the one entered (${r.office})`);
      const trustPem = r.trustPem.trim() || ctx.opts.defaultTrustPem || '';
      if (certsFromPem(trustPem).length === 0) throw new ApiError('no_trust', '連携サービスの CA 証明書（PEM）を指定してください', 'Give the CA certificate (PEM) of the linkage service');
      ensureFolders([r.exportDir, r.importDir]);
      ctx.profile.writeOffice({ ...r, autoSend: ctx.prefs.settings.autoSend, pollSeconds: ctx.prefs.settings.pollSeconds }, p12, trustPem);
      this.keepPassword(r.password, r.remember);
      await this.open(r.password);
      return this.status.state();
    },

    setupDemo: async ({ id }) => {
      const d = this.ctx.opts.demoOffices?.find((o) => o.id === id);
      if (!d) throw new ApiError('unknown_demo', `デモ事業所がありません: ${id}`, `no such demo office: ${id}`);
      return this.handlers.completeSetup({ office: d.office, serviceType: d.serviceType, name: d.name, p12Base64: readFileSync(d.p12Path).toString('base64'), password: d.password, relayUrl: d.relayUrl, trustPem: d.trustPem, exportDir: d.exportDir, importDir: d.importDir });
    },

    unlock: async ({ password, remember }) => {
      if (!this.ctx.profile.configured) throw new ApiError('not_configured', '先に初期設定をしてください', 'Complete the setup first');
      await this.open(password);
      this.keepPassword(password, remember);
      return this.status.state();
    },

    updateProfile: async (r) => {
      const { ctx } = this;
      const { s, agent } = ctx.need();
      const renewed = r.p12Base64 !== undefined;
      const password = renewed ? (r.password ?? '') : this.password;
      if (password === null) throw new ApiError('locked', '証明書のパスワードが必要です', 'The certificate password is needed');
      const p12 = renewed ? Buffer.from(r.p12Base64!, 'base64') : readFileSync(ctx.profile.p12Path);
      if (renewed) {
        const identity = loadPkcs12(p12, password);
        const office = identity.officeNumber;
        identity.dispose();
        if (office !== s.config.office) throw new ApiError('office_mismatch', `新しい証明書の事業所番号（${office}）がこの事業所（${s.config.office}）と違います`, `The new certificate's office number (${office}) is not this office (${s.config.office})`);
      }
      const trustPem = r.trustPem.trim() || readFileSync(ctx.profile.trustPath, 'utf8');
      if (certsFromPem(trustPem).length === 0) throw new ApiError('no_trust', 'CA 証明書（PEM）を読めません', 'The CA certificate (PEM) cannot be read');
      ensureFolders([r.exportDir, r.importDir]);
      // Whatever waits for us was encrypted for the current certificate: take it in before the switch.
      if (renewed) await agent.receiveNow().catch(() => undefined);
      const old = ctx.folders(s);
      await this.stop();
      if (renewed) ctx.profile.retireCertificate(s.identity.certificate.fingerprint256);
      ctx.profile.writeOffice({ office: s.config.office, serviceType: s.config.serviceType, name: r.name, relayUrl: r.relayUrl, exportDir: r.exportDir, importDir: r.importDir, autoSend: ctx.prefs.settings.autoSend, pollSeconds: ctx.prefs.settings.pollSeconds }, p12, trustPem);
      if (old.export !== r.exportDir) {
        // What was sent from the old folder stays listed; files the agent had claimed go to the new one.
        ctx.savePrefs({ ...ctx.prefs, previousExportDirs: [...new Set([...(ctx.prefs.previousExportDirs ?? []), old.export])] });
        if (existsSync(old.processing)) for (const n of readdirSync(old.processing)) if (!n.startsWith('.')) await moveInto(join(old.processing, n), r.exportDir);
      }
      if (renewed) this.keepPassword(password);
      this.status.resetExpiryWarning();
      await this.open(password);
      return this.status.state();
    },

    saveSettings: async (patch) => {
      const { ctx } = this;
      const settings: Settings = { ...ctx.prefs.settings, ...patch };
      ctx.savePrefs({ ...ctx.prefs, settings });
      if (patch.startWithWindows !== undefined) ctx.opts.setStartWithWindows?.(settings.startWithWindows);
      // Turned on: the open session's password is kept from now on; off: it is forgotten at once.
      if (patch.rememberPassword !== undefined) {
        if (!settings.rememberPassword) ctx.opts.secrets.clear();
        else if (this.password !== null) ctx.opts.secrets.set(this.password);
      }
      // The running agent takes the change at its next pass; the config file keeps it for the CLI agent.
      if (ctx.agent) {
        ctx.agent.settings.autoSend = settings.autoSend;
        ctx.agent.settings.pollMs = settings.pollSeconds * 1000;
      }
      if (ctx.profile.configured) ctx.profile.updateAgent(settings.autoSend, settings.pollSeconds);
      return settings;
    },
  };
}
