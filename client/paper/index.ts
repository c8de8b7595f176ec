// Paper for partners not yet linked: the send decision (link.ts), the monthly PDF per partner with its
// 送付状 (send.ts, sheet.ts, cover.ts, forms.ts), what went on paper (store.ts) and the invitation letter.
export { entryLinked, linkStateForSending, routeOf, type LinkState } from './link.js';
export { contactOf, sendOnPaper, sentOnPaper, unitKeyOf } from './send.js';
export { PAPER_FOLDER, PaperStore, type PaperSheet } from './store.js';
export { makeInvitationPdf, STUDY, writeInvitation } from './invitation.js';
export { paperHistoryEntries } from './history.js';
