// The frame every paper form shares: one sheet per person, with the form number at the top left, the
// title in the middle and 作成年月日 at the right, as the standard forms print them. The sheet's
// orientation names the printed page (print.css: A4 portrait or landscape), and each sheet starts a
// new page, so a file of three people prints as three forms.
import type { ReactNode } from 'react';
import type { Choice, Orientation, PersonHeader } from '../../../shared/forms/index.js';
import { type MessageKey, useI18n } from '../i18n/index.js';

export function Paper({ orientation, testId, children }: { orientation: Orientation; testId: string; children: ReactNode }) {
  return (
    <section className={`paper paper-${orientation}`} data-testid={testId} data-orientation={orientation}>
      {children}
    </section>
  );
}

export function PaperTitle({ table, title, created, children }: { table: string; title: string; created?: string; children?: ReactNode }) {
  const { t } = useI18n();
  return (
    <header className="paper-title">
      <span className="paper-table-no">{table}</span>
      <h3>{title}</h3>
      <span className="paper-created">{created !== undefined ? `${t('formCreated')} ${created}` : ''}</span>
      {children ? <div className="paper-title-extra">{children}</div> : null}
    </header>
  );
}

/** The person as the head of a form prints them: the name (with kana) or, without one, the numbers. */
export function PersonName({ person }: { person: PersonHeader }) {
  const { t } = useI18n();
  return (
    <span className="paper-person" data-testid="paper-person">
      {person.kana ? <span className="paper-kana">{person.kana}</span> : null}
      <span className="paper-name">{person.name ? t('formUserName', { name: person.name }) : `${t('formInsured')} ${person.insured}`}</span>
    </span>
  );
}

/** 保険者番号 / 被保険者番号: small, beside the title, so a clerk can match the form to the care software. */
export function PersonNumbers({ person }: { person: PersonHeader }) {
  const { t } = useI18n();
  return (
    <span className="paper-numbers">
      <span>
        {t('formInsurer')} {person.insurer}
      </span>
      <span>
        {t('formInsured')} {person.insured}
      </span>
    </span>
  );
}

/** 初回・紹介・継続 with the chosen ones circled, as the paper is marked by hand. */
export function Choices({ choices, testId }: { choices: Choice[]; testId?: string }) {
  return (
    <span className="choices" data-testid={testId}>
      {choices.map((c, i) => (
        <span key={c.label}>
          {i > 0 ? <span className="choice-sep">・</span> : null}
          <span className={c.selected ? 'choice choice-on' : 'choice'} aria-current={c.selected ? 'true' : undefined}>
            {c.label}
          </span>
        </span>
      ))}
    </span>
  );
}

/**
 * The head of the per-person forms (第2表, 第3表, 第7表): form number, title and 作成年月日, then
 * 利用者名 with the numbers at the right, and anything the form adds between them (第7表's month).
 */
export function PersonHead({ table, title, created, person, children }: { table: MessageKey; title: MessageKey; created: string; person: PersonHeader; children?: ReactNode }) {
  const { t } = useI18n();
  return (
    <PaperTitle table={t(table)} title={t(title)} created={created}>
      <span className="paper-who">
        {t('formUser')} <PersonName person={person} />
      </span>
      {children}
      <PersonNumbers person={person} />
    </PaperTitle>
  );
}

/** A header row of column names, in the order given. */
export function HeadRow({ labels }: { labels: readonly string[] }) {
  return (
    <tr>
      {labels.map((l, i) => (
        <th scope="col" key={`${i}-${l}`}>
          {l}
        </th>
      ))}
    </tr>
  );
}
