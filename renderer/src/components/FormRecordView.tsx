import { useState } from 'react';
import type { FormRecord } from '../../../shared/api/types.js';
import { useI18n } from '../i18n/index.js';

/**
 * A record of 第1〜3表 (and the other form-like files) as a readable form. Most records have many
 * unused columns; they are hidden until asked for, so the content people wrote stands out.
 */
export function FormRecordView({ record }: { record: FormRecord }) {
  const { t } = useI18n();
  const [showAll, setShowAll] = useState(false);
  const fields = showAll ? record.fields : record.fields.filter((f) => f.value.trim() !== '');
  return (
    <section className="card form-record" data-testid="form-record">
      <header className="form-record-head">
        <h3>{record.title}</h3>
        <label className="check">
          <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} data-testid="form-show-all" />
          {t('showAllFields')}
        </label>
      </header>
      <table className="form-table">
        <tbody>
          {fields.map((f) => (
            <tr key={f.no}>
              <th scope="row">{f.name}</th>
              <td className="form-value">{f.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
