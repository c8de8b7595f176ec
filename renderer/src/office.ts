// Which office the screens speak for. A care-manager office (居宅介護支援 43, 介護予防支援 46) sends
// plans and reads actuals; every other office is a provider and reads the 第6表 as its 提供票: the plan
// that came to it and the actuals it returned.
import { createContext, useContext } from 'react';
import type { OfficeProfile } from '../../shared/api/types.js';
import type { I18n, MessageKey } from './i18n/index.js';
import { kindName } from './i18n/index.js';

export const OfficeContext = createContext<OfficeProfile | null>(null);

const CARE_MANAGER_TYPES = new Set(['43', '46']);

export function isProvider(profile: OfficeProfile | null): boolean {
  return profile !== null && !CARE_MANAGER_TYPES.has(profile.serviceType);
}

/** Whether the open office is a provider (false while nothing is set up). */
export function useIsProvider(): boolean {
  return isProvider(useContext(OfficeContext));
}

const PROVIDER_KIND: Record<string, MessageKey> = { UPPLAN: 'provPlan', UPJSK: 'provActual', UPSIKYU: 'provSikyu' };

/** A file kind in the office's own words: a provider's 第6表 is its 提供票. */
export function kindLabel(kind: string, i18n: Pick<I18n, 't' | 'lang'>, provider: boolean, fallback?: string): string {
  const own = provider ? PROVIDER_KIND[kind] : undefined;
  return own ? i18n.t(own) : (fallback ?? kindName(kind, i18n.lang));
}
