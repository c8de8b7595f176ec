import type { ReactNode } from 'react';
import type { Loaded } from '../hooks.js';
import { useI18n } from '../i18n/index.js';

/**
 * A card with what the back end listed: "loading" at first, a plain sentence when there is nothing,
 * otherwise a table with these column headers. The same on every screen, so people learn it once.
 */
export function ListCard<T>({ loaded, rows, empty, columns, actionColumn, children }: { loaded: Loaded<T[]>; rows?: T[]; empty: string; columns: string[]; actionColumn?: string; children: (rows: T[]) => ReactNode }) {
  const { t } = useI18n();
  const shown = rows ?? loaded.data ?? [];
  return (
    <section className="card">
      {loaded.loading && !loaded.data ? <p>{t('loading')}</p> : null}
      {loaded.data && shown.length === 0 ? <p>{empty}</p> : null}
      {shown.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
              {actionColumn ? (
                <th scope="col">
                  <span className="visually-hidden">{actionColumn}</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>{children(shown)}</tbody>
        </table>
      ) : null}
    </section>
  );
}
