// 第2表 居宅サービス計画書（2）: needs, long- and short-term goals with their periods, and the support
// lines, with the cells merged down the table where the paper merges them (shared/forms plan2Rows).
import { type Plan2Form, plan2Rows } from '../../../shared/forms/index.js';
import { useI18n } from '../i18n/index.js';
import { Paper, PaperTitle, PersonName, PersonNumbers } from './Paper.js';

export function Plan2Sheet({ form }: { form: Plan2Form }) {
  const { t } = useI18n();
  const rows = plan2Rows(form.needs);
  return (
    <Paper orientation="landscape" testId="plan2-sheet">
      <PaperTitle table={t('formTable2')} title={t('formPlan2Title')} created={form.created}>
        <span className="paper-who">
          {t('formUser')} <PersonName person={form.person} />
        </span>
        <PersonNumbers person={form.person} />
      </PaperTitle>
      <table className="paper-table plan2">
        <colgroup>
          <col className="p2-need" />
          <col className="p2-goal" />
          <col className="p2-period" />
          <col className="p2-goal" />
          <col className="p2-period" />
          <col className="p2-content" />
          <col className="p2-mark" />
          <col className="p2-kind" />
          <col className="p2-office" />
          <col className="p2-freq" />
          <col className="p2-period" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col" rowSpan={2}>
              {t('formNeeds')}
            </th>
            <th scope="colgroup" colSpan={4}>
              {t('formGoals')}
            </th>
            <th scope="colgroup" colSpan={6}>
              {t('formSupport')}
            </th>
          </tr>
          <tr>
            <th scope="col">{t('formLongGoal')}</th>
            <th scope="col">{t('formPeriod')}</th>
            <th scope="col">{t('formShortGoal')}</th>
            <th scope="col">{t('formPeriod')}</th>
            <th scope="col">{t('formServiceContent')}</th>
            <th scope="col">{t('formInsuredMark')}</th>
            <th scope="col">{t('formServiceKind')}</th>
            <th scope="col">{t('formOfficeMark')}</th>
            <th scope="col">{t('formFrequency')}</th>
            <th scope="col">{t('formTerm')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.need.no}-${r.goal.no}-${r.service.no}-${r.service.content}`} data-testid="plan2-row">
              {r.needSpan ? (
                <td rowSpan={r.needSpan} className="paper-text">
                  {r.need.text}
                </td>
              ) : null}
              {r.goalSpan ? (
                <>
                  <td rowSpan={r.goalSpan} className="paper-text">
                    {r.goal.longText}
                  </td>
                  <td rowSpan={r.goalSpan} className="paper-period">
                    {r.goal.longPeriod}
                  </td>
                </>
              ) : null}
              {r.shortSpan ? (
                <>
                  <td rowSpan={r.shortSpan} className="paper-text">
                    {r.short.text}
                  </td>
                  <td rowSpan={r.shortSpan} className="paper-period">
                    {r.short.period}
                  </td>
                </>
              ) : null}
              <td className="paper-text">{r.service.content}</td>
              <td className="paper-mark" title={r.service.insuredLabel}>
                {r.service.insured ? '○' : ''}
              </td>
              <td>{r.service.kind}</td>
              <td>{r.service.office}</td>
              <td>{r.service.frequency}</td>
              <td className="paper-period">{r.service.period}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="paper-note">{t('formNote2')}</p>
    </Paper>
  );
}
