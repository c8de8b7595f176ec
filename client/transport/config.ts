// The office configuration file (JSON). Paths in it are relative to the file's own folder. Its format
// is the zod schema below, published as schemas/office-config.schema.json (scripts/write-json-schemas.ts).
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { parseAtBoundary, type FieldHints } from '../../shared/boundary.js';
import { LocalizedError, type LocalizedText } from '../../shared/errors.js';
import { AGENT_FIELD_HINTS, agentConfigSchema, type AgentConfig } from '../agent/settings.js';

export interface OfficeConfig {
  office: string;
  serviceType: string;
  name?: string;
  p12: string;
  passwordEnv: string;
  relay: string;
  trust: string[];
  /** The trusted CAs' revocation lists (CRL files, PEM or DER); a certificate on one is not trusted (issue 11). */
  crl?: string[];
  folders: { export: string; import: string; spool: string };
  /** Agent settings (issue 5); kept here so one file configures everything. */
  agent?: AgentConfig;
  /** The file this config was read from. */
  path: string;
}

/** A config that cannot be used. `field` names the key at fault when there is one (e.g. `folders.export`). */
export class ConfigError extends LocalizedError {
  override name = 'ConfigError';
  readonly field: string | null;
  constructor(text: LocalizedText, options: { field?: string; cause?: unknown } = {}) {
    // One code for every config problem: callers tell them apart by text, not by code.
    super('config', text, options.cause === undefined ? {} : { cause: options.cause });
    this.field = options.field ?? null;
  }
}

/** What each key should hold: the text of a config error and the JSON Schema's description. */
const FIELD_HINTS = {
  office: { ja: '10桁の事業所番号', en: '10-digit office number' },
  serviceType: { ja: '2桁のサービス種類コード', en: '2-character service type' },
  name: { ja: '事業所の名前（連携サービスの名簿に載る）', en: "the office's name (shown in the relay directory)" },
  p12: { ja: '証明書ファイルのパス', en: 'path to the .p12' },
  passwordEnv: { ja: 'パスワードを入れた環境変数の名前', en: 'name of the environment variable' },
  relay: { ja: 'https:// で始まる URL', en: 'an https:// URL' },
  trust: { ja: 'CA 証明書のパスの一覧', en: 'list of CA certificate paths' },
  crl: { ja: 'CA の失効リスト（CRL）ファイルのパスの一覧（任意）', en: 'list of CA revocation list (CRL) file paths (optional)' },
  folders: { ja: 'export・import・spool のフォルダ', en: 'the export, import and spool folders' },
  'folders.export': { ja: '介護ソフトが書き出すフォルダ', en: 'the folder the care software exports into' },
  'folders.import': { ja: '受け取ったファイルを置く取込フォルダ', en: 'the folder received files are imported into' },
  'folders.spool': { ja: '送受信の記録を置くフォルダ', en: 'the folder that keeps the exchange journal' },
  ...Object.fromEntries(Object.entries(AGENT_FIELD_HINTS).map(([k, hint]) => [`agent.${k}`, hint])),
} satisfies FieldHints;

const described = (hint: LocalizedText) => ({ description: `${hint.ja} / ${hint.en}` });
const path = (hint: LocalizedText) => z.string().min(1).meta(described(hint));

// Loose: a key this version does not know is kept (and written back by the app), not refused.
export const officeConfigSchema = z
  .looseObject({
    $schema: z.string().optional().describe("The editor's pointer to the published JSON Schema (schemas/office-config.schema.json); not read."),
    office: z.string().regex(/^\d{10}$/).meta(described(FIELD_HINTS.office)),
    serviceType: z.string().regex(/^[0-9A-Z]{2}$/).meta(described(FIELD_HINTS.serviceType)),
    name: z.string().optional().meta(described(FIELD_HINTS.name)),
    p12: path(FIELD_HINTS.p12),
    passwordEnv: z.string().min(1).meta(described(FIELD_HINTS.passwordEnv)),
    relay: z.string().regex(/^https:\/\/[^\s]+$/).meta(described(FIELD_HINTS.relay)),
    trust: z.array(z.string().min(1)).min(1).meta(described(FIELD_HINTS.trust)),
    crl: z.array(z.string().min(1)).optional().meta(described(FIELD_HINTS.crl)),
    folders: z
      .looseObject({ export: path(FIELD_HINTS['folders.export']), import: path(FIELD_HINTS['folders.import']), spool: path(FIELD_HINTS['folders.spool']) })
      .meta(described(FIELD_HINTS.folders)),
    agent: agentConfigSchema.optional(),
  })
  .meta({ title: 'careplan-link office config', description: '事業所の設定（careplan-link の --config とアプリの office.json）。パスはこのファイルのフォルダからの相対 / One office\'s config (careplan-link --config, and the app\'s office.json). Paths are relative to this file\'s folder.' });

export type OfficeConfigFile = z.infer<typeof officeConfigSchema>;

/** The config file as written, checked against the schema; unknown keys are kept. */
export function readOfficeConfigFile(path: string): OfficeConfigFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ConfigError(
      missing ? { ja: `設定ファイルがありません: ${path}`, en: `config file not found: ${path}` } : { ja: `設定ファイルを読めません（JSON の誤り）: ${path}`, en: `cannot parse the config file: ${path}` },
      { cause: e },
    );
  }
  const parsed = parseAtBoundary(officeConfigSchema, raw, FIELD_HINTS);
  if (!parsed.ok) {
    const { field, ja, en } = parsed.problem;
    throw new ConfigError({ ja: `設定ファイル ${path} の ${ja}`, en: `config file ${path}: ${en}` }, { field });
  }
  return parsed.data;
}

export function loadConfig(path: string): OfficeConfig {
  const file = readOfficeConfigFile(path);
  const base = dirname(resolve(path));
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  return {
    office: file.office,
    serviceType: file.serviceType,
    ...(file.name !== undefined ? { name: file.name } : {}),
    p12: abs(file.p12),
    passwordEnv: file.passwordEnv,
    relay: file.relay.replace(/\/+$/, ''),
    trust: file.trust.map(abs),
    ...(file.crl ? { crl: file.crl.map(abs) } : {}),
    folders: { export: abs(file.folders.export), import: abs(file.folders.import), spool: abs(file.folders.spool) },
    ...(file.agent ? { agent: file.agent } : {}),
    path: resolve(path),
  };
}
