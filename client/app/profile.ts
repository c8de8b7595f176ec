// The desktop app's own folder (Electron's userData, or --data in the browser): the office config in
// the very format `careplan-link agent` reads, the certificate file, the trust anchors, the app's
// settings and favourites, the spool, an archive of what arrived, and the staging area for dropped
// files. The certificate password is never written here by this module (see SecretStore).
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ensurePrivateDir, ensurePrivateFile, onWindows, PRIVATE_DIR_MODE, renameWithRetrySync, restrictToOwner } from '../../platform/fs.js';
import type { Settings } from '../../shared/api/types.js';
import { storedAssumptionsSchema, type EffectAssumptions } from '../../shared/effect/assumptions.js';
import { localDateText } from '../../shared/time.js';
import { readOfficeConfigFile } from '../transport/config.js';
import { writeDurable } from '../transport/spool.js';

/** The environment variable name the office config names; the app fills it from the SecretStore. */
export const APP_PASSWORD_ENV = 'CPL_P12_PASSWORD';

// rememberPassword is on by default: the desktop app is meant to go on exchanging after a reboot without
// a clerk at the keyboard. It only takes effect where the SecretStore is persistent (safeStorage).
export const DEFAULT_SETTINGS: Settings = { lang: 'ja', autoSend: true, pollSeconds: 60, notifications: true, startWithWindows: false, rememberPassword: true };

export interface AppPrefs {
  settings: Settings;
  favourites: string[];
  /** Export folders used before a change: what was sent from them stays listed. */
  previousExportDirs?: string[];
  /** The 効果レポート's assumptions as the office set them; absent = the cited defaults. */
  effectAssumptions?: EffectAssumptions;
}

// The settings file is the app's own. A damaged one must not keep the app from opening, and one bad
// value must not cost the others (or the favourites): each value that does not fit falls back to its
// default, as a file that cannot be read at all always did.
const settingsSchema = z.object({
  lang: z.enum(['ja', 'en']).catch(DEFAULT_SETTINGS.lang),
  autoSend: z.boolean().catch(DEFAULT_SETTINGS.autoSend),
  // The bounds the settings screen enforces (shared/api/methods.ts, saveSettings).
  pollSeconds: z.number().int().min(10).max(3600).catch(DEFAULT_SETTINGS.pollSeconds),
  notifications: z.boolean().catch(DEFAULT_SETTINGS.notifications),
  startWithWindows: z.boolean().catch(DEFAULT_SETTINGS.startWithWindows),
  rememberPassword: z.boolean().catch(DEFAULT_SETTINGS.rememberPassword),
}) satisfies z.ZodType<Settings>;

const stringList = z
  .array(z.unknown())
  .catch([])
  .transform((items) => items.filter((item): item is string => typeof item === 'string'));

const prefsFileSchema = z
  .object({
    settings: settingsSchema.catch(() => ({ ...DEFAULT_SETTINGS })),
    favourites: stringList,
    previousExportDirs: stringList,
    effectAssumptions: storedAssumptionsSchema.optional(),
  })
  .catch(() => ({ settings: { ...DEFAULT_SETTINGS }, favourites: [], previousExportDirs: [] }));

/** Where the certificate password is kept between runs: Electron's safeStorage, or memory only. */
export interface SecretStore {
  /** It survives a restart (encrypted by the OS). A store without this flag is memory only. */
  readonly persistent?: boolean;
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
  readonly tmp: string;
  readonly configPath: string;
  readonly p12Path: string;
  readonly trustPath: string;
  readonly prefsPath: string;
  readonly spoolDir: string;
  readonly stagingDir: string;
  readonly relayStatusPath: string;
  /** What the clerk has opened (新着 marks on the rest): keys of arrivals, documents and comparisons. */
  readonly openedPath: string;

  constructor(readonly root: string) {
    // Where each file and folder of the profile lives; fixed for the profile's life.
    this.tmp = join(root, 'tmp');
    this.configPath = join(root, 'office.json');
    this.p12Path = join(root, 'office.p12');
    this.trustPath = join(root, 'trust.pem');
    this.prefsPath = join(root, 'app-settings.json');
    this.spoolDir = join(root, 'spool');
    this.stagingDir = join(root, 'staging');
    this.relayStatusPath = join(root, 'relay-status.json');
    this.openedPath = join(root, 'opened.json');
    // The certificate and its private key, the spool and the archive of care records live here: owner-only,
    // also where an older version left the folder or the certificate readable by others.
    ensurePrivateDir(root);
    if (!onWindows() && (statSync(root).mode & 0o077) !== 0) chmodSync(root, PRIVATE_DIR_MODE);
    if (existsSync(this.p12Path)) ensurePrivateFile(this.p12Path);
    mkdirSync(this.tmp, { recursive: true });
  }

  /** Copies of what arrived, so a document can still be opened after the care software took it. */
  archiveDir(messageId: string): string {
    return join(this.root, 'archive', 'received', messageId);
  }

  /**
   * The last status the relay gave for each message: a cache, so what cannot be read is simply not
   * known (and asked again). With a schema, entries that do not fit it are dropped; without one the
   * entries' shape is the caller's assertion.
   */
  readRelayStatus<T>(entry?: z.ZodType<T>): Record<string, T> {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.relayStatusPath, 'utf8'));
    } catch {
      return {};
    }
    const entries = z.record(z.string(), z.unknown()).safeParse(raw);
    if (!entries.success) return {};
    const status: Record<string, T> = {};
    for (const [id, value] of Object.entries(entries.data)) {
      if (!entry) status[id] = value as T;
      else {
        const parsed = entry.safeParse(value);
        if (parsed.success) status[id] = parsed.data;
      }
    }
    return status;
  }

  writeRelayStatus(status: Record<string, unknown>): void {
    writeDurable(this.relayStatusPath, JSON.stringify(status), this.tmp);
  }

  /**
   * Keeps the replaced certificate (never deleted: units still on their way may be encrypted for it)
   * in retired/, named by the local date (the day the clerk replaced it) and fingerprint.
   */
  retireCertificate(fingerprint: string, now = new Date()): string | null {
    if (!existsSync(this.p12Path)) return null;
    const dir = join(this.root, 'retired');
    ensurePrivateDir(dir);
    const target = join(dir, `office-${localDateText(now)}-${fingerprint.replace(/:/g, '').slice(0, 16)}.p12`);
    const to = existsSync(target) ? `${target}.${Date.now()}` : target;
    // Antivirus may be reading the certificate it was just given.
    renameWithRetrySync(this.p12Path, to);
    return to;
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
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.prefsPath, 'utf8'));
    } catch {
      return { settings: { ...DEFAULT_SETTINGS }, favourites: [] };
    }
    return prefsFileSchema.parse(raw);
  }

  writePrefs(p: AppPrefs): void {
    writeDurable(this.prefsPath, JSON.stringify(p, null, 2) + '\n', this.tmp);
  }

  /** Writes the office config, certificate and trust anchors; each file whole or not at all. */
  writeOffice(o: { office: string; serviceType: string; name: string; relayUrl: string; exportDir: string; importDir: string; autoSend: boolean; pollSeconds: number }, p12: Buffer, trustPem: string): void {
    writeDurable(this.p12Path, p12, this.tmp);
    // On Windows mode bits do not keep others out: the private key gets an owner-only ACL (best effort).
    void restrictToOwner(this.p12Path, { directory: false });
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

  /**
   * Rewrites the agent part of the config (auto-send, poll interval) after a settings change. The
   * file is checked first (a ConfigError names the field at fault); keys this version does not know are kept.
   */
  updateAgent(autoSend: boolean, pollSeconds: number): void {
    if (!existsSync(this.configPath)) return;
    const config = readOfficeConfigFile(this.configPath);
    const updated = { ...config, agent: { ...(config.agent ?? {}), autoSend, pollMs: pollSeconds * 1000 } };
    writeDurable(this.configPath, JSON.stringify(updated, null, 2) + '\n', this.tmp);
  }
}
