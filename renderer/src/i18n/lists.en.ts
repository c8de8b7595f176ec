// English twins of lists.ja.ts (typed by its keys).
import type { listsJa } from './lists.ja.js';

export const listsEn: Record<keyof typeof listsJa, string> = {
  person: 'Person',
  personAll: 'All people',
  personNamed: '{name}',
  personUnnamed: 'Name unknown (no user notes yet)',
  monthAll: 'All months',
  listSearch: 'Search (name, kana, number, form)',
  listSearchNone: 'Nothing matches.',
  listShown: '{shown} of {total}',
  newMark: 'New',
  markAllSeen: 'Mark all {n} new as seen',
  personNoMonth: 'No month',
  provPlan: 'Service ticket (plan received)',
  provActual: 'Service ticket (actuals returned)',
  provSikyu: 'Service ticket annex (Table 7)',
  provCompareIntro: 'The plan the care-manager office sent (the service ticket) beside the actuals this office returned, with what differs.',
  provPlanned: 'Plan received',
  provReturned: 'Actuals returned',
  stImportedToFolder: 'Saved to the import folder',
  otherProviderNote: 'Faded rows are other offices’ services. The ticket is the person’s copy, so it lists every office’s plan for the month (standard spec 4.1, output unit).',
  otherProviderRow: 'Another office',
  folderTypeHint: 'A browser cannot open a folder picker for this PC, so type the path (e.g. C:\\CareSoft\\export). The desktop app offers “Browse…”.',
};
