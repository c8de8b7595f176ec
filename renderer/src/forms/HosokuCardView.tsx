// 利用者補足情報 as a card: who the person is, their certification, and the 区分支給限度 figures (in
// total and per service type) the care manager sent with the plan or the month's tickets.
import type { HosokuCard } from '../../../shared/forms/index.js';
import { useI18n } from '../i18n/index.js';
import { HeadRow, Paper, PersonName } from './Paper.js';

export function HosokuCardView({ card }: { card: HosokuCard }) {
  const { t } = useI18n();
  const units = (n: string) => (n ? t('formUnits', { n }) : '');
  const items: [string, string][] = [
    [t('formBirth'), [card.person.birth, card.age === null ? '' : t('formAge', { age: card.age })].filter(Boolean).join(' ')],
    [t('formSex'), card.person.sex],
    [t('formAddress'), card.address],
    [t('formPhone'), card.phone],
    [t('formInsurer'), card.person.insurer],
    [t('formInsured'), card.person.insured],
    [t('formCertStatus'), card.certStatus],
    [t('formCareLevel'), card.careLevel],
    [t('formCertDate'), card.certDate],
    [t('formLimitPeriod'), card.limitPeriod],
    [t('formCareLevelChanged'), card.careLevelChanged],
    [t('formPreviousCareLevel'), card.previousCareLevel],
    [t('formLimit'), units(card.limit)],
    [t('formTotalOver'), units(card.totalOver)],
    [t('formShortStay'), card.shortStayDaysBefore || card.shortStayDaysTotal ? `${card.shortStayDaysBefore || '0'}／${card.shortStayDaysTotal || '0'}` : ''],
    [t('formConsentOffice'), card.consentOffice],
  ];
  return (
    <Paper orientation="portrait" testId="hosoku-card">
      <div className="card hosoku">
        <header className="hosoku-head">
          <span className="paper-table-no">{t('formHosokuTitle')}</span>
          <PersonName person={card.person} />
          <span className="hosoku-when">{card.month ? t('formMonthOf', { month: card.month }) : [t('formAttachedToPlan'), card.planDate].filter(Boolean).join(' ')}</span>
        </header>
        <dl className="hosoku-items">
          {items
            .filter(([, v]) => v !== '')
            .map(([k, v]) => (
              <div key={k} className={k === t('formAddress') ? 'hosoku-item hosoku-item-wide' : 'hosoku-item'}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
        </dl>
        {card.slots.length > 0 ? (
          <table className="paper-table hosoku-slots">
            <caption>{t('formLimitSlots')}</caption>
            <thead>
              <HeadRow labels={[t('formSlotType'), t('formSlotLimit'), t('formSlotTotal'), t('formSlotOver')]} />
            </thead>
            <tbody>
              {card.slots.map((s, i) => (
                <tr key={`${s.serviceType}-${i}`}>
                  <td>{s.serviceType}</td>
                  <td className="num">{s.limit}</td>
                  <td className="num">{s.total}</td>
                  <td className="num">{s.over}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </div>
    </Paper>
  );
}
