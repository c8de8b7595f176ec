// An in-memory back end for the component tests: typed against the same AppApi as the real one (so a
// contract change breaks the tests at compile time), seeded with realistic data, every method a vi.fn
// so a test can check what was asked and override any answer.
import { vi } from 'vitest';
import type { Mock } from 'vitest';
import type { AppApi, MethodName } from '../../../shared/api/methods.js';
import type {
  AppState,
  Arrival,
  CertificateSummary,
  CheckedFile,
  ComparisonCandidate,
  ComparisonView,
  DocumentEntry,
  DocumentView,
  HistoryEntry,
  HomeSummary,
  Partner,
  Person,
  PersonName,
  Settings,
  ValidationView,
} from '../../../shared/api/types.js';
import type { CheckReport, Finding } from '../../../shared/report/types.js';
import type { GridRow, UserGrid } from '../../../shared/ticket/ticket.js';
import { errorsView, folderState } from './fakeErrors.js';

export { errorsView, folderState } from './fakeErrors.js';
import { fakeReportApi } from './fakeReport.js';
import { paperFakes } from './fakePaper.js';

export const CARE_MANAGER = '1310000011';
export const HOME_HELP = '1310000029';
export const DAY_CARE = '1310000037';

export const settings: Settings = { lang: 'ja', autoSend: false, pollSeconds: 60, notifications: true, startWithWindows: false, rememberPassword: true };

export const certificate: CertificateSummary = {
  officeNumber: CARE_MANAGER,
  subject: 'CN=1310000011,O=居宅介護支援事業所さくら',
  issuer: 'CN=ケアプランデータ連携 開発用CA',
  notBefore: '2025-04-01T00:00:00.000Z',
  notAfter: '2026-03-31T23:59:59.000Z',
  daysLeft: 200,
  expiringSoon: false,
  usable: true,
  problem: null,
  fingerprint: 'AB:CD:EF:01:23:45',
};

export const readyState: AppState = {
  phase: 'ready',
  profile: {
    office: CARE_MANAGER,
    serviceType: '43',
    name: '居宅介護支援事業所さくら',
    relayUrl: 'https://127.0.0.1:8443',
    exportDir: 'C:\\CareSoft\\export',
    importDir: 'C:\\CareSoft\\import',
  },
  certificate,
  connection: { state: 'online', checkedAt: '2025-04-25T03:00:00.000Z', error: null },
  activity: null,
  setupDefaults: null,
  demoOffices: [],
  shell: 'electron',
  // Off unless a test asks: the controls they enable appear only where the shell offers them.
  capabilities: { pickers: false, rememberPassword: false },
  settings,
};

/** The desktop app's state where its native dialogs and the OS-encrypted password store are there. */
export const desktopCapabilities: AppState['capabilities'] = { pickers: true, rememberPassword: true };

export const PICKED_P12_BASE64 = btoa('picked-p12-bytes');

export const setupState: AppState = {
  ...readyState,
  phase: 'setup',
  profile: null,
  certificate: null,
  connection: { state: 'unknown', checkedAt: null, error: null },
  setupDefaults: { relayUrl: 'https://relay.example.jp:8443', exportDir: 'C:\\CareSoft\\export', importDir: 'C:\\CareSoft\\import' },
  demoOffices: [
    { id: 'care-manager', office: CARE_MANAGER, serviceType: '43', name: '居宅介護支援事業所さくら（デモ）' },
    { id: 'home-help', office: HOME_HELP, serviceType: '11', name: 'ひまわり訪問介護（デモ）' },
  ],
};

export const lockedState: AppState = { ...readyState, phase: 'locked', connection: { state: 'unknown', checkedAt: null, error: null } };

/** The people of the seeded files: one named (from 利用者補足情報), one known only by number. */
export const YAMADA: PersonName = { insurer: '131011', insured: '0000012345', name: '山田 花子', kana: 'ヤマダ ハナコ' };
export const UNNAMED: PersonName = { insurer: '131011', insured: '0000067890', name: null, kana: null };
export const people: Person[] = [
  { ...YAMADA, months: ['202504'], partners: [HOME_HELP] },
  { ...UNNAMED, months: ['202505'], partners: [DAY_CARE] },
];

export const history: HistoryEntry[] = [
  {
    at: '2025-04-25T03:10:00.000Z',
    direction: 'sent',
    messageId: 'msg-0001',
    partner: { office: HOME_HELP, name: 'ひまわり訪問介護' },
    kinds: ['UPPLAN', 'UPSIKYU', 'UPHOSOKU'],
    month: '202504',
    sequence: '20250425120000',
    files: ['UPPLAN_202504_1310000011_43_1310000029_11_20250425120000.CSV'],
    status: 'delivered',
    receipt: 'verified',
    detail: null,
    people: [YAMADA],
  },
  {
    at: '2025-04-25T05:00:00.000Z',
    direction: 'received',
    messageId: 'msg-0002',
    partner: { office: HOME_HELP, name: 'ひまわり訪問介護' },
    kinds: ['UPJSK'],
    month: '202504',
    sequence: '20250430170000',
    files: ['UPJSK_202504_1310000029_11_1310000011_43_20250430170000.CSV'],
    status: 'imported',
    receipt: 'given',
    detail: null,
  },
];

export const homeSummary: HomeSummary = {
  today: { sent: 3, received: 1, errors: 2 },
  attention: [
    {
      kind: 'file-error',
      title: { ja: 'UPPLAN ファイルにエラーがあります', en: 'The UPPLAN file has errors' },
      action: { ja: '送信の画面で内容を確かめ、介護ソフトで直して出力し直してください。', en: 'Check it on the Send screen, fix it in the care software and export again.' },
      subject: 'UPPLAN_202504_1310000011_43_1310000029_11_20250425120000.CSV',
      at: '2025-04-25T02:00:00.000Z',
    },
    {
      kind: 'certificate-expiring',
      title: { ja: '証明書の有効期限が近づいています', en: 'The certificate expires soon' },
      action: { ja: '更新の手続きをしてください。', en: 'Renew it.' },
      subject: null,
      at: null,
    },
  ],
  recent: history,
};

const finding = (f: Partial<Finding> & Pick<Finding, 'code' | 'severity' | 'message' | 'messageEn' | 'hint' | 'hintEn'>): Finding => ({
  row: null,
  line: null,
  column: null,
  field: null,
  ...f,
});

export const insuredError = finding({
  code: 'E_FIELD_INSURED_NUMBER',
  severity: 'error',
  row: 3,
  line: 3,
  column: 3,
  field: '被保険者番号',
  message: '被保険者番号「12345」が10桁ではありません',
  messageEn: 'The insured number "12345" is not 10 digits',
  hint: '被保険者証に書かれた10桁の番号を入れてください。',
  hintEn: 'Enter the 10-digit number from the insurance card.',
  value: '12345',
});

export const timeWarning = finding({
  code: 'W_FIELD_TOO_LONG_UNCERTAIN',
  severity: 'warning',
  row: 5,
  line: 5,
  column: 21,
  field: 'サービス事業所名',
  message: 'サービス事業所名が長すぎるかもしれません',
  messageEn: 'The provider name may be too long',
  hint: '40文字以内にしてください。',
  hintEn: 'Keep it within 40 characters.',
});

export const missingCompanion = finding({
  code: 'E_UNIT_MISSING_FILE',
  severity: 'error',
  message: '第7表（UPSIKYU）がありません',
  messageEn: 'Table 7 (UPSIKYU) is missing',
  hint: '第6表と第7表は一緒に出力してください。',
  hintEn: 'Export table 6 and table 7 together.',
});

export const PLAN_FILE = 'UPPLAN_202504_1310000011_43_1310000029_11_20250425120000.CSV';
export const SIKYU_FILE = 'UPSIKYU_202504_1310000011_43_1310000029_11_20250425120000.CSV';
export const ACTUAL_FILE = 'UPJSK_202504_1310000029_11_1310000011_43_20250430170000.CSV';
export const FORM_FILE = 'UP1KYO_1310000011_43_1310000029_11_20250425120000.CSV';

const emptyReport: CheckReport = {
  files: [],
  units: [],
  summary: {
    files: 0,
    validFiles: 0,
    invalidFiles: 0,
    units: 0,
    validUnits: 0,
    invalidUnits: 0,
    errors: 0,
    warnings: 0,
    byCode: {},
    ignored: [],
    specEdition: '4.1',
    csvVersion: '202407',
    validator: 'test',
  },
};

const checked = (name: string, fileType: string, errors: Finding[] = [], warnings: Finding[] = []): CheckedFile => ({
  name,
  fileType,
  valid: errors.length === 0,
  errors,
  warnings,
  records: 12,
});

/** Dropped files with a broken 第6表 and a missing 第7表: not sendable. */
export const invalidUpload: ValidationView = {
  batchId: '0a1b2c3d-0000-4000-8000-000000000001',
  files: [checked(PLAN_FILE, 'UPPLAN', [insuredError], [timeWarning])],
  units: [
    {
      key: '1310000011_43#1310000029_11#20250425120000',
      partner: { office: HOME_HELP, serviceType: '11', name: 'ひまわり訪問介護' },
      month: '202504',
      sequence: '20250425120000',
      kinds: ['UPPLAN'],
      files: [PLAN_FILE],
      valid: false,
      errors: [missingCompanion],
      warnings: [],
    },
  ],
  ignored: ['memo.txt'],
  sendable: false,
  report: emptyReport,
};

/** Dropped files that are all fine. */
export const validUpload: ValidationView = {
  batchId: '0a1b2c3d-0000-4000-8000-000000000002',
  files: [checked(PLAN_FILE, 'UPPLAN'), checked(SIKYU_FILE, 'UPSIKYU')],
  units: [
    {
      key: '1310000011_43#1310000029_11#20250425120000',
      partner: { office: HOME_HELP, serviceType: '11', name: 'ひまわり訪問介護' },
      month: '202504',
      sequence: '20250425120000',
      kinds: ['UPPLAN', 'UPSIKYU'],
      files: [PLAN_FILE, SIKYU_FILE],
      valid: true,
      errors: [],
      warnings: [],
    },
  ],
  ignored: [],
  sendable: true,
  report: emptyReport,
};

export const exportView: ValidationView = { ...validUpload, batchId: null };

export const arrivals: Arrival[] = [
  {
    messageId: 'msg-0002',
    sender: { office: HOME_HELP, serviceType: '11', name: 'ひまわり訪問介護' },
    kinds: ['UPJSK'],
    month: '202504',
    sequence: '20250430170000',
    files: [ACTUAL_FILE],
    state: 'imported',
    verified: true,
    signer: 'CN=1310000029',
    signingTime: '2025-04-30T08:00:00.000Z',
    reason: null,
    receivedAt: '2025-04-30T08:01:00.000Z',
    people: [YAMADA],
    isNew: true,
  },
  {
    messageId: 'msg-0003',
    sender: { office: DAY_CARE, serviceType: '15', name: 'あおぞらデイサービス' },
    kinds: ['UPJSK'],
    month: '202504',
    sequence: '20250430180000',
    files: ['UPJSK_202504_1310000037_15_1310000011_43_20250430180000.CSV'],
    state: 'quarantined',
    verified: false,
    signer: null,
    signingTime: null,
    reason: '署名が確認できません',
    receivedAt: '2025-04-30T09:01:00.000Z',
    people: [],
    isNew: false,
  },
];

const row = (provider: string, providerName: string, serviceCode: string, start: string, end: string, dayCounts: Record<number, number>, unitPer: number): GridRow => {
  const days = new Array<number>(31).fill(0);
  let total = 0;
  for (const [d, n] of Object.entries(dayCounts)) {
    days[Number(d) - 1] = n;
    total += n;
  }
  return { key: `${provider}|${serviceCode}|${start}|${end}`, provider, providerName, serviceCode, start, end, days, total, units: total * unitPer };
};

/** April 2025 (30 days, 1st a Tuesday): home help Mon/Wed/Fri mornings, day care without times. */
export const planGrid: UserGrid = {
  insurer: '131011',
  insured: '0000012345',
  month: '202504',
  daysInMonth: 30,
  rows: [row(HOME_HELP, 'ひまわり訪問介護', '111211', '0900', '0930', { 2: 1, 4: 1, 7: 1 }, 244), row(DAY_CARE, 'あおぞらデイサービス', '151111', '9999', '9999', { 3: 1, 10: 1 }, 658)],
};

export const actualGrid: UserGrid = {
  insurer: '131011',
  insured: '0000012345',
  month: '202504',
  daysInMonth: 30,
  rows: [row(HOME_HELP, 'ひまわり訪問介護', '111211', '0900', '0930', { 2: 1, 8: 1 }, 244), row(HOME_HELP, 'ひまわり訪問介護', '111211', '1000', '1030', { 7: 1 }, 244)],
};

export const gridDocument: DocumentView = { kind: 'grid', file: PLAN_FILE, fileType: 'UPPLAN', title: '第6表 サービス利用票（予定）', grids: [planGrid] };

/** A 第1表 as the back end sends it: every column of the layout, in order (spec No. = index + 1). */
const plan1Values = ['202407', '131011', '0000012345', '20250401', '168-4596', '東京都千代田区神田一丁目1番1号', '', '山田　花子', '居宅介護支援事業所さくら', '101-0041', '東京都千代田区神田須田町一丁目1番1号', '', CARE_MANAGER, '20250401', '20240401', '21', '2', '20240320', '20240401', '20260331', '21', '自宅で安心して暮らし続けたい', '', '転倒を防ぎ、安心して在宅生活を続けられるよう支援します。', '', '', CARE_MANAGER, ''];

export const formDocument: DocumentView = {
  kind: 'form',
  file: FORM_FILE,
  fileType: 'UP1KYO',
  title: '居宅サービス計画書（第1表）',
  records: [{ title: '1件目', fields: plan1Values.map((value, i) => ({ no: i + 1, name: `項目${i + 1}`, value })) }],
};

export const documents: DocumentEntry[] = [
  { ref: { source: 'sent', file: PLAN_FILE }, fileType: 'UPPLAN', title: '第6表 サービス利用票（予定）', partner: 'ひまわり訪問介護', month: '202504', at: '2025-04-25T03:10:00.000Z', partnerOffice: HOME_HELP, partnerName: 'ひまわり訪問介護', people: [YAMADA], isNew: false },
  { ref: { source: 'sent', file: FORM_FILE }, fileType: 'UP1KYO', title: '居宅サービス計画書（第1表）', partner: 'ひまわり訪問介護', month: null, at: '2025-04-25T03:10:00.000Z', partnerOffice: HOME_HELP, partnerName: 'ひまわり訪問介護', people: [YAMADA], isNew: false },
];

export const comparisonCandidate: ComparisonCandidate = {
  partner: { office: HOME_HELP, name: 'ひまわり訪問介護' },
  month: '202504',
  insurer: '131011',
  insured: '0000012345',
  planFile: PLAN_FILE,
  actualFile: ACTUAL_FILE,
  person: YAMADA,
  isNew: true,
};

export const comparisonView: ComparisonView = {
  candidate: comparisonCandidate,
  comparison: {
    insurer: '131011',
    insured: '0000012345',
    month: '202504',
    differences: [
      { kind: 'day-dropped', date: '20250404', provider: HOME_HELP, plan: { serviceCode: '111211', start: '0900', end: '0930', count: 1 }, actual: null, text: '4月4日 111211 09:00〜09:30 予定あり・実績なし' },
      {
        kind: 'time-changed',
        date: '20250407',
        provider: HOME_HELP,
        plan: { serviceCode: '111211', start: '0900', end: '0930', count: 1 },
        actual: { serviceCode: '111211', start: '1000', end: '1030', count: 1 },
        text: '4月7日 111211 時間 09:00〜09:30 → 10:00〜10:30',
      },
      { kind: 'day-added', date: '20250408', provider: HOME_HELP, plan: null, actual: { serviceCode: '111211', start: '0900', end: '0930', count: 1 }, text: '4月8日 111211 09:00〜09:30 予定なし・実績あり' },
    ],
    planUnits: 732,
    actualUnits: 732,
  },
  planGrid: { ...planGrid, rows: planGrid.rows.filter((r) => r.provider === HOME_HELP) },
  actualGrid,
};

export const partners: Partner[] = [
  { office: HOME_HELP, name: 'ひまわり訪問介護', serviceTypes: ['11'], onService: true, favourite: false, lastSeen: '2025-04-30T08:00:00.000Z' },
  { office: DAY_CARE, name: 'あおぞらデイサービス', serviceTypes: ['15'], onService: false, favourite: true, lastSeen: null },
];

export type FakeApi = { [M in MethodName]: Mock<AppApi[M]> };

/**
 * A fresh fake back end. It keeps a little state (phase, settings, favourites) so flows behave like the
 * real thing; `overrides` replace any method outright.
 */
export function createFakeApi(overrides: Partial<AppApi> = {}, initial: AppState = readyState): FakeApi {
  let state: AppState = structuredClone(initial);
  let partnerList: Partner[] = structuredClone(partners);
  const starred = new Map<string, boolean>();

  const base = {
    getState: async () => structuredClone(state),
    inspectCertificate: async () => structuredClone(certificate),
    checkFolder: async ({ path }) => ({ path, exists: true, writable: true, created: false, message: { ja: 'このフォルダは使えます。', en: 'This folder can be used.' } }),
    testConnection: async () => ({ ok: true, office: CARE_MANAGER, message: { ja: '連携サービスにつながりました。', en: 'Connected to the linkage service.' } }),
    completeSetup: async (r) => {
      state = { ...readyState, profile: { office: r.office, serviceType: r.serviceType, name: r.name, relayUrl: r.relayUrl, exportDir: r.exportDir, importDir: r.importDir } };
      return structuredClone(state);
    },
    setupDemo: async () => {
      state = structuredClone(readyState);
      return structuredClone(state);
    },
    unlock: async () => {
      state = { ...state, phase: 'ready' };
      return structuredClone(state);
    },
    updateProfile: async (r) => {
      state = { ...state, profile: { ...state.profile!, name: r.name, relayUrl: r.relayUrl, exportDir: r.exportDir, importDir: r.importDir } };
      return structuredClone(state);
    },
    home: async () => structuredClone(homeSummary),
    listExportFiles: async () => structuredClone(exportView),
    validateUploads: async () => structuredClone(invalidUpload),
    sendStaged: async () => ({
      outcomes: [{ unit: validUpload.units[0]!.key, partner: 'ひまわり訪問介護', messageId: 'msg-0100', state: 'accepted', message: { ja: '相手に届きました。', en: 'Delivered.' } }],
      validation: structuredClone(validUpload),
    }),
    sendExportFiles: async () => ({
      outcomes: [{ unit: exportView.units[0]!.key, partner: 'ひまわり訪問介護', messageId: 'msg-0101', state: 'queued', message: { ja: '送信待ちに入れました。', en: 'Queued.' } }],
      validation: structuredClone(exportView),
    }),
    exportFolderState: async () => ({ ...structuredClone(folderState), recent: [structuredClone(history[0]!)] }),
    listErrors: async () => structuredClone(errorsView),
    resendErrors: async () => ({
      outcomes: [{ unit: errorsView.units[0]!.key, partner: HOME_HELP, messageId: 'msg-0102', state: 'accepted', message: { ja: '連携サービスが受け付けました', en: 'Accepted by the linkage service' } }],
      validation: structuredClone(exportView),
    }),
    acknowledgeErrors: async () => ({ ...structuredClone(errorsView), acknowledgedAt: '2025-04-25T03:00:00.000Z', units: errorsView.units.map((u) => ({ ...structuredClone(u), acknowledged: true })) }),
    listArrivals: async () => structuredClone(arrivals),
    receiveNow: async () => ({ imported: 1, quarantined: 0, pending: 0, message: { ja: '1件を受け取り、取り込みました。', en: 'Received and imported 1 item.' } }),
    openFolder: async ({ which }) => ({ path: which === 'import' ? 'C:\\CareSoft\\import' : `C:\\CareSoft\\${which}`, opened: true }),
    listDocuments: async () => structuredClone(documents),
    openDocument: async ({ file }) => structuredClone(file === FORM_FILE ? formDocument : gridDocument),
    listComparisons: async () => [structuredClone(comparisonCandidate)],
    compare: async () => structuredClone(comparisonView),
    searchPartners: async ({ query, serviceType, favouritesOnly }) =>
      structuredClone(
        partnerList.filter((p) => (!query || p.office.includes(query) || p.name.includes(query)) && (!serviceType || p.serviceTypes.includes(serviceType)) && (!favouritesOnly || p.favourite)),
      ),
    setFavourite: async ({ office, favourite }) => {
      partnerList = partnerList.map((p) => (p.office === office ? { ...p, favourite } : p));
      starred.set(office, favourite);
      return structuredClone(partnerList);
    },
    history: async () => structuredClone(history),
    historyCsv: async () => ({ fileName: 'careplan-link-history-202504.csv', csv: '日時,方向,相手\n2025-04-25,送信,ひまわり訪問介護\n' }),
    saveSettings: async (patch) => {
      state = { ...state, settings: { ...state.settings, ...patch } };
      return structuredClone(state.settings);
    },
    listPeople: async () => structuredClone(people),
    markOpened: async ({ keys }) => ({ opened: keys.length }),
    markAllOpened: async () => ({ opened: 0 }),
    pickFolder: async ({ purpose }) => ({ path: purpose === 'export' ? 'D:\\選んだ\\書き出し' : 'D:\\選んだ\\取り込み' }),
    pickCertificate: async () => ({ path: 'C:\\証明書\\picked.p12', name: 'picked.p12', p12Base64: PICKED_P12_BASE64 }),
    savePdf: async ({ name }) => ({ path: `C:\\Users\\clerk\\Documents\\${name}` }),
    ...fakeReportApi,
    ...paperFakes(HOME_HELP, DAY_CARE, starred),
  } satisfies AppApi;

  const impl: AppApi = { ...base, ...overrides };
  return Object.fromEntries(Object.entries(impl).map(([name, fn]) => [name, vi.fn(fn)])) as unknown as FakeApi;
}
