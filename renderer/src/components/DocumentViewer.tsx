import { useRef } from 'react';
import type { DocumentView } from '../../../shared/api/types.js';
import { personOf, type PersonDirectory } from '../../../shared/forms/index.js';
import { formsFor, PaperForms } from '../forms/PaperForms.js';
import { PrintBar } from '../forms/PrintBar.js';
import { useI18n } from '../i18n/index.js';
import { FormRecordView } from './FormRecordView.js';
import { TicketGrid } from './TicketGrid.js';

/**
 * One opened file as its paper form: 第6表 as the grid, 第1〜3表, 利用者補足情報 and 第7表 as the
 * printed forms (renderer/src/forms), anything else as its records. `people` (from the unit's
 * 利用者補足情報) puts names on forms whose file has only numbers. 「印刷」 and 「PDFで保存」 print this
 * document alone, one person per page.
 */
export function DocumentViewer({ view, people }: { view: DocumentView; people?: PersonDirectory }) {
  const { t } = useI18n();
  const ref = useRef<HTMLElement>(null);
  const forms = view.kind === 'form' ? formsFor(view.fileType, view.records, people) : null;
  const firstName = forms?.find((f) => f.person.name)?.person.name ?? '';
  return (
    <article className="document" data-testid="document-view" ref={ref}>
      <header className="document-head">
        <h2>{view.title}</h2>
        <span className="file-name">{view.file}</span>
        <PrintBar target={ref} nameParts={[view.title, firstName]} />
      </header>
      {view.kind === 'grid' ? (
        view.grids.length === 0 ? (
          <p>{t('gridEmpty')}</p>
        ) : (
          view.grids.map((g) => {
            const person = personOf(people, g.insurer, g.insured);
            return (
              <section key={`${g.insurer}-${g.insured}-${g.month}`} className="paper paper-landscape paper-ticket" data-orientation="landscape">
                <header className="paper-ticket-head">
                  <span className="paper-ticket-title">{view.title}</span>
                  {person.name ? (
                    <h3 className="paper-ticket-name" data-testid="ticket-person">
                      {t('formUserName', { name: person.name })}
                    </h3>
                  ) : null}
                </header>
                <TicketGrid grid={g} caption={person.name} />
              </section>
            );
          })
        )
      ) : forms ? (
        <PaperForms forms={forms} />
      ) : (
        view.records.map((r, i) => <FormRecordView key={`${r.title}-${i}`} record={r} />)
      )}
    </article>
  );
}
