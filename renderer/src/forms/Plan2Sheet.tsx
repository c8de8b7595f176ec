// 第2表 居宅サービス計画書（2）: needs, long- and short-term goals with their periods, and the support
// lines, with the cells merged down the table where the paper merges them (shared/forms plan2Rows).
import { type Plan2Form, plan2Rows } from '../../../shared/forms/index.js';
import { type MessageKey, useI18n } from '../i18n/index.js';
import { HeadRow, Paper, PersonHead } from './Paper.js';

/** The second header row: the goals' and the support's columns, as the paper names them. */
const SUB_HEADS: MessageKey[] = ['formLongGoal', 'formPeriod', 'formShortGoal', 'formPeriod', 'formServiceContent', 'formInsuredMark', 'formServiceKind', 'formOfficeMark', 'formFrequency', 'formTerm'];

/** A goal and its period, merged down the rows it covers; nothing on the rows below its first. */
function GoalCells({ span, text, period }: { span: number; text: string; period: string }) {
  if (!span) return null;
  return (
    <>
      <td rowSpan={span} className="paper-text">
        {text}
      </td>
      <td rowSpan={span} className="paper-period">
        {period}
      </td>
    </>
  );
}

export function Plan2Sheet({ form }: { form: Plan2Form }) {
  const { t } = useI18n();
  const rows = plan2Rows(form.needs);
  return (
    <Paper orientation="landscape" testId="plan2-sheet">
      <PersonHead table="formTable2" title="formPlan2Title" created={form.created} person={form.person} />
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
          <HeadRow labels={SUB_HEADS.map((k) => t(k))} />
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.need.no}-${r.goal.no}-${r.service.no}-${r.service.content}`} data-testid="plan2-row">
              {r.needSpan ? (
                <td rowSpan={r.needSpan} className="paper-text">
                  {r.need.text}
                </td>
              ) : null}
              <GoalCells span={r.goalSpan} text={r.goal.longText} period={r.goal.longPeriod} />
              <GoalCells span={r.shortSpan} text={r.short.text} period={r.short.period} />
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
