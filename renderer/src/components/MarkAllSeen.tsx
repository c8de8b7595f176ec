// 「新着をすべて確認済みにする」: after an upgrade, or a month already read on paper, every row can be
// 新着 at once; opening each one only to clear its mark is not work a clerk should do.
import { api } from '../api.js';
import { useAction } from '../hooks.js';
import { useI18n } from '../i18n/index.js';
import { ErrorAlert } from './Alert.js';

/** Shown only while `count` rows are 新着; after marking, `onDone` reloads the list. */
export function MarkAllSeen({ list, count, onDone }: { list: 'documents' | 'comparisons'; count: number; onDone: () => void }) {
  const { t } = useI18n();
  const act = useAction();
  if (count === 0 && !act.error) return null;
  const markAll = async () => {
    const r = await act.run(() => api().markAllOpened({ list }));
    if (r) onDone();
  };
  return (
    <div className="mark-all-seen no-print">
      {count > 0 ? (
        <button type="button" className="btn btn-sub" data-testid="mark-all-seen" disabled={act.busy} onClick={() => void markAll()}>
          {t('markAllSeen', { n: count })}
        </button>
      ) : null}
      <ErrorAlert error={act.error} />
    </div>
  );
}
