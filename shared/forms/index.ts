// The paper forms as view models: what 第1表, 第2表, 第3表, 利用者補足情報 and 第7表 print, with every
// code named and every date written as people write it. Pure (no DOM, no Node), so the screens
// (renderer/src/forms) and the PDF writer draw the same forms from the same parsed records.
//
// Input everywhere: the records of one file as parsed CSV rows (string[][], spec column n at index
// n-1), plus optionally the people of the unit's UPHOSOKU (personDirectory) to print names.
import type { HosokuCard } from './hosoku.js';
import { hosokuCards } from './hosoku.js';
import type { PersonDirectory } from './person.js';
import type { Plan1Form } from './plan1.js';
import { plan1Forms } from './plan1.js';
import type { Plan2Form } from './plan2.js';
import { plan2Forms } from './plan2.js';
import type { Plan3Form } from './plan3.js';
import { plan3Forms } from './plan3.js';
import type { Table7Form } from './table7.js';
import { table7Forms } from './table7.js';

export * from './codes.js';
export * from './format.js';
export * from './hosoku.js';
export * from './person.js';
export * from './plan1.js';
export * from './plan2.js';
export * from './plan3.js';
export * from './table7.js';

export type PaperForm = Plan1Form | Plan2Form | Plan3Form | HosokuCard | Table7Form;

/** How each form prints: 第1表/第2表 and the card portrait, 第3表 and 第6表/第7表 landscape (as on paper). */
export type Orientation = 'portrait' | 'landscape';

export const FORM_ORIENTATION: Record<PaperForm['kind'] | 'table6', Orientation> = {
  plan1: 'portrait',
  plan2: 'landscape',
  plan3: 'landscape',
  hosoku: 'portrait',
  table7: 'landscape',
  table6: 'landscape',
};

/** The file kinds drawn as paper forms; others (介護予防, deletions) stay key/value records. */
export const PAPER_FILE_TYPES = ['UP1KYO', 'UP2KYO', 'UP3KYO', 'UPHOSOKU', 'UPSIKYU'] as const;

/** The forms of one file, one per person (and plan or month); null for a kind that has no paper form. */
export function paperForms(fileType: string, rows: readonly (readonly string[])[], people?: PersonDirectory): PaperForm[] | null {
  switch (fileType) {
    case 'UP1KYO':
      return plan1Forms(rows, people);
    case 'UP2KYO':
      return plan2Forms(rows, people);
    case 'UP3KYO':
      return plan3Forms(rows, people);
    case 'UPHOSOKU':
      return hosokuCards(rows);
    case 'UPSIKYU':
      return table7Forms(rows, people);
    default:
      return null;
  }
}
