// Partner offices: the relay's directory as far as we have seen it (names are a courtesy: an office
// number alone always works), the search screen and the favourites.
import type { Handlers } from '../../shared/api/methods.js';
import type { LinkState, Partner, PartnerLink } from '../../shared/api/types.js';
import { entryLinked } from '../paper/link.js';
import type { RelayClient } from '../transport/relayClient.js';
import type { Session } from '../transport/session.js';
import type { BackendContext } from './context.js';

type DirectoryOffice = Awaited<ReturnType<RelayClient['directory']>>['offices'][number];

/** How often the background refresh asks the directory again. */
const DIRECTORY_EVERY_MS = 60_000;

export class Partners {
  private readonly directory = new Map<string, { name: string; serviceTypes: string[]; lastSeen: string; linked: boolean }>();
  /** Offices asked for one by one and not listed (未連携), with when: asked again after a minute. */
  private readonly unlisted = new Map<string, number>();
  private directoryAt = 0;

  constructor(private readonly ctx: BackendContext) {}

  private remember(offices: DirectoryOffice[]): void {
    for (const o of offices) this.directory.set(o.office, { name: o.name, serviceTypes: o.serviceTypes, lastSeen: o.lastSeen, linked: entryLinked(o) });
  }

  /**
   * 連携中 / 未連携 from the cached directory (read again at most once a minute, here or by the
   * background refresh); unknown while it has never been read (offline since the start).
   */
  async linkStates(s: Session, offices: string[]): Promise<Map<string, LinkState>> {
    try {
      await this.refresh(s);
    } catch {
      /* offline: the last answer, or unknown */
    }
    // The full read holds at most the relay's first page: an office not in it is asked for by number.
    const stale = offices.filter((o) => !this.directory.has(o) && Date.now() - (this.unlisted.get(o) ?? 0) > DIRECTORY_EVERY_MS);
    for (const o of stale.slice(0, 50)) {
      try {
        const { offices: found } = await s.client.directory({ q: o });
        this.remember(found);
        if (!found.some((f) => f.office === o)) this.unlisted.set(o, Date.now());
      } catch {
        break; // offline
      }
    }
    const out = new Map<string, LinkState>();
    for (const o of offices) {
      const entry = this.directory.get(o);
      out.set(o, entry ? (entry.linked ? 'linked' : 'unlinked') : this.unlisted.has(o) ? 'unlinked' : 'unknown');
    }
    return out;
  }

  /** The partners a person deals with: receivers of what we sent (by data or on paper), and favourites. */
  private knownPartners(s: Session, extra: { office: string; name: string | null }[]): Map<string, string | null> {
    const known = new Map<string, string | null>();
    const records = this.ctx.records;
    for (const state of ['sent', 'outbox', 'failed'] as const) for (const r of records?.outbox(state) ?? []) known.set(r.header.receiver.office, null);
    for (const e of extra) known.set(e.office, e.name);
    for (const f of this.ctx.prefs.favourites) if (!known.has(f)) known.set(f, null);
    known.delete(s.config.office);
    return known;
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

  /** The partnerLinks method; `paperNames` are the names the paper sheets learnt from the documents. */
  async partnerLinks(offices: string[] | undefined, paperNames: { office: string; name: string | null }[]): Promise<PartnerLink[]> {
    const { s } = this.ctx.need();
    const known = offices ? new Map(offices.map((o) => [o, paperNames.find((p) => p.office === o)?.name ?? null])) : this.knownPartners(s, paperNames);
    const states = await this.linkStates(s, [...known.keys()]);
    const fav = new Set(this.ctx.prefs.favourites);
    return [...known.entries()]
      .map(([office, name]) => ({ office, name: this.nameOf(office) ?? name, state: states.get(office) ?? 'unknown', favourite: fav.has(office) }))
      .sort((a, b) => Number(b.favourite) - Number(a.favourite) || a.office.localeCompare(b.office));
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
