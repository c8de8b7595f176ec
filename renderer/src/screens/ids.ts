import type { MessageKey } from '../i18n/index.js';

/** The main screens, in navigation order. Navigation is app state (no router, no hash: api.ts reads #token=). */
export const SCREENS = ['home', 'send', 'errors', 'receive', 'documents', 'compare', 'paper', 'partners', 'history', 'settings'] as const;
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
  settings: 'navSettings',
};
