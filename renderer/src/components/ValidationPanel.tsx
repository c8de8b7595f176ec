import type { CheckedFile, UnitView, ValidationView } from '../../../shared/api/types.js';
import { kindName, useI18n } from '../i18n/index.js';
import { formatMonth } from '../util/format.js';
import { FindingsTable } from './FindingsTable.js';
import { Notice } from './Alert.js';

function FileResult({ file }: { file: CheckedFile }) {
  const { t } = useI18n();
  return (
    <div className="file-result" data-testid="send-file">
      <div className="file-result-head">
        <span className="file-name">{file.name}</span>
        {file.valid ? <span className="badge badge-ok">{t('fileOk')}</span> : <span className="badge badge-error">{t('fileNg', { n: file.errors.length })}</span>}
        {file.warnings.length > 0 ? <span className="badge badge-warn">{t('fileWarn', { n: file.warnings.length })}</span> : null}
      </div>
      <FindingsTable errors={file.errors} warnings={file.warnings} people={file.people} />
    </div>
  );
}

/** One set of files that travels together to one partner (e.g. 第6表 + 第7表 + 補足情報). */
function UnitCard({ unit, files }: { unit: UnitView; files: CheckedFile[] }) {
  const { t, lang } = useI18n();
  return (
    <section className={`card unit ${unit.valid ? 'unit-ok' : 'unit-ng'}`} data-testid="send-unit" data-valid={unit.valid}>
      <header className="unit-head">
        <h3>{t('unitTitle', { name: unit.partner.name ?? t('unitPartnerUnknown'), office: unit.partner.office })}</h3>
        {unit.valid ? <span className="badge badge-ok">✓ {t('unitOk')}</span> : <span className="badge badge-error">✗ {t('unitNg')}</span>}
      </header>
      <dl className="unit-facts">
        <dt>{t('month')}</dt>
        <dd>{formatMonth(unit.month, lang)}</dd>
        <dt>{t('kinds')}</dt>
        <dd>{unit.kinds.map((k) => kindName(k, lang)).join('・')}</dd>
      </dl>
      {unit.errors.length > 0 || unit.warnings.length > 0 ? (
        <div className="unit-findings">
          <h4>{t('unitErrors')}</h4>
          <FindingsTable errors={unit.errors} warnings={unit.warnings} />
        </div>
      ) : null}
      {files.map((f) => (
        <FileResult key={f.name} file={f} />
      ))}
    </section>
  );
}

/** The validator's verdict on a batch of files, unit by unit, in plain words. */
export function ValidationPanel({ view }: { view: ValidationView }) {
  const { t } = useI18n();
  const byName = new Map(view.files.map((f) => [f.name, f]));
  const inUnits = new Set(view.units.flatMap((u) => u.files));
  const loose = view.files.filter((f) => !inUnits.has(f.name));
  return (
    <div className="validation">
      {view.sendable ? <Notice kind="ok">{t('sendable')}</Notice> : <Notice kind="warn">{t('notSendable')}</Notice>}
      {view.units.map((u) => (
        <UnitCard key={u.key} unit={u} files={u.files.map((n) => byName.get(n)).filter((f): f is CheckedFile => f !== undefined)} />
      ))}
      {loose.length > 0 ? (
        <section className="card">
          <h3>{t('filesNotInUnit')}</h3>
          {loose.map((f) => (
            <FileResult key={f.name} file={f} />
          ))}
        </section>
      ) : null}
      {view.ignored.length > 0 ? <Notice kind="info">{t('ignored', { files: view.ignored.join(', ') })}</Notice> : null}
    </div>
  );
}
