import type { AppState } from '../../../shared/api/types.js';
import { useI18n } from '../i18n/index.js';

/**
 * Shows that a long call is under way: a counted bar when the back end reports done/total, otherwise a
 * moving bar, so nobody wonders whether the app has frozen.
 */
export function Progress({ activity, fallback }: { activity: AppState['activity']; fallback: string }) {
  const { t, tx } = useI18n();
  const counted = activity && activity.total > 0;
  const label = activity ? tx(activity.label) : fallback;
  return (
    <div className="progress" data-testid="progress">
      <div className="progress-label">
        {label}
        {counted ? <span className="progress-count"> {t('progressOf', { done: activity.done, total: activity.total })}</span> : null}
      </div>
      {counted ? (
        <progress className="progress-bar" max={activity.total} value={activity.done} aria-label={label} />
      ) : (
        <div className="progress-indeterminate" role="progressbar" aria-label={label}>
          <div className="progress-indeterminate-bar" />
        </div>
      )}
    </div>
  );
}
