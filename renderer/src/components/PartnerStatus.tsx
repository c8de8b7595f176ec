// The partner's linkage status as a small badge (連携中 / 未連携 / 確認中), for any screen that names a
// partner. usePartnerLinks asks the back end once for a set of offices (its directory answer is cached).
import type { LinkState, PartnerLink } from '../../../shared/api/types.js';
import { api } from '../api.js';
import { useLoad } from '../hooks.js';
import type { MessageKey } from '../i18n/index.js';
import { useI18n } from '../i18n/index.js';

const LABEL: Record<LinkState, MessageKey> = { linked: 'linkLinked', unlinked: 'linkUnlinked', unknown: 'linkUnknown' };
const HINT: Record<LinkState, MessageKey> = { linked: 'linkLinkedHint', unlinked: 'linkUnlinkedHint', unknown: 'linkUnknownHint' };
const CLASS: Record<LinkState, string> = { linked: 'badge-ok', unlinked: 'badge-warn', unknown: 'badge-muted' };

export function PartnerStatus({ state }: { state: LinkState }) {
  const { t } = useI18n();
  return (
    <span className={`badge partner-status ${CLASS[state]}`} data-testid="partner-status" data-state={state} title={t(HINT[state])}>
      {state === 'linked' ? '● ' : '○ '}
      {t(LABEL[state])}
    </span>
  );
}

/** The status of these offices (all known partners when none are given), keyed by office number. */
export function usePartnerLinks(offices?: string[]): { links: Map<string, PartnerLink>; list: PartnerLink[] | null; reload: () => Promise<void> } {
  const key = offices ? [...offices].sort().join(',') : '*';
  const loaded = useLoad(() => api().partnerLinks(offices ? { offices } : {}), key);
  const list = loaded.data;
  return { links: new Map((list ?? []).map((l) => [l.office, l])), list, reload: loaded.reload };
}
