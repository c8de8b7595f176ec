// Partner offices: the relay's directory as far as we have seen it (names are a courtesy: an office
// number alone always works), the search screen and the favourites.
import type { Handlers } from '../../shared/api/methods.js';
import type { Partner } from '../../shared/api/types.js';
import type { RelayClient } from '../transport/relayClient.js';
import type { Session } from '../transport/session.js';
import type { BackendContext } from './context.js';

type DirectoryOffice = Awaited<ReturnType<RelayClient['directory']>>['offices'][number];

/** How often the background refresh asks the directory again. */
const DIRECTORY_EVERY_MS = 60_000;

export class Partners {
  private readonly directory = new Map<string, { name: string; serviceTypes: string[]; lastSeen: string }>();
  private directoryAt = 0;

  constructor(private readonly ctx: BackendContext) {}

  private remember(offices: DirectoryOffice[]): void {
    for (const o of offices) this.directory.set(o.office, { name: o.name, serviceTypes: o.serviceTypes, lastSeen: o.lastSeen });
  }

  /** The name of an office we know, for screens and notifications. */
  readonly nameOf = (office: string): string | null => {
    const s = this.ctx.session;
    if (s && office === s.config.office) return s.config.name ?? null;
    return this.directory.get(office)?.name ?? this.ctx.opts.demoOffices?.find((d) => d.office === office)?.name ?? null;
  };

  /** Asks the directory for offices whose names we have not seen yet (best effort: names are a courtesy). */
  async learnNames(s: Session, offices: string[]): Promise<void> {
    const unknown = [...new Set(offices)].filter((o) => o !== s.config.office && !this.directory.has(o));
    if (unknown.length === 0) return;
    try {
      const { offices: found } = await s.client.directory({});
      this.remember(found);
    } catch {
      /* offline: the office number alone will do */
    }
  }

  /** The background refresh's part: the whole directory, once a minute. A failure is the caller's (it means offline). */
  async refresh(s: Session): Promise<void> {
    if (Date.now() - this.directoryAt <= DIRECTORY_EVERY_MS) return;
    const { offices } = await s.client.directory({});
    this.remember(offices);
    this.directoryAt = Date.now();
  }

  readonly handlers: Pick<Handlers, 'searchPartners' | 'setFavourite'> = {
    searchPartners: async ({ query, serviceType, favouritesOnly }) => {
      const { s } = this.ctx.need();
      const { offices } = await s.client.directory({ ...(query.trim() ? { q: query.trim() } : {}), ...(serviceType ? { type: serviceType } : {}) });
      this.remember(offices);
      const fav = new Set(this.ctx.prefs.favourites);
      const list: Partner[] = offices.filter((o) => o.office !== s.config.office).map((o) => ({ office: o.office, name: o.name, serviceTypes: o.serviceTypes, onService: true, favourite: fav.has(o.office), lastSeen: o.lastSeen }));
      list.sort((a, b) => Number(b.favourite) - Number(a.favourite) || a.office.localeCompare(b.office));
      return favouritesOnly ? list.filter((p) => p.favourite) : list;
    },

    setFavourite: async ({ office, favourite }) => {
      const set = new Set(this.ctx.prefs.favourites);
      if (favourite) set.add(office);
      else set.delete(office);
      this.ctx.savePrefs({ ...this.ctx.prefs, favourites: [...set].sort() });
      return this.handlers.searchPartners({ query: '' });
    },
  };
}
