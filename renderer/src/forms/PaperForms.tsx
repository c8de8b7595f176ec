// The forms of one opened file: 第1表, 第2表, 第3表, 利用者補足情報 and 第7表 drawn as paper (one sheet
// per person), from the file's records through the shared view model (shared/forms). A kind with no
// paper form returns null, and the viewer shows its records as a list instead.
import type { FormRecord } from '../../../shared/api/types.js';
import { type PaperForm, paperForms, type PersonDirectory } from '../../../shared/forms/index.js';
import { HosokuCardView } from './HosokuCardView.js';
import { Plan1Sheet } from './Plan1Sheet.js';
import { Plan2Sheet } from './Plan2Sheet.js';
import { Plan3Sheet } from './Plan3Sheet.js';
import { Table7Sheet } from './Table7Sheet.js';

/** The CSV rows of a file as the back end sent them (each record's fields in column order). */
export function rowsOf(records: readonly FormRecord[]): string[][] {
  return records.map((r) => [...r.fields].sort((a, b) => a.no - b.no).map((f) => f.value));
}

function Sheet({ form }: { form: PaperForm }) {
  switch (form.kind) {
    case 'plan1':
      return <Plan1Sheet form={form} />;
    case 'plan2':
      return <Plan2Sheet form={form} />;
    case 'plan3':
      return <Plan3Sheet form={form} />;
    case 'hosoku':
      return <HosokuCardView card={form} />;
    case 'table7':
      return <Table7Sheet form={form} />;
  }
}

/** Sheets for a file, or null when its kind has no paper form. */
export function formsFor(fileType: string, records: readonly FormRecord[], people?: PersonDirectory): PaperForm[] | null {
  return paperForms(fileType, rowsOf(records), people);
}

export function PaperForms({ forms }: { forms: PaperForm[] }) {
  return (
    <div className="papers" data-testid="paper-forms">
      {forms.map((f, i) => (
        <Sheet key={`${f.kind}-${f.person.insurer}-${f.person.insured}-${i}`} form={f} />
      ))}
    </div>
  );
}
