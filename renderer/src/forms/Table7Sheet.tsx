// 第7表 サービス利用票別表 (区分支給限度管理・利用者負担計算) as its paper table: one line per service
// code, then the named subtotal and total lines, numbers right-aligned with thousands separators.
import type { Table7Form, Table7Line } from '../../../shared/forms/index.js';
import type { MessageKey } from '../i18n/index.js';
import { useI18n } from '../i18n/index.js';
import { HeadRow, Paper, PersonHead } from './Paper.js';

/** The number columns, in the paper's order. */
const NUMBERS: [keyof Table7Line, MessageKey][] = [
  ['units', 'formT7Units'],
  ['discountRate', 'formT7Rate'],
  ['discountedUnits', 'formT7Discounted'],
  ['count', 'formT7Count'],
  ['serviceUnits', 'formT7ServiceUnits'],
  ['typeOver', 'formT7TypeOver'],
  ['typeWithin', 'formT7TypeWithin'],
  ['classOver', 'formT7ClassOver'],
  ['classWithin', 'formT7ClassWithin'],
  ['unitPrice', 'formT7UnitPrice'],
  ['totalCost', 'formT7TotalCost'],
  ['benefitRate', 'formT7BenefitRate'],
  ['claim', 'formT7Claim'],
  ['userShare', 'formT7UserShare'],
  ['userFull', 'formT7UserFull'],
];

export function Table7Sheet({ form }: { form: Table7Form }) {
  const { t } = useI18n();
  return (
    <Paper orientation="landscape" testId="table7-sheet">
      <PersonHead table="formTable7" title="formTable7Title" created={form.created} person={form.person}>
        <span className="paper-month">{t('formMonthOf', { month: form.month })}</span>
      </PersonHead>
      <table className="paper-table table7">
        <colgroup>
          <col className="t7-office" />
          <col className="t7-office-no" />
          <col className="t7-service" />
          {NUMBERS.map(([k]) => (
            <col key={k} />
          ))}
        </colgroup>
        <thead>
          <HeadRow labels={[t('formT7Office'), t('formT7OfficeNo'), t('formT7Service'), ...NUMBERS.map(([, label]) => t(label))]} />
        </thead>
        <tbody>
          {form.lines.map((l, i) => (
            <tr key={i} className={`t7-${l.kind}`} data-testid="table7-line">
              <td>{l.office}</td>
              <td className="t7-nowrap">{l.officeCode}</td>
              <td>
                {l.service}
                {l.item ? <span className="paper-sub">{l.item}</span> : null}
                {l.over30 ? <span className="paper-sub">{l.over30}</span> : null}
              </td>
              {NUMBERS.map(([k]) => (
                <td key={k} className="num">
                  {l[k]}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </Paper>
  );
}
