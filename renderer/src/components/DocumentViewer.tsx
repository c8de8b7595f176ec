import type { DocumentView } from '../../../shared/api/types.js';
import { useI18n } from '../i18n/index.js';
import { FormRecordView } from './FormRecordView.js';
import { TicketGrid } from './TicketGrid.js';

/** One opened file: 第6表 as the paper grid, anything else as forms. */
export function DocumentViewer({ view }: { view: DocumentView }) {
  const { t } = useI18n();
  return (
    <article className="document" data-testid="document-view">
      <header className="document-head">
        <h2>{view.title}</h2>
        <span className="file-name">{view.file}</span>
      </header>
      {view.kind === 'grid' ? (
        view.grids.length === 0 ? (
          <p>{t('gridEmpty')}</p>
        ) : (
          view.grids.map((g) => <TicketGrid key={`${g.insurer}-${g.insured}-${g.month}`} grid={g} />)
        )
      ) : (
        view.records.map((r, i) => <FormRecordView key={`${r.title}-${i}`} record={r} />)
      )}
    </article>
  );
}
