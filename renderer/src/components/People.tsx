import type { PersonName } from '../../../shared/api/types.js';
import { useI18n } from '../i18n/index.js';

/** How many names a list cell shows before 「ほか N 名」: a 第6表 file may hold a whole office's people. */
const SHOWN = 2;

/** A person as a clerk names them: 山田 花子 様, the kana below, the 被保険者番号 as the small print. */
export function PersonLabel({ person, numbers = true }: { person: PersonName; numbers?: boolean }) {
  const { t } = useI18n();
  return (
    <span className="person" data-testid="person">
      {person.name ? (
        <span className="person-name">{t('personNamed', { name: person.name })}</span>
      ) : (
        <span className="person-name person-unnamed" title={t('personUnnamed')}>
          {person.insured}
        </span>
      )}
      {person.kana ? <span className="sub person-kana">{person.kana}</span> : null}
      {numbers && person.name ? <span className="sub person-no">{`${person.insurer}・${person.insured}`}</span> : null}
    </span>
  );
}

/** The people of a row (one file may hold many): the first few by name, then how many more. */
export function PeopleCell({ people, first }: { people: readonly PersonName[] | undefined; first?: string }) {
  const { lang } = useI18n();
  // The person the list is filtered by comes first: the row is shown because of them.
  const list = [...(people ?? [])].sort((a, b) => Number(`${b.insurer}|${b.insured}` === first) - Number(`${a.insurer}|${a.insured}` === first));
  if (list.length === 0) return <span className="sub">—</span>;
  const more = list.length - SHOWN;
  return (
    <span className="people">
      {list.slice(0, SHOWN).map((p) => (
        <PersonLabel key={`${p.insurer}|${p.insured}`} person={p} numbers={false} />
      ))}
      {more > 0 ? <span className="sub people-more">{lang === 'ja' ? `ほか ${more} 名` : `and ${more} more`}</span> : null}
    </span>
  );
}

/** 新着: not opened yet. */
export function NewMark({ show }: { show: boolean | undefined }) {
  const { t } = useI18n();
  return show ? (
    <span className="badge badge-new" data-testid="new-mark">
      {t('newMark')}
    </span>
  ) : null;
}
