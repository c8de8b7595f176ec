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
}

export interface ValidationView {
  /** Identifies the uploaded batch for `sendStaged` (dropped files only). */
  batchId: string | null;
  files: CheckedFile[];
  units: UnitView[];
  ignored: string[];
  /** Every unit is valid and there is at least one. */
  sendable: boolean;
  report: CheckReport;
}

export interface SendOutcome {
  unit: string;
  partner: string;
  messageId: string | null;
  state: 'accepted' | 'queued' | 'failed' | 'invalid';
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

export type DocumentView =
  | { kind: 'grid'; file: string; fileType: string; title: string; grids: UserGrid[] }
  | { kind: 'form'; file: string; fileType: string; title: string; records: FormRecord[] };

export interface DocumentEntry {
  ref: DocumentRef;
  fileType: string;
  title: string;
  partner: string;
  month: string | null;
  at: string;
}

export interface ComparisonCandidate {
  partner: { office: string; name: string | null };
  month: string;
  insurer: string;
  insured: string;
  planFile: string;
  actualFile: string;
}

export interface ComparisonView {
  candidate: ComparisonCandidate;
  comparison: PlanActualComparison;
  planGrid: UserGrid | null;
  actualGrid: UserGrid | null;
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
   * or quarantined / failed. Received: downloaded → imported, or quarantined.
   */
  status: 'pending' | 'queued' | 'delivered' | 'received' | 'imported' | 'quarantined' | 'failed' | 'downloaded';
  /** Sent side: the partner's signed receipts, checked as evidence. Received side: `given` once we signed ours. */
  receipt: 'verified' | 'invalid' | 'none' | 'given';
  detail: string | null;
}

export interface HistoryFilter {
  direction?: HistoryDirection;
  partner?: string;
  month?: string;
  text?: string;
}

export interface FileUpload {
  name: string;
  base64: string;
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
