// The one channel map of the app API: every method's name, the schema its payload must pass (the main
// process and the web bridge check every request against it before a handler sees it) and its result
// type. The preload exposes one function per name here — nothing generic.
import { z } from 'zod';
import { assumptionsSchema } from '../effect/assumptions.js';
import { asLocalizedError, failed, LocalizedError, ok, type LocalizedText, type Result } from '../errors.js';
import { METHOD_NAMES, type MethodName } from './channels.js';
import type {
  AppState,
  CertificateSummary,
  Arrival,
  ComparisonCandidate,
  ComparisonView,
  ConnectionCheck,
  DocumentEntry,
  DocumentView,
  ErrorsView,
  ExportFolderState,
  EffectAssumptions,
  EffectReport,
  FolderCheck,
  HistoryEntry,
  HomeSummary,
  OpenedFile,
  PaperView,
  Partner,
  PartnerLink,
  Person,
  PaperActualExport,
  PaperActualSource,
  PickedCertificate,
  ReceiveResult,
  SendResult,
  Settings,
  ValidationView,
} from './types.js';
import type { UserGrid } from '../ticket/ticket.js';

const officeNumber = z.string().regex(/^\d{10}$/);
const serviceType = z.string().regex(/^[0-9A-Z]{2}$/);
const month = z.string().regex(/^\d{6}$/);
const fileName = z
  .string()
  .min(1)
  .max(255)
  .refine((n) => !/[\\/]/.test(n) && n !== '.' && n !== '..', 'a bare file name');
const path = z.string().min(1).max(4096);
const empty = z.object({}).strict();

const upload = z.object({ name: fileName, base64: z.string().max(40 * 1024 * 1024) }).strict();

const historyFilter = z
  .object({
    direction: z.enum(['sent', 'received']).optional(),
    partner: z.string().max(10).optional(),
    month: month.optional(),
    text: z.string().max(200).optional(),
    person: z.string().regex(/^[0-9A-Za-z]{1,8}\|[0-9A-Za-z]{1,10}$/).optional(),
  })
  .strict();

export const requestSchemas = {
  getState: empty,
  inspectCertificate: z.object({ p12Base64: z.string().min(1).max(1024 * 1024), password: z.string().max(1024) }).strict(),
  checkFolder: z.object({ path, create: z.boolean().optional() }).strict(),
  testConnection: z.object({ relayUrl: z.string().regex(/^https:\/\/\S+$/), trustPem: z.string().max(1024 * 1024) }).strict(),
  completeSetup: z
    .object({
      office: officeNumber,
      serviceType,
      name: z.string().min(1).max(200),
      p12Base64: z.string().min(1).max(1024 * 1024),
      password: z.string().max(1024),
      relayUrl: z.string().regex(/^https:\/\/\S+$/),
      trustPem: z.string().max(1024 * 1024),
      exportDir: path,
      importDir: path,
      /** Keep the password (encrypted by the OS) so the app opens by itself after a restart; absent = the saved setting. */
      remember: z.boolean().optional(),
    })
    .strict(),
  setupDemo: z.object({ id: z.string().min(1).max(64) }).strict(),
  unlock: z.object({ password: z.string().max(1024), remember: z.boolean().optional() }).strict(),
  updateProfile: z
    .object({
      name: z.string().min(1).max(200),
      relayUrl: z.string().regex(/^https:\/\/\S+$/),
      trustPem: z.string().max(1024 * 1024),
      exportDir: path,
      importDir: path,
      /** A renewed certificate (with its password); absent = keep the current one. */
      p12Base64: z.string().min(1).max(1024 * 1024).optional(),
      password: z.string().max(1024).optional(),
    })
    .strict(),
  home: empty,
  listExportFiles: empty,
  validateUploads: z.object({ files: z.array(upload).min(1).max(500) }).strict(),
  sendStaged: z.object({ batchId: z.string().regex(/^[0-9a-f-]{8,64}$/) }).strict(),
  sendExportFiles: z.object({ names: z.array(fileName).min(1).max(500) }).strict(),
  exportFolderState: empty,
  listErrors: empty,
  resendErrors: z.object({ key: z.string().min(1).max(300) }).strict(),
  acknowledgeErrors: empty,
  listArrivals: empty,
  receiveNow: empty,
  openFolder: z.object({ which: z.enum(['export', 'import', 'errors', 'sent', 'quarantine']) }).strict(),
  listDocuments: empty,
  openDocument: z.object({ source: z.enum(['arrival', 'sent']), file: fileName }).strict(),
  listComparisons: empty,
  compare: z.object({ planFile: fileName, actualFile: fileName, insurer: z.string().max(8), insured: z.string().max(10), month }).strict(),
  searchPartners: z.object({ query: z.string().max(100), serviceType: serviceType.optional(), favouritesOnly: z.boolean().optional() }).strict(),
  setFavourite: z.object({ office: officeNumber, favourite: z.boolean() }).strict(),
  /** 連携中 or 未連携 for the given offices, or for every partner we know (history, paper, favourites). */
  partnerLinks: z.object({ offices: z.array(officeNumber).max(500).optional() }).strict(),
  listPaper: empty,
  /** Opens a paper sheet's PDF (to print), or the 印刷・FAX folder without an id. */
  openPaper: z.object({ id: z.string().regex(/^\d{6}-\d{10}-\d{1,4}$/).optional() }).strict(),
  setPaperFaxed: z.object({ id: z.string().regex(/^\d{6}-\d{10}-\d{1,4}$/), faxed: z.boolean() }).strict(),
  /** 「連携のご案内を作る」: the one-page invitation letter for an unlinked partner. */
  makeInvitation: z.object({ office: officeNumber, name: z.string().max(100).optional() }).strict(),
  history: historyFilter,
  historyCsv: historyFilter,
  saveSettings: z
    .object({
      lang: z.enum(['ja', 'en']).optional(),
      autoSend: z.boolean().optional(),
      pollSeconds: z.number().int().min(10).max(3600).optional(),
      notifications: z.boolean().optional(),
      startWithWindows: z.boolean().optional(),
      rememberPassword: z.boolean().optional(),
    })
    .strict(),
  listPeople: empty,
  /** Keys of what the clerk opened: arrival:<messageId>, doc:<source>/<file>, cmp:<actualFile>|<insurer>|<insured>|<month>. */
  markOpened: z.object({ keys: z.array(z.string().min(1).max(400)).min(1).max(500) }).strict(),
  /** 「すべて確認済みにする」: every 新着 of a list at once (after an upgrade, or a month seen on paper). */
  markAllOpened: z.object({ list: z.enum(['documents', 'comparisons']) }).strict(),
  paperActualSources: empty,
  paperActualGrid: z.object({ planFile: fileName, insurer: z.string().max(8), insured: z.string().max(10) }).strict(),
  exportPaperActuals: z
    .object({
      planFile: fileName,
      insurer: z.string().max(8),
      insured: z.string().max(10),
      rows: z
        .array(z.object({ key: z.string().max(64), start: z.string().regex(/^\d{4}$/), end: z.string().regex(/^\d{4}$/), days: z.array(z.number().int().min(0).max(99)).max(31) }).strict())
        .min(1)
        .max(200),
    })
    .strict(),
  effectReport: z.object({ month }).strict(),
  effectReportCsv: z.object({ month }).strict(),
  effectReportPdf: z.object({ month }).strict(),
  saveEffectAssumptions: assumptionsSchema,
  pickFolder: z.object({ purpose: z.enum(['export', 'import']), current: z.string().max(4096).optional() }).strict(),
  pickCertificate: empty,
  // Only a suggested name crosses: main picks the page (this window) and the place (the user, in the
  // save dialog); nothing in the payload says what to print or where to write.
  savePdf: z.object({ name: fileName.refine((n) => /\.pdf$/i.test(n) && n.length <= 120, 'a .pdf name of at most 120 characters') }).strict(),
} as const satisfies Record<MethodName, z.ZodType>;

export { METHOD_NAMES, type MethodName };

export type Request<M extends MethodName> = z.infer<(typeof requestSchemas)[M]>;

export interface Responses {
  getState: AppState;
  inspectCertificate: CertificateSummary;
  checkFolder: FolderCheck;
  testConnection: ConnectionCheck;
  completeSetup: AppState;
  setupDemo: AppState;
  unlock: AppState;
  updateProfile: AppState;
  home: HomeSummary;
  listExportFiles: ValidationView;
  validateUploads: ValidationView;
  sendStaged: SendResult;
  sendExportFiles: SendResult;
  /** What the export folder and the agent hold now: waiting, held, incomplete, ignored (with why), recently sent. */
  exportFolderState: ExportFolderState;
  /** The units in the errors folder, one entry per unit, in plain words. */
  listErrors: ErrorsView;
  /** Checks one unit's files in the errors folder again, where they are, and sends them when they pass. */
  resendErrors: SendResult;
  /** Marks every error seen so far as checked: the home screen's count of today's errors starts again from 0. */
  acknowledgeErrors: ErrorsView;
  listArrivals: Arrival[];
  receiveNow: ReceiveResult;
  openFolder: { path: string; opened: boolean };
  listDocuments: DocumentEntry[];
  openDocument: DocumentView;
  listComparisons: ComparisonCandidate[];
  compare: ComparisonView;
  searchPartners: Partner[];
  setFavourite: Partner[];
  partnerLinks: PartnerLink[];
  listPaper: PaperView;
  openPaper: OpenedFile;
  setPaperFaxed: PaperView;
  makeInvitation: OpenedFile;
  history: HistoryEntry[];
  historyCsv: { fileName: string; csv: string };
  saveSettings: Settings;
  listPeople: Person[];
  markOpened: { opened: number };
  markAllOpened: { opened: number };
  paperActualSources: PaperActualSource[];
  paperActualGrid: UserGrid;
  exportPaperActuals: PaperActualExport;
  effectReport: EffectReport;
  effectReportCsv: { fileName: string; csv: string };
  effectReportPdf: { fileName: string; base64: string };
  saveEffectAssumptions: EffectAssumptions;
  /** The folder chosen, or null when the dialog was cancelled. */
  pickFolder: { path: string | null };
  /** The certificate file chosen (its bytes, never a password), or null when cancelled. */
  pickCertificate: PickedCertificate | null;
  /** Where the PDF was saved, or null when the save dialog was cancelled. */
  savePdf: { path: string | null };
}

/** What the renderer holds: one async function per method. */
export type AppApi = { [M in MethodName]: (request: Request<M>) => Promise<Responses[M]> };

/** What a back end implements: the same functions, called only with checked payloads. */
export type Handlers = AppApi;

/**
 * An error the back end returns to the renderer: always something a person can read. The app's own
 * refusals (not set up, wrong office, a duplicate file name …) are thrown as these.
 */
export class ApiError extends LocalizedError {
  override name = 'ApiError';
  constructor(code: string, ja: string, en: string, hint?: LocalizedText) {
    super(code, { ja, en }, hint ? { hint } : {});
  }
}

export type ParseResult<M extends MethodName> = { ok: true; value: Request<M> } | { ok: false; error: ApiError };

/** Checks a payload from the renderer against the method's schema. Unknown methods are refused. */
export function parseRequest(method: string, payload: unknown): { ok: true; method: MethodName; value: unknown } | { ok: false; error: ApiError } {
  if (!Object.prototype.hasOwnProperty.call(requestSchemas, method)) {
    return { ok: false, error: new ApiError('unknown_method', `不明な操作です: ${method}`, `unknown method: ${method}`) };
  }
  const schema = requestSchemas[method as MethodName];
  const r = schema.safeParse(payload ?? {});
  if (!r.success) {
    const where = r.error.issues.map((i) => i.path.join('.') || '(payload)').join(', ');
    return { ok: false, error: new ApiError('bad_request', `送られた内容が正しくありません（${where}）`, `invalid request (${where})`) };
  }
  return { ok: true, method: method as MethodName, value: r.data };
}

/** Runs a checked request against the handlers; a refused request throws its ApiError. */
export async function dispatch(handlers: Handlers, method: string, payload: unknown): Promise<unknown> {
  const parsed = parseRequest(method, payload);
  if (!parsed.ok) throw parsed.error;
  const fn = handlers[parsed.method] as (r: unknown) => Promise<unknown>;
  return fn(parsed.value);
}

/**
 * What the preload exposes and the web bridge answers: every method's Result envelope. Nothing is
 * thrown across the boundary, so no error has to be recovered from a message string.
 */
export type EnvelopeApi = { [M in MethodName]: (request: Request<M>) => Promise<Result<Responses[M]>> };

/**
 * Runs a request and answers with an envelope; never throws. `toError` puts whatever a handler threw
 * into words (the back end's own mapping; by default anything not already localized is `internal`).
 */
export async function dispatchToResult(handlers: Handlers, method: string, payload: unknown, toError: (e: unknown) => LocalizedError = asLocalizedError): Promise<Result<unknown>> {
  try {
    return ok(await dispatch(handlers, method, payload));
  } catch (e) {
    return failed(toError(e));
  }
}
