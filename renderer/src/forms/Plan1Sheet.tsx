// 第1表 居宅サービス計画書（1）: the 利用者 block, the 認定 block and the three text boxes, laid out as
// the standard form (老企第29号) with the chosen 初回・紹介・継続, 認定済・申請中 and 要介護 circled.
import type { CodeText, Plan1Form } from '../../../shared/forms/index.js';
import { useI18n } from '../i18n/index.js';
import { Choices, Paper, PaperTitle, PersonName, PersonNumbers } from './Paper.js';

/** A code the paper has no choice for (要支援, 事業対象者) or that the spec does not know, written out. */
function CodeNote({ code, shown }: { code: CodeText; shown: boolean }) {
  const { t } = useI18n();
  if (shown || !code.code) return null;
  return <span className={code.unknown ? 'code-note code-unknown' : 'code-note'}>{code.unknown ? `${code.code} ${t('formUnknownCode')}` : code.label}</span>;
}

export function Plan1Sheet({ form }: { form: Plan1Form }) {
  const { t } = useI18n();
  const anySelected = (cs: { selected: boolean }[]) => cs.some((c) => c.selected);
  return (
    <Paper orientation="portrait" testId="plan1-sheet">
      <PaperTitle table={t('formTable1')} title={t('formPlan1Title')} created={form.created}>
        <PersonNumbers person={form.person} />
        <span className="paper-marks">
          <Choices choices={form.planKind} testId="plan1-kind" />
          <CodeNote code={form.planKindCode} shown={anySelected(form.planKind)} />
          <Choices choices={form.certStatus} testId="plan1-cert" />
          <CodeNote code={form.certStatusCode} shown={anySelected(form.certStatus)} />
        </span>
      </PaperTitle>
      <table className="paper-table plan1">
        <colgroup>
          <col className="plan1-label" />
          <col />
          <col className="plan1-label-s" />
          <col />
        </colgroup>
        <tbody>
          <tr>
            <th scope="row">{t('formUser')}</th>
            <td>
              <PersonName person={form.person} />
            </td>
            <th scope="row">{t('formBirth')}</th>
            <td>{form.person.birth}</td>
          </tr>
          <tr>
            <th scope="row">{t('formAddress')}</th>
            <td colSpan={3}>{form.address}</td>
          </tr>
          <tr>
            <th scope="row">{t('formPlanner')}</th>
            <td colSpan={3}>{form.planner}</td>
          </tr>
          <tr>
            <th scope="row">{t('formOffice')}</th>
            <td colSpan={3}>
              {form.office.name}
              <span className="paper-sub">{form.office.address}</span>
            </td>
          </tr>
          <tr>
            <th scope="row">{t('formPlanDate')}</th>
            <td data-testid="plan1-plan-date">{form.planDate}</td>
            <th scope="row">{t('formFirstPlanDate')}</th>
            <td>{form.firstPlanDate}</td>
          </tr>
          <tr>
            <th scope="row">{t('formCertDate')}</th>
            <td>{form.certDate}</td>
            <th scope="row">{t('formCertPeriod')}</th>
            <td>{form.certPeriod}</td>
          </tr>
          <tr>
            <th scope="row">{t('formCareLevel')}</th>
            <td colSpan={3}>
              <Choices choices={form.careLevel} testId="plan1-care-level" />
              <CodeNote code={form.careLevelCode} shown={anySelected(form.careLevel)} />
            </td>
          </tr>
          <TextRow label={t('formIntent')} text={form.intent} tall />
          <TextRow label={t('formOpinion')} text={form.opinion} />
          <TextRow label={t('formPolicy')} text={form.policy} tall />
          <tr>
            <th scope="row">{t('formLivingSupport')}</th>
            <td colSpan={3}>
              <span className="choices">
                {form.livingSupport.map((c, i) => (
                  <span key={c.label} className={c.selected ? 'choice choice-on' : 'choice'}>
                    {i + 1}. {c.label}
                    {i === 2 ? `（${form.livingSupportOther}）` : ''}
                  </span>
                ))}
              </span>
              <CodeNote code={form.livingSupportCode} shown={anySelected(form.livingSupport)} />
            </td>
          </tr>
        </tbody>
      </table>
    </Paper>
  );
}

function TextRow({ label, text, tall }: { label: string; text: string; tall?: boolean }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td colSpan={3} className={tall ? 'paper-text paper-text-tall' : 'paper-text'}>
        {text}
      </td>
    </tr>
  );
}
