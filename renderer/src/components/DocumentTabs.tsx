import { useState } from 'react';
import type { DocumentView } from '../../../shared/api/types.js';
import { DocumentViewer } from './DocumentViewer.js';

/**
 * The files of one arrival, one at a time: a unit holds several files (第6表, 第7表, 補足情報) and
 * shown together they make a page nobody can find their way through. The ticket grid comes first.
 */
export function DocumentTabs({ views }: { views: DocumentView[] }) {
  const first = Math.max(0, views.findIndex((v) => v.kind === 'grid'));
  const [selected, setSelected] = useState(first);
  const current = views[selected] ?? views[0];
  if (!current) return null;
  return (
    <div className="document-tabs">
      {views.length > 1 ? (
        <div className="tabs" role="tablist">
          {views.map((v, i) => (
            <button key={v.file} type="button" role="tab" aria-selected={i === selected} className={`tab${i === selected ? ' tab-selected' : ''}`} data-testid="document-tab" onClick={() => setSelected(i)}>
              {v.title}
            </button>
          ))}
        </div>
      ) : null}
      <DocumentViewer key={current.file} view={current} />
    </div>
  );
}
