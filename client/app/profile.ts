// The desktop app's own folder (Electron's userData, or --data in the browser): the office config in
// the very format `careplan-link agent` reads, the certificate file, the trust anchors, the app's
// settings and favourites, the spool, an archive of what arrived, and the staging area for dropped
// files. The certificate password is never written here by this module (see SecretStore).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from '../../shared/api/types.js';
import { writeDurable } from '../transport/spool.js';

/** The environment variable name the office config names; the app fills it from the SecretStore. */
export const APP_PASSWORD_ENV = 'CPL_P12_PASSWORD';

export const DEFAULT_SETTINGS: Settings = { lang: 'ja', autoSend: true, pollSeconds: 60, notifications: true, startWithWindows: false };

export interface AppPrefs {
  settings: Settings;
  favourites: string[];
  /** Export folders used before a change: what was sent from them stays listed. */
  previousExportDirs?: string[];
}

/** Where the certificate password is kept between runs: Electron's safeStorage, or memory only. */
export interface SecretStore {
  get(): string | null;
  set(password: string): void;
  clear(): void;
}

export class MemorySecretStore implements SecretStore {
  #value: string | null = null;
  get(): string | null {
    return this.#value;
  }
  set(password: string): void {
    this.#value = password;
  }
  clear(): void {
    this.#value = null;
  }
}

export class Profile {
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
    mkdirSync(this.tmp, { recursive: true });
  }

  get tmp(): string {
    return join(this.root, 'tmp');
  }
  get configPath(): string {
    return join(this.root, 'office.json');
  }
  get p12Path(): string {
    return join(this.root, 'office.p12');
  }
  get trustPath(): string {
    return join(this.root, 'trust.pem');
  }
  get prefsPath(): string {
    return join(this.root, 'app-settings.json');
  }
  get spoolDir(): string {
    return join(this.root, 'spool');
  }
  get stagingDir(): string {
    return join(this.root, 'staging');
  }
  /** Copies of what arrived, so a document can still be opened after the care software took it. */
  archiveDir(messageId: string): string {
    return join(this.root, 'archive', 'received', messageId);
  }

  get relayStatusPath(): string {
    return join(this.root, 'relay-status.json');
  }

  readRelayStatus<T>(): Record<string, T> {
    try {
      return JSON.parse(readFileSync(this.relayStatusPath, 'utf8')) as Record<string, T>;
    } catch {
      return {};
    }
  }

  writeRelayStatus(status: Record<string, unknown>): void {
    writeDurable(this.relayStatusPath, JSON.stringify(status), this.tmp);
  }

  /**
   * Keeps the replaced certificate (never deleted: units still on their way may be encrypted for it)
   * in retired/, named by date and fingerprint.
   */
  retireCertificate(fingerprint: string, now = new Date()): string | null {
    if (!existsSync(this.p12Path)) return null;
    const dir = join(this.root, 'retired');
    mkdirSync(dir, { recursive: true });
    const target = join(dir, `office-${now.toISOString().slice(0, 10)}-${fingerprint.replace(/:/g, '').slice(0, 16)}.p12`);
    renameSync(this.p12Path, existsSync(target) ? `${target}.${Date.now()}` : target);
    return target;
  }

  /** Dropped files the user validated but never sent: the app's own copies, removed after a day. */
  dropStaleStaging(maxAgeMs: number, now = Date.now()): void {
    if (!existsSync(this.stagingDir)) return;
    for (const b of readdirSync(this.stagingDir)) {
      const dir = join(this.stagingDir, b);
      try {
        if (now - statSync(dir).mtimeMs > maxAgeMs) rmSync(dir, { recursive: true, force: true });
      } catch {
        /* gone already */
      }
    }
  }

  get configured(): boolean {
    return existsSync(this.configPath) && existsSync(this.p12Path);
  }

  readPrefs(): AppPrefs {
    try {
      const raw = JSON.parse(readFileSync(this.prefsPath, 'utf8')) as Partial<AppPrefs>;
      const strings = (v: unknown) => (Array.isArray(v) ? v.filter((f): f is string => typeof f === 'string') : []);
      return { settings: { ...DEFAULT_SETTINGS, ...(raw.settings ?? {}) }, favourites: strings(raw.favourites), previousExportDirs: strings(raw.previousExportDirs) };
    } catch {
      return { settings: { ...DEFAULT_SETTINGS }, favourites: [] };
    }
  }

  writePrefs(p: AppPrefs): void {
    writeDurable(this.prefsPath, JSON.stringify(p, null, 2) + '\n', this.tmp);
  }

  /** Writes the office config, certificate and trust anchors; each file whole or not at all. */
  writeOffice(o: { office: string; serviceType: string; name: string; relayUrl: string; exportDir: string; importDir: string; autoSend: boolean; pollSeconds: number }, p12: Buffer, trustPem: string): void {
    writeDurable(this.p12Path, p12, this.tmp);
    writeDurable(this.trustPath, trustPem, this.tmp);
    const config = {
      office: o.office,
      serviceType: o.serviceType,
      name: o.name,
      p12: 'office.p12',
      passwordEnv: APP_PASSWORD_ENV,
      relay: o.relayUrl,
      trust: ['trust.pem'],
      folders: { export: o.exportDir, import: o.importDir, spool: 'spool' },
      agent: { autoSend: o.autoSend, pollMs: o.pollSeconds * 1000 },
    };
    writeDurable(this.configPath, JSON.stringify(config, null, 2) + '\n', this.tmp);
  }

  /** Rewrites the agent part of the config (auto-send, poll interval) after a settings change. */
  updateAgent(autoSend: boolean, pollSeconds: number): void {
    if (!existsSync(this.configPath)) return;
    const raw = JSON.parse(readFileSync(this.configPath, 'utf8')) as Record<string, unknown>;
    raw.agent = { ...((raw.agent as Record<string, unknown>) ?? {}), autoSend, pollMs: pollSeconds * 1000 };
    writeDurable(this.configPath, JSON.stringify(raw, null, 2) + '\n', this.tmp);
  }
}
