import type { Person } from '../../../shared/api/types.js';
import { useI18n } from '../i18n/index.js';
import { SelectField } from './FormFields.js';
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
      <SelectField id={`${id}-month`} label={t('month')} value={value.month} onChange={(month) => onChange({ ...value, month })} all={t('monthAll')} options={months.map((m) => ({ value: m, label: formatMonth(m, lang) }))} />
      {people ? (
        <SelectField id={`${id}-person`} label={t('person')} value={value.person} onChange={(person) => onChange({ ...value, person })} all={t('personAll')} options={people.map((p) => ({ value: personKey(p), label: named(p) }))} />
      ) : null}
      <p className="list-count" data-testid={`${id}-count`} aria-live="polite">
        {t('listShown', { shown, total })}
      </p>
    </div>
  );
}
