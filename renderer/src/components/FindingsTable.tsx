import type { Finding } from '../../../shared/report/types.js';
import type { PersonName } from '../../../shared/api/types.js';
import { useI18n } from '../i18n/index.js';

/** 「（山田 花子 様）」 beside a row number; a person known only by number shows it. */
const personOf = (p: PersonName) => `（${p.name ? `${p.name} 様` : p.insured}）`;

/**
 * Findings as a table people can work through line by line: which record, which item, what is wrong
 * and how to fix it. Errors come first; warnings are marked differently (they do not stop sending).
 */
export function FindingsTable({ errors, warnings, people }: { errors: Finding[]; warnings: Finding[]; people?: Record<number, PersonName> }) {
  const { t, lang } = useI18n();
  if (errors.length === 0 && warnings.length === 0) return null;
  const rows = [...errors, ...warnings];
  return (
    <table className="findings" data-testid="send-findings">
      <thead>
        <tr>
          <th scope="col" className="col-sev"></th>
          <th scope="col" className="col-row">{t('colRow')}</th>
          <th scope="col" className="col-field">{t('colField')}</th>
          <th scope="col" className="col-message">{t('colMessage')}</th>
          <th scope="col">{t('colHint')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((f, i) => (
          <tr key={`${f.code}-${f.row ?? ''}-${f.column ?? ''}-${i}`} className={f.severity === 'error' ? 'finding-error' : 'finding-warning'} data-severity={f.severity}>
            <td className="col-sev">
              <span className={`badge ${f.severity === 'error' ? 'badge-error' : 'badge-warn'}`}>{f.severity === 'error' ? t('sevError') : t('sevWarning')}</span>
            </td>
            <td className="col-row">
              {f.row ?? t('wholeFile')}
              {f.row !== null && people?.[f.row] ? <span className="sub finding-person">{personOf(people[f.row]!)}</span> : null}
            </td>
            <td className="col-field">{f.field ?? '—'}</td>
            <td className="col-message">{lang === 'en' ? f.messageEn || f.message : f.message}</td>
            <td>{lang === 'en' ? f.hintEn || f.hint : f.hint}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
