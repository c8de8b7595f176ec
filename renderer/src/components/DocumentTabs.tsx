import { useEffect, useMemo, useRef, useState } from 'react';
import type { DocumentView } from '../../../shared/api/types.js';
import { personDirectory } from '../../../shared/forms/index.js';
import { rowsOf } from '../forms/PaperForms.js';
import { DocumentViewer } from './DocumentViewer.js';

/**
 * The files of one arrival, one at a time: a unit holds several files (第6表, 第7表, 補足情報) and
 * shown together they make a page nobody can find their way through. The ticket grid comes first.
 * The unit's 利用者補足情報 names the people of every other file (第1表 and 第6表 carry only numbers).
 */
export function DocumentTabs({ views }: { views: DocumentView[] }) {
  const first = Math.max(0, views.findIndex((v) => v.kind === 'grid'));
  const [selected, setSelected] = useState(first);
  const people = useMemo(() => personDirectory(views.flatMap((v) => (v.kind === 'form' && v.fileType === 'UPHOSOKU' ? rowsOf(v.records) : []))), [views]);
  const box = useRef<HTMLDivElement>(null);
  // Opened below a list, the forms start under the fold of a 768-pixel screen: bring them up once.
  useEffect(() => {
    box.current?.scrollIntoView?.({ block: 'start' });
  }, []);
  const current = views[selected] ?? views[0];
  if (!current) return null;
  return (
    <div className="document-tabs" ref={box}>
      {views.length > 1 ? (
        <div className="tabs no-print" role="tablist">
          {views.map((v, i) => (
            <button key={v.file} type="button" role="tab" aria-selected={i === selected} className={`tab${i === selected ? ' tab-selected' : ''}`} data-testid="document-tab" onClick={() => setSelected(i)}>
              {v.title}
            </button>
          ))}
        </div>
      ) : null}
      <DocumentViewer key={current.file} view={current} people={people} />
    </div>
  );
}
