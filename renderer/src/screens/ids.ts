import type { MessageKey } from '../i18n/index.js';

/** The main screens, in navigation order. Navigation is app state (no router, no hash: api.ts reads #token=). */
export const SCREENS = ['home', 'send', 'errors', 'receive', 'documents', 'compare', 'paper', 'paperActuals', 'partners', 'history', 'report', 'settings'] as const;
export type ScreenId = (typeof SCREENS)[number];

export const SCREEN_LABEL: Record<ScreenId, MessageKey> = {
  home: 'navHome',
  send: 'navSend',
  errors: 'navErrors',
  receive: 'navReceive',
  documents: 'navDocuments',
  compare: 'navCompare',
  paper: 'navPaper',
  partners: 'navPartners',
  history: 'navHistory',
  paperActuals: 'navPaperActuals',
  report: 'navReport',
  settings: 'navSettings',
};
