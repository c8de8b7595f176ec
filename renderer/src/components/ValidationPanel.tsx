import type { CheckedFile, UnitView, ValidationView } from '../../../shared/api/types.js';
import { kindName, useI18n } from '../i18n/index.js';
import { formatMonth } from '../util/format.js';
import { FindingsTable } from './FindingsTable.js';
import { Notice } from './Alert.js';

function FileResult({ file }: { file: CheckedFile }) {
  const { t, tx } = useI18n();
  return (
    <div className="file-result" data-testid="send-file">
      <div className="file-result-head">
        <span className="file-name">{file.name}</span>
        {file.valid ? <span className="badge badge-ok">{t('fileOk')}</span> : <span className="badge badge-error">{t('fileNg', { n: file.errors.length })}</span>}
        {file.warnings.length > 0 ? <span className="badge badge-warn">{t('fileWarn', { n: file.warnings.length })}</span> : null}
      </div>
      {file.summary ? (
        <p className="file-summary" data-testid="file-summary">
          {tx(file.summary)}
        </p>
      ) : null}
      <FindingsTable errors={file.errors} warnings={file.warnings} people={file.people} />
    </div>
  );
}

/** One set of files that travels together to one partner (e.g. 第6表 + 第7表 + 補足情報); a partner
 *  marked お気に入り on 連携先 is named as such, the suggested addressee (issue 14 item 4). */
function UnitCard({ unit, files, favourite }: { unit: UnitView; files: CheckedFile[]; favourite: boolean }) {
  const { t, tx, lang } = useI18n();
  const { blocked } = unit;
  const look = blocked?.kind === 'duplicate' ? 'unit-sent' : unit.valid && !blocked ? 'unit-ok' : 'unit-ng';
  return (
    <section className={`card unit ${look}`} data-testid="send-unit" data-valid={unit.valid} data-blocked={blocked?.kind}>
      <header className="unit-head">
        <h3>{t('unitTitle', { name: unit.partner.name ?? t('unitPartnerUnknown'), office: unit.partner.office })}</h3>
        {favourite ? (
          <span className="badge badge-info" data-testid="unit-favourite" title={t('unitFavouriteHint')}>
            {t('unitFavourite')}
          </span>
        ) : null}
        {blocked ? (
          <span className={`badge ${blocked.kind === 'duplicate' ? 'badge-info' : 'badge-error'}`}>{t(blocked.kind === 'duplicate' ? (blocked.queued ? 'unitQueued' : 'unitDuplicate') : 'unitBlockedDirection')}</span>
        ) : unit.valid ? (
          <span className="badge badge-ok">✓ {t('unitOk')}</span>
        ) : (
          <span className="badge badge-error">✗ {t('unitNg')}</span>
        )}
      </header>
      {blocked ? (
        <Notice kind={blocked.kind === 'duplicate' ? 'info' : 'error'} testId={`unit-${blocked.kind}`}>
          {tx(blocked.message)}
        </Notice>
      ) : null}
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
export function ValidationPanel({ view, favourites = new Set() }: { view: ValidationView; favourites?: ReadonlySet<string> }) {
  const { t, tx } = useI18n();
  const byName = new Map(view.files.map((f) => [f.name, f]));
  const blocked = view.units.filter((u) => u.blocked);
  const allSent = view.units.length > 0 && view.units.every((u) => u.blocked?.kind === 'duplicate');
  const ignored = view.ignoredWhy ?? view.ignored.map((name) => ({ name, reason: null }));
  const inUnits = new Set(view.units.flatMap((u) => u.files));
  const loose = view.files.filter((f) => !inUnits.has(f.name));
  return (
    <div className="validation">
      {view.sendable ? (
        <Notice kind="ok">{t('sendable')}</Notice>
      ) : allSent ? (
        <Notice kind="info" testId="all-duplicates">
          {t(view.units.some((u) => u.blocked?.queued) ? 'allQueued' : 'allDuplicates')}
        </Notice>
      ) : (
        <Notice kind="warn">{t(blocked.length > 0 ? 'blockedUnits' : 'notSendable')}</Notice>
      )}
      {view.units.map((u) => (
        <UnitCard key={u.key} unit={u} favourite={favourites.has(u.partner.office)} files={u.files.map((n) => byName.get(n)).filter((f): f is CheckedFile => f !== undefined)} />
      ))}
      {loose.length > 0 ? (
        <section className="card">
          <h3>{t('filesNotInUnit')}</h3>
          {loose.map((f) => (
            <FileResult key={f.name} file={f} />
          ))}
        </section>
      ) : null}
      {ignored.length > 0 ? (
        <section className="card" data-testid="ignored-files">
          <h3>{t('ignoredWhyTitle')}</h3>
          <ul className="ignored-list">
            {ignored.map((f) => (
              <li key={f.name} data-testid="ignored-file">
                <span className="file-name">{f.name}</span>
                {f.reason ? <span className="ignored-reason">{tx(f.reason)}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
