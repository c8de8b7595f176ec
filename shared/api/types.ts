// The typed app API: what the renderer may ask of the back end, and what it gets back. The Electron
// preload (IPC) and the web bridge (HTTP on 127.0.0.1) both implement exactly these methods over the
// same handlers, so the renderer runs unchanged in both. Nothing here carries a private key or a
// password back to the renderer: certificates are described, never handed over.
import type { CheckReport, Finding } from '../report/types.js';
import type { PlanActualComparison, UserGrid } from '../ticket/ticket.js';

export type Lang = 'ja' | 'en';

/** A plain Japanese sentence with its English twin: every message the back end shows a person. */
export interface Text {
  ja: string;
  en: string;
}

export interface CertificateSummary {
  officeNumber: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  daysLeft: number;
  /** Within 90 days of expiry. */
  expiringSoon: boolean;
  usable: boolean;
  /** Why it cannot be used (expired, not for client authentication …), when it cannot. */
  problem: Text | null;
  fingerprint: string;
}

export interface OfficeProfile {
  office: string;
  serviceType: string;
  name: string;
  relayUrl: string;
  exportDir: string;
  importDir: string;
}

export type ConnectionState = 'online' | 'offline' | 'unknown';

export interface AppState {
  /** `setup`: first run, nothing configured; `locked`: configured, the certificate password is needed; `ready`. */
  phase: 'setup' | 'locked' | 'ready';
  profile: OfficeProfile | null;
  certificate: CertificateSummary | null;
  connection: { state: ConnectionState; checkedAt: string | null; error: Text | null };
  /** A long operation under way (sending, receiving), for progress bars. */
  activity: { label: Text; done: number; total: number } | null;
  /** Suggestions for the setup form (the embedded relay, folders beside the app's data). */
  setupDefaults: { relayUrl: string; exportDir: string; importDir: string } | null;
  /** Demo offices this back end can set up in one click (embedded defaults), if any. */
  demoOffices: { id: string; office: string; serviceType: string; name: string }[];
  /** Where the app runs: affects only what the shell can do (tray, start with Windows). */
  shell: 'electron' | 'browser';
  /** What this shell offers beyond the common screens; the renderer shows a control only when it works. */
  capabilities: Capabilities;
  settings: Settings;
}

export interface Capabilities {
  /** Native pickers (pickFolder, pickCertificate): the desktop app. The browser keeps the text fields. */
  pickers: boolean;
  /** The certificate password can be kept across restarts, encrypted by the OS (Electron's safeStorage). */
  rememberPassword: boolean;
}

/** A certificate file picked in a native dialog: its bytes go on to the back end like a chosen file's. */
export interface PickedCertificate {
  path: string;
  /** The file name alone, for the screen. */
  name: string;
  p12Base64: string;
}

export interface Settings {
  lang: Lang;
  /** The agent sends what appears in the export folder by itself. */
  autoSend: boolean;
  /** Receive every N seconds. */
  pollSeconds: number;
  notifications: boolean;
  startWithWindows: boolean;
  /** Keep the certificate password (encrypted by the OS) so the app opens by itself after a restart. */
  rememberPassword: boolean;
}

export interface SetupRequest {
  office: string;
  serviceType: string;
  name: string;
  /** The PKCS#12 file's bytes, base64. */
  p12Base64: string;
  password: string;
  relayUrl: string;
  /** PEM of the CA certificates that vouch for the relay and the partners; empty = keep the embedded one. */
  trustPem: string;
  exportDir: string;
  importDir: string;
}

export interface FolderCheck {
  path: string;
  exists: boolean;
  writable: boolean;
  /** Created by this check (it did not exist, and `create` was asked). */
  created: boolean;
  message: Text;
}

export interface ConnectionCheck {
  ok: boolean;
  /** The office number the relay saw in our certificate. */
  office: string | null;
  message: Text;
}

export type AttentionKind = 'file-error' | 'incomplete-unit' | 'unsent-export' | 'quarantined' | 'send-failed' | 'certificate-expiring' | 'offline';

export interface AttentionItem {
  kind: AttentionKind;
  title: Text;
  /** What to do next. */
  action: Text;
  /** File or unit it is about, when there is one. */
  subject: string | null;
  at: string | null;
}

export interface HomeSummary {
  today: { sent: number; received: number; errors: number };
  attention: AttentionItem[];
  recent: HistoryEntry[];
}

/** A file the user dropped or the export folder holds, with its validation result. */
export interface CheckedFile {
  name: string;
  fileType: string | null;
  valid: boolean;
  errors: Finding[];
  warnings: Finding[];
  records: number | null;
  /** The clerk-facing sentence for what is wrong with this file as a whole (an Excel file, a lower-case name …). */
  summary?: Text;
  /** The person of each record a finding points at (record number → 利用者), for 「行 1（山田 花子 様）」. */
  people?: Record<number, PersonName>;
}

/** Why a unit may not be sent from this office: the wrong direction, or already sent (at `sentAt`). */
export interface UnitBlock {
  kind: 'direction' | 'duplicate';
  message: Text;
  /** When the same unit (the same files, byte for byte) was sent before. */
  sentAt: string | null;
  /** A duplicate whose earlier send still waits in the outbox (送信待ち, not yet 送信済み). */
  queued?: boolean;
}

export interface UnitView {
  /** sender#receiver#sequence */
  key: string;
  partner: { office: string; serviceType: string; name: string | null };
  month: string | null;
  sequence: string;
  kinds: string[];
  files: string[];
  valid: boolean;
  /** Unit-level findings (companions missing, users differ). */
  errors: Finding[];
  warnings: Finding[];
  /** Set when the unit must not be sent from here (checked before the send button is enabled). */
  blocked?: UnitBlock;
}

/** A file in the export folder that is not sent, and why, in a clerk's words. */
export interface IgnoredFile {
  name: string;
  reason: Text;
}

export interface ValidationView {
  /** Identifies the uploaded batch for `sendStaged` (dropped files only). */
  batchId: string | null;
  files: CheckedFile[];
  units: UnitView[];
  ignored: string[];
  /** The ignored files with the reason (same order as `ignored`). */
  ignoredWhy?: IgnoredFile[];
  /** Every unit is valid and there is at least one. */
  sendable: boolean;
  report: CheckReport;
}

export interface SendOutcome {
  unit: string;
  partner: string;
  /** The partner's name, when this office knows it (the result table names the office beside its number). */
  partnerName?: string | null;
  messageId: string | null;
  /** paper: the partner is not linked; the unit went into its month's PDF (印刷・FAX) instead. */
  state: 'accepted' | 'queued' | 'failed' | 'invalid' | 'duplicate' | 'paper';
  message: Text;
}

export interface SendResult {
  outcomes: SendOutcome[];
  validation: ValidationView;
}

export type ArrivalState = 'downloaded' | 'imported' | 'quarantined';

export interface Arrival {
  messageId: string;
  sender: { office: string; serviceType: string; name: string | null };
  kinds: string[];
  month: string | null;
  sequence: string;
  files: string[];
  state: ArrivalState;
  verified: boolean;
  signer: string | null;
  signingTime: string | null;
  reason: string | null;
  receivedAt: string;
  /** The people the unit's files are about (names when the office knows them). */
  people?: PersonName[];
  /** Not opened yet on any screen (新着). */
  isNew?: boolean;
}

/**
 * A person the office deals with (利用者), by the keys every standard-spec file carries (保険者番号 +
 * 被保険者番号), with the name and kana from the 利用者補足情報 (UPHOSOKU) or 基本情報 (UPKIHON) the
 * office sent or received. Null name: no such file has been seen yet; the screens then show the numbers.
 */
export interface PersonName {
  insurer: string;
  insured: string;
  name: string | null;
  kana: string | null;
}

/** A person in the 利用者 filter and search: the months and partners the files about them cover. */
export interface Person extends PersonName {
  months: string[];
  partners: string[];
}

export interface ReceiveResult {
  imported: number;
  quarantined: number;
  pending: number;
  message: Text;
}

/** Where a document can be opened from. */
export type DocumentSource = 'arrival' | 'sent';

export interface DocumentRef {
  source: DocumentSource;
  /** The file name (standard-spec name). */
  file: string;
}

export interface FormField {
  no: number;
  name: string;
  value: string;
}

export interface FormRecord {
  /** e.g. 利用者 1 */
  title: string;
  fields: FormField[];
}

/**
 * A 第6表 grid as sent to the screens: the person's name, and the office that opens it (so a provider sees
 * which rows are its own: the 利用票 lists every provider of the person, spec 4.1 §2.5 出力単位).
 */
export type NamedGrid = UserGrid & { person?: PersonName; ownOffice?: string };

export type DocumentView =
  | { kind: 'grid'; file: string; fileType: string; title: string; grids: NamedGrid[] }
  | { kind: 'form'; file: string; fileType: string; title: string; records: FormRecord[] };

export interface DocumentEntry {
  ref: DocumentRef;
  fileType: string;
  title: string;
  partner: string;
  month: string | null;
  at: string;
  /** The partner's office number and name apart (partner above is both in one string). */
  partnerOffice?: string;
  partnerName?: string | null;
  people?: PersonName[];
  isNew?: boolean;
}

export interface ComparisonCandidate {
  partner: { office: string; name: string | null };
  month: string;
  insurer: string;
  insured: string;
  planFile: string;
  actualFile: string;
  person?: PersonName;
  /** The actuals have not been opened yet (新着). */
  isNew?: boolean;
}

export interface ComparisonView {
  candidate: ComparisonCandidate;
  comparison: PlanActualComparison;
  planGrid: NamedGrid | null;
  actualGrid: NamedGrid | null;
}

export interface Partner {
  office: string;
  name: string;
  serviceTypes: string[];
  /** Has announced itself on the linkage service. */
  onService: boolean;
  favourite: boolean;
  lastSeen: string | null;
}

/** 連携中: in the relay directory with a certificate valid now. unknown: the directory could not be asked yet. */
export type LinkState = 'linked' | 'unlinked' | 'unknown';

export interface PartnerLink {
  office: string;
  name: string | null;
  state: LinkState;
  favourite: boolean;
}

/** One partner's PDF for one month (送付状 + documents) in the 印刷・FAX folder. */
export interface PaperSheetView {
  id: string;
  month: string;
  partner: { office: string; name: string | null };
  units: number;
  kinds: string[];
  pages: number;
  fileName: string;
  madeAt: string;
  faxedAt: string | null;
}

/** A month's sending, by data and by paper. */
export interface MonthSending {
  month: string;
  byData: { units: number; partners: string[] };
  byPaper: { units: number; partners: string[] };
}

export interface PaperView {
  folder: string;
  sheets: PaperSheetView[];
  months: MonthSending[];
}

/** A file made for the person: opened in its program (Electron) or handed over to open (the browser). */
export interface OpenedFile {
  path: string;
  opened: boolean;
  /** The bytes when the shell could not open it (the browser opens them itself). */
  base64?: string;
}

export type HistoryDirection = 'sent' | 'received';

export interface HistoryEntry {
  at: string;
  direction: HistoryDirection;
  messageId: string;
  partner: { office: string; name: string | null };
  kinds: string[];
  month: string | null;
  sequence: string;
  files: string[];
  /**
   * Sent: pending (still in our outbox) → queued (the service has it) → delivered → received → imported,
   * or quarantined / failed; paper: the partner is not linked and the unit went into its PDF for 印刷・FAX.
   * Received: downloaded → imported, or quarantined.
   */
  status: 'pending' | 'queued' | 'delivered' | 'received' | 'imported' | 'quarantined' | 'failed' | 'downloaded' | 'paper';
  /** Sent side: the partner's signed receipts, checked as evidence. Received side: `given` once we signed ours. */
  receipt: 'verified' | 'invalid' | 'none' | 'given';
  detail: string | null;
  people?: PersonName[];
}

export interface HistoryFilter {
  direction?: HistoryDirection;
  partner?: string;
  month?: string;
  text?: string;
  /** 保険者番号|被保険者番号 of one person. */
  person?: string;
}

export interface FileUpload {
  name: string;
  base64: string;
}

/** The export folder as the agent sees it (送信 screen's panel). */
export interface ExportFolderState {
  path: string;
  autoSend: boolean;
  /** Standard-spec files in the export folder, not taken yet (settling, or automatic sending is off). */
  waiting: { name: string; since: string }[];
  /** Units the agent holds back and tries again (no connection, the receiver not on the service …). */
  held: { unit: string; files: string[]; reason: Text; since: string }[];
  /** Units waiting for their other files. */
  incomplete: { unit: string; files: string[]; missing: string[]; since: string }[];
  /** Files that are never sent, and why. */
  ignored: IgnoredFile[];
  /** Units in the errors folder. */
  errorUnits: number;
  /** The latest units sent (by the agent or by a person), newest first. */
  recent: HistoryEntry[];
}

/** One problem of a unit in the errors folder, in plain words. */
export interface ErrorProblem {
  file: string | null;
  /** e.g. 第6表 サービス利用票（予定） */
  kind: string | null;
  /** 1-based record number, when the problem is in one record. */
  row: number | null;
  field: string | null;
  /** 「佐藤 ハナ 様」 or 「被保険者番号 1000000000」, when the record names a person. */
  person: string | null;
  what: Text;
  fix: Text;
}

/** One unit (the files that travel together) in the errors folder. */
export interface ErrorUnit {
  key: string;
  files: string[];
  partner: { office: string; name: string | null } | null;
  sequence: string | null;
  kinds: string[];
  /** The people whose records have problems (names when the unit's 利用者補足情報 has them). */
  people: string[];
  problems: ErrorProblem[];
  at: string;
  /** Marked 確認済み (its errors no longer count on the home screen). */
  acknowledged: boolean;
}

export interface ErrorsView {
  folder: string;
  units: ErrorUnit[];
  acknowledgedAt: string | null;
}
/** A planned ticket (第6表) the office sent, offered for entering a provider's paper 実績 against it. */
export interface PaperActualSource {
  planFile: string;
  month: string;
  sequence: string;
  /** The plan's receiver: the provider whose 実績 came back on paper. */
  provider: { office: string; serviceType: string; name: string | null };
  /** Users the plan has rows of this provider for. */
  users: { insurer: string; insured: string }[];
}

/** The 実績 file written into the import folder, with the validator's verdict on it. */
export interface PaperActualExport {
  file: string;
  path: string;
  records: number;
  errors: number;
  warnings: number;
}

export type { EffectReport, EffectMonth, EffectEstimate } from '../effect/report.js';
export type { EffectAssumptions } from '../effect/assumptions.js';
