import { useEffect, useState } from 'react';
import type { Partner } from '../../../shared/api/types.js';
import { api } from '../api.js';
import { ErrorAlert } from '../components/Alert.js';
import { ListCard } from '../components/ListCard.js';
import { PartnerStatus, usePartnerLinks } from '../components/PartnerStatus.js';
import { useAction, useLoad } from '../hooks.js';
import { SERVICE_TYPE_CHOICES, serviceTypeName, useI18n } from '../i18n/index.js';
import { useDebounced } from '../util/debounce.js';
import { showOpened } from '../util/openFile.js';

/** Wait this long after the last key press before searching, so typing a name does not flood the back end. */
const SEARCH_DELAY_MS = 250;

export function PartnersPage() {
  const { t, lang } = useI18n();
  const [query, setQuery] = useState('');
  const [serviceType, setServiceType] = useState('');
  const [favouritesOnly, setFavouritesOnly] = useState(false);
  const q = useDebounced(query.trim(), SEARCH_DELAY_MS);
  const list = useLoad(
    () => api().searchPartners({ query: q, ...(serviceType ? { serviceType } : {}), ...(favouritesOnly ? { favouritesOnly: true } : {}) }),
    `${q}|${serviceType}|${favouritesOnly}`,
  );
  const fav = useAction();
  // Star changes shown at once, before the next search: the back end answers with its updated list.
  const [starred, setStarred] = useState<Map<string, boolean>>(new Map());
  useEffect(() => setStarred(new Map()), [list.data]);
  // Each star change also reloads 送付先の事業所 above, which shows the same stars.
  const [starChanges, setStarChanges] = useState(0);

  const toggle = async (p: Partner, now: boolean) => {
    const updated = await fav.run(() => api().setFavourite({ office: p.office, favourite: !now }));
    if (!updated) return;
    const next = new Map<string, boolean>();
    for (const u of updated) next.set(u.office, u.favourite);
    // The answer may not include this row (a filtered list); we know what we asked for.
    if (!next.has(p.office)) next.set(p.office, !now);
    setStarred(next);
    setStarChanges((n) => n + 1);
    if (favouritesOnly) void list.reload();
  };

  const rows = (list.data ?? []).map((p) => ({ ...p, favourite: starred.get(p.office) ?? p.favourite }));
  // 連携中 / 未連携 of the directory's rows (listed is not enough: the certificate must be valid now).
  const { links } = usePartnerLinks(rows.map((p) => p.office));

  return (
    <div className="page" data-testid="screen-partners">
      <h1>{t('partnersTitle')}</h1>
      <MyPartners starChanges={starChanges} />
      <div className="filters">
        <div className="field">
          <label htmlFor="partner-search">{t('partnerSearch')}</label>
          <input id="partner-search" data-testid="partner-search" type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="partner-type">{t('colServiceType')}</label>
          <select id="partner-type" data-testid="partner-type" value={serviceType} onChange={(e) => setServiceType(e.target.value)}>
            <option value="">{t('partnerTypeAll')}</option>
            {SERVICE_TYPE_CHOICES.map((c) => (
              <option key={c} value={c}>
                {serviceTypeName(c, lang)}
              </option>
            ))}
          </select>
        </div>
        <label className="check">
          <input type="checkbox" data-testid="partner-favourites-only" checked={favouritesOnly} onChange={(e) => setFavouritesOnly(e.target.checked)} />
          {t('favouritesOnly')}
        </label>
      </div>
      <ErrorAlert error={list.error ?? fav.error} />
      <ListCard loaded={list} rows={rows} empty={t('partnersEmpty')} columns={[t('colOffice'), t('colName'), t('colServiceType'), t('colLink'), t('colFavourite')]}>
        {(shown) =>
          shown.map((p) => (
            <tr key={p.office} data-testid="partner-row">
              <td className="mono">{p.office}</td>
              <td>{p.name}</td>
              <td>{p.serviceTypes.map((s) => serviceTypeName(s, lang)).join('、')}</td>
              <td>
                <PartnerStatus state={links.get(p.office)?.state ?? (p.onService ? 'unknown' : 'unlinked')} />
              </td>
              <td>
                <button
                  type="button"
                  className={`star${p.favourite ? ' star-on' : ''}`}
                  data-testid="partner-favourite"
                  aria-pressed={p.favourite}
                  aria-label={p.favourite ? t('favouriteRemove') : t('favouriteAdd')}
                  title={p.favourite ? t('favouriteRemove') : t('favouriteAdd')}
                  disabled={fav.busy}
                  onClick={() => void toggle(p, p.favourite)}
                >
                  {p.favourite ? '★' : '☆'}
                </button>
              </td>
            </tr>
          ))
        }
      </ListCard>
    </div>
  );
}

/** The partners this office sends to, with their status; an unlinked one can be sent an invitation letter. */
function MyPartners({ starChanges }: { starChanges: number }) {
  const { t } = useI18n();
  const mine = useLoad(() => api().partnerLinks({}), String(starChanges));
  const act = useAction();
  const [made, setMade] = useState<string | null>(null);
  const invite = async (office: string, name: string | null) => {
    const r = await act.run(() => api().makeInvitation({ office, ...(name ? { name } : {}) }));
    if (!r) return;
    showOpened(r);
    setMade(t('invitationMade') + r.path);
  };
  return (
    <section className="partners-mine" data-testid="partners-mine">
      <h2>{t('partnersMine')}</h2>
      <p className="lead">{t('partnersMineLead')}</p>
      <ErrorAlert error={mine.error ?? act.error} />
      {made ? (
        <p role="status" data-testid="invitation-made">
          {made}
        </p>
      ) : null}
      <ListCard loaded={mine} empty={t('partnersMineEmpty')} columns={[t('colOffice'), t('colName'), t('colLink')]} actionColumn={t('invite')}>
        {(shown) =>
          shown.map((p) => (
            <tr key={p.office} data-testid="my-partner-row">
              <td className="mono">
                {p.favourite ? '★ ' : ''}
                {p.office}
              </td>
              <td>{p.name ?? ''}</td>
              <td>
                <PartnerStatus state={p.state} />
              </td>
              <td className="invite">
                {p.state === 'unlinked' ? (
                  <button type="button" className="btn btn-sub" data-testid="partner-invite" disabled={act.busy} onClick={() => void invite(p.office, p.name)}>
                    {t('invite')}
                  </button>
                ) : null}
              </td>
            </tr>
          ))
        }
      </ListCard>
    </section>
  );
}
