import type { Person } from '../../../shared/api/types.js';
import { useI18n } from '../i18n/index.js';
import { formatMonth } from '../util/format.js';
import { personKey, type ListFilterState } from '../util/listFilter.js';

/**
 * The filters above a list: search (names, kana, numbers, the words shown), month and 利用者. `id`
 * keeps the labels' targets apart when two lists share a screen.
 */
export function ListFilters({ id, value, onChange, months, people, shown, total }: { id: string; value: ListFilterState; onChange: (v: ListFilterState) => void; months: string[]; people: Person[] | null; shown: number; total: number }) {
  const { t, lang } = useI18n();
  const named = (p: Person) => (p.name ? `${p.name}（${p.kana ?? ''}）`.replace('（）', '') : p.insured);
  return (
    <div className="filters list-filters" data-testid={`${id}-filters`}>
      <div className="field field-search">
        <label htmlFor={`${id}-search`}>{t('listSearch')}</label>
        <input id={`${id}-search`} data-testid={`${id}-search`} type="search" value={value.text} onChange={(e) => onChange({ ...value, text: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-month`}>{t('month')}</label>
        <select id={`${id}-month`} data-testid={`${id}-month`} value={value.month} onChange={(e) => onChange({ ...value, month: e.target.value })}>
          <option value="">{t('monthAll')}</option>
          {months.map((m) => (
            <option key={m} value={m}>
              {formatMonth(m, lang)}
            </option>
          ))}
        </select>
      </div>
      {people ? (
        <div className="field">
          <label htmlFor={`${id}-person`}>{t('person')}</label>
          <select id={`${id}-person`} data-testid={`${id}-person`} value={value.person} onChange={(e) => onChange({ ...value, person: e.target.value })}>
            <option value="">{t('personAll')}</option>
            {people.map((p) => (
              <option key={personKey(p)} value={personKey(p)}>
                {named(p)}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <p className="list-count" data-testid={`${id}-count`} aria-live="polite">
        {t('listShown', { shown, total })}
      </p>
    </div>
  );
}
