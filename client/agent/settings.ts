// The agent's settings: the `agent` section of the office config (one file configures everything),
// over the defaults below. The schema is the section's format; the office config's schema embeds it.
import { z } from 'zod';
import type { LocalizedText } from '../../shared/errors.js';

export interface AgentSettings {
  settleMs: number;
  rescanMs: number;
  pollMs: number;
  incompleteWaitMs: number;
  folders: { processing: string; sent: string; errors: string };
  logMaxBytes: number;
  /** Take what appears in the export folder and send it. Off: the app sends on the user's word; receiving goes on. */
  autoSend: boolean;
}

export const DEFAULT_AGENT_SETTINGS: AgentSettings = {
  settleMs: 2_000,
  rescanMs: 2_000,
  pollMs: 60_000,
  incompleteWaitMs: 10 * 60_000,
  folders: { processing: 'processing', sent: 'sent', errors: 'errors' },
  logMaxBytes: 1024 * 1024,
  autoSend: true,
};

/** What each key of the section means: the text of a config error and the JSON Schema's description. */
export const AGENT_FIELD_HINTS = {
  settleMs: { ja: 'ファイルが書き終わったとみなすまでの待ち時間（ミリ秒、0 以上）', en: 'how long a file must stay unchanged before it is taken, in milliseconds (0 or more)' },
  rescanMs: { ja: '書き出しフォルダを見直す間隔（ミリ秒、0 以上）', en: 'how often the export folder is scanned again, in milliseconds (0 or more)' },
  pollMs: { ja: '受信の間隔（ミリ秒、0 以上）', en: 'how often to receive, in milliseconds (0 or more)' },
  incompleteWaitMs: { ja: 'そろわない送信単位を知らせるまでの待ち時間（ミリ秒、0 以上）', en: 'how long an incomplete unit waits before it is reported, in milliseconds (0 or more)' },
  logMaxBytes: { ja: 'ログファイルを切り替える大きさ（バイト、0 以上）', en: 'size at which the log file is rotated, in bytes (0 or more)' },
  folders: { ja: '書き出しフォルダの中の作業フォルダの名前（processing・sent・errors）', en: 'names of the working folders inside the export folder (processing, sent, errors)' },
  autoSend: { ja: '書き出されたファイルを自動で送る（true か false）', en: 'send what appears in the export folder by itself (true or false)' },
} satisfies Record<string, LocalizedText>;

const described = (hint: LocalizedText) => ({ description: `${hint.ja} / ${hint.en}` });
const amount = (hint: LocalizedText) => z.number().min(0).optional().meta(described(hint));
const folderName = z.string().min(1).optional();

// Loose, like the rest of the office config: a key this version does not know is kept, not refused,
// so a config written for a newer version still opens.
export const agentConfigSchema = z
  .looseObject({
    settleMs: amount(AGENT_FIELD_HINTS.settleMs),
    rescanMs: amount(AGENT_FIELD_HINTS.rescanMs),
    pollMs: amount(AGENT_FIELD_HINTS.pollMs),
    incompleteWaitMs: amount(AGENT_FIELD_HINTS.incompleteWaitMs),
    logMaxBytes: amount(AGENT_FIELD_HINTS.logMaxBytes),
    folders: z.looseObject({ processing: folderName, sent: folderName, errors: folderName }).optional().meta(described(AGENT_FIELD_HINTS.folders)),
    autoSend: z.boolean().optional().meta(described(AGENT_FIELD_HINTS.autoSend)),
  })
  .meta({ description: '自動送受信（careplan-link agent とアプリ）の設定 / settings of the hands-free exchange (careplan-link agent and the app)' });

export type AgentConfig = z.infer<typeof agentConfigSchema>;

/** The settings: the config's section (already checked against agentConfigSchema) over the defaults. */
export function agentSettings(config: AgentConfig | undefined): AgentSettings {
  const s = { ...DEFAULT_AGENT_SETTINGS, folders: { ...DEFAULT_AGENT_SETTINGS.folders } };
  if (!config) return s;
  for (const k of ['settleMs', 'rescanMs', 'pollMs', 'incompleteWaitMs', 'logMaxBytes'] as const) {
    const value = config[k];
    if (value !== undefined) s[k] = value;
  }
  for (const k of ['processing', 'sent', 'errors'] as const) {
    const name = config.folders?.[k];
    if (name !== undefined) s.folders[k] = name;
  }
  if (config.autoSend !== undefined) s.autoSend = config.autoSend;
  return s;
}
