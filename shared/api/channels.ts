// The names of the app API's methods, and nothing else: the preload and the renderer need only
// these (and types), not the payload schemas, so they stay small.
export const METHOD_NAMES = [
  'getState',
  'inspectCertificate',
  'checkFolder',
  'testConnection',
  'completeSetup',
  'setupDemo',
  'unlock',
  'updateProfile',
  'home',
  'listExportFiles',
  'validateUploads',
  'sendStaged',
  'sendExportFiles',
  'exportFolderState',
  'listErrors',
  'resendErrors',
  'acknowledgeErrors',
  'listArrivals',
  'receiveNow',
  'openFolder',
  'listDocuments',
  'openDocument',
  'listComparisons',
  'compare',
  'searchPartners',
  'setFavourite',
  'partnerLinks',
  'listPaper',
  'openPaper',
  'setPaperFaxed',
  'makeInvitation',
  'history',
  'historyCsv',
  'saveSettings',
  // People by name (利用者) and what has been opened (新着).
  'listPeople',
  'markOpened',
  'markAllOpened',
  'paperActualSources',
  'paperActualGrid',
  'exportPaperActuals',
  'effectReport',
  'effectReportCsv',
  'effectReportPdf',
  'saveEffectAssumptions',
  // Native dialogs: answered by Electron's main process itself; the browser's back end says "not available".
  'pickFolder',
  'pickCertificate',
  // 「PDFで保存」: Electron's main process prints the window to PDF (printToPDF) behind a save dialog.
  'savePdf',
] as const;

export type MethodName = (typeof METHOD_NAMES)[number];

/** The IPC channel of a method: one channel per method, no generic pipe. */
export const ipcChannel = (m: MethodName): string => `careplan:${m}`;
