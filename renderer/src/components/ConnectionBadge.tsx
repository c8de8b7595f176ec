import type { AppState } from '../../../shared/api/types.js';
import type { MessageKey } from '../i18n/index.js';
import { useI18n } from '../i18n/index.js';

const label: Record<AppState['connection']['state'], MessageKey> = { online: 'connOnline', offline: 'connOffline', unknown: 'connUnknown' };

export function ConnectionBadge({ connection, testId = 'connection-state' }: { connection: AppState['connection']; testId?: string }) {
  const { t } = useI18n();
  return (
    <span className={`conn conn-${connection.state}`} data-testid={testId} data-state={connection.state}>
      <span className="conn-dot" aria-hidden="true" />
      {t(label[connection.state])}
    </span>
  );
}
