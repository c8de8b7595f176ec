// The office configuration file (JSON). Paths in it are relative to the file's own folder.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';

export interface OfficeConfig {
  office: string;
  serviceType: string;
  name?: string;
  p12: string;
  passwordEnv: string;
  relay: string;
  trust: string[];
  folders: { export: string; import: string; spool: string };
  /** Agent settings (issue 5); kept here so one file configures everything. */
  agent?: Record<string, unknown>;
  /** The file this config was read from. */
  path: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly ja: string,
    readonly en: string,
  ) {
    super(`${ja} / ${en}`);
  }
}

export function loadConfig(path: string): OfficeConfig {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ConfigError(missing ? `設定ファイルがありません: ${path}` : `設定ファイルを読めません（JSON の誤り）: ${path}`, missing ? `config file not found: ${path}` : `cannot parse the config file: ${path}`);
  }
  const base = dirname(resolve(path));
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const need = (key: string, ok: (v: unknown) => boolean, hint: string) => {
    if (!ok(raw[key])) throw new ConfigError(`設定 "${key}" が正しくありません（${hint}）`, `config "${key}" is invalid (${hint})`);
  };
  const str = (v: unknown) => typeof v === 'string' && v.length > 0;
  need('office', (v) => typeof v === 'string' && /^\d{10}$/.test(v), '10桁の事業所番号 / 10-digit office number');
  need('serviceType', (v) => typeof v === 'string' && /^[0-9A-Z]{2}$/.test(v), '2桁のサービス種類コード / 2-character service type');
  need('p12', str, '証明書ファイルのパス / path to the .p12');
  need('passwordEnv', str, 'パスワードを入れた環境変数の名前 / name of the environment variable');
  need('relay', (v) => typeof v === 'string' && /^https:\/\/[^\s]+$/.test(v), 'https:// で始まる URL / an https:// URL');
  need('trust', (v) => Array.isArray(v) && v.length > 0 && v.every(str), 'CA 証明書のパスの一覧 / list of CA certificate paths');
  const folders = raw.folders as Record<string, unknown> | undefined;
  if (!folders || !['export', 'import', 'spool'].every((k) => str(folders[k]))) {
    throw new ConfigError('設定 "folders" には export・import・spool のフォルダが必要です', 'config "folders" needs export, import and spool');
  }
  return {
    office: raw.office as string,
    serviceType: raw.serviceType as string,
    ...(typeof raw.name === 'string' ? { name: raw.name } : {}),
    p12: abs(raw.p12 as string),
    passwordEnv: raw.passwordEnv as string,
    relay: (raw.relay as string).replace(/\/+$/, ''),
    trust: (raw.trust as string[]).map(abs),
    folders: { export: abs(folders.export as string), import: abs(folders.import as string), spool: abs(folders.spool as string) },
    ...(raw.agent && typeof raw.agent === 'object' ? { agent: raw.agent as Record<string, unknown> } : {}),
    path: resolve(path),
  };
}
