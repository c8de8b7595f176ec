// What every part of the app's back end shares: the options the shell gave, the app's folder and
// settings, the open session with its agent, the cached spool records, and what the home screen
// shows about the connection and the work in progress. One instance per office, owned by AppBackend.
import { join } from 'node:path';
import { ApiError } from '../../shared/api/methods.js';
import type { AppState, Text } from '../../shared/api/types.js';
import type { Agent } from '../agent/agent.js';
import type { Session } from '../transport/session.js';
import { Profile, type AppPrefs, type SecretStore } from './profile.js';
import type { SpoolRecords } from './spoolRecords.js';

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

/** Dropped files that were never sent are cleared after a day. */
export const STAGING_KEEP_MS = 24 * 60 * 60_000;

export const t = (ja: string, en: string): Text => ({ ja, en });

/** The open office, for a handler that needs one. */
export interface Open {
  s: Session;
  agent: Agent;
  records: SpoolRecords;
}

/** The folders a person may open, and where the agent keeps its work. */
export type OfficeFolders = Record<'export' | 'import' | 'sent' | 'errors' | 'processing' | 'quarantine', string>;

export class BackendContext {
  readonly profile: Profile;
  prefs: AppPrefs;
  session: Session | null = null;
  agent: Agent | null = null;
  /** The spool records of the open session, read through one cache by every part of the back end. */
  records: SpoolRecords | null = null;
  connection: AppState['connection'] = { state: 'unknown', checkedAt: null, error: null };
  activity: AppState['activity'] = null;

  constructor(readonly opts: BackendOptions) {
    this.profile = new Profile(opts.dataDir);
    this.prefs = this.profile.readPrefs();
  }

  need(): Open {
    if (!this.session || !this.agent || !this.records) throw new ApiError('not_ready', '事業所の設定が済んでいないか、証明書のパスワードが必要です', 'The office is not set up yet, or the certificate password is needed');
    return { s: this.session, agent: this.agent, records: this.records };
  }

  savePrefs(prefs: AppPrefs): void {
    this.prefs = prefs;
    this.profile.writePrefs(prefs);
  }

  folders(s: Session): OfficeFolders {
    const a = this.agent!.settings.folders;
    const exp = s.config.folders.export;
    return { export: exp, import: s.config.folders.import, sent: join(exp, a.sent), errors: join(exp, a.errors), processing: join(exp, a.processing), quarantine: s.spool.dir('quarantine') };
  }
}
