import { useState } from 'react';
import type { AppState, ErrorUnit, SendOutcome } from '../../../shared/api/types.js';
import { api } from '../api.js';
import { ErrorAlert, Notice } from '../components/Alert.js';
import { SendOutcomes } from '../components/SendOutcomes.js';
import { useAction, useLoad } from '../hooks.js';
import { kindName, useI18n } from '../i18n/index.js';
import { formatDateTime } from '../util/format.js';

/** One unit in the errors folder: for whom, what is wrong and how to fix it, and the button to send it again. */
function ErrorUnitCard({ unit, onSent }: { unit: ErrorUnit; onSent: (outcomes: SendOutcome[]) => void }) {
  const { t, tx, lang } = useI18n();
  const resend = useAction();
  const kinds = unit.kinds.map((k) => kindName(k, lang)).join('・') || unit.files.join('、');

  const again = async () => {
    const r = await resend.run(() => api().resendErrors({ key: unit.key }));
    if (r) onSent(r.outcomes);
  };

  return (
    <section className={`card error-unit${unit.acknowledged ? ' error-unit-seen' : ''}`} data-testid="error-unit" data-acknowledged={unit.acknowledged}>
      <header className="error-unit-head">
        <h2>{t('errorsUnitTitle', { kinds })}</h2>
        {unit.acknowledged ? <span className="badge badge-info">{t('errorsAcknowledged')}</span> : null}
        <span className="sub">{formatDateTime(unit.at)}</span>
      </header>
      <div className="error-unit-facts">
        {unit.people.length > 0 ? <p data-testid="error-people">{t('errorsFor', { people: unit.people.join('、') })}</p> : null}
        {unit.partner ? <p>{t('errorsTo', { partner: unit.partner.name ? `${unit.partner.name}（${unit.partner.office}）` : unit.partner.office })}</p> : null}
        <p className="error-files">{t('errorsFiles', { files: unit.files.join('、') })}</p>
      </div>
      <table className="table error-problems" data-testid="error-problems">
        <thead>
          <tr>
            <th scope="col">{t('errorsWhat')}</th>
            <th scope="col">{t('errorsFix')}</th>
          </tr>
        </thead>
        <tbody>
          {unit.problems.map((p, i) => (
            <tr key={`${p.file ?? ''}-${p.row ?? ''}-${i}`} data-testid="error-problem">
              <td>
                {p.kind ? <span className="error-kind">{p.kind}</span> : null}
                {tx(p.what)}
              </td>
              <td>{tx(p.fix)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="send-row">
        <button type="button" className="btn btn-primary" data-testid="error-resend" disabled={resend.busy} onClick={() => void again()}>
          {resend.busy ? t('working') : t('errorsResend')}
        </button>
      </div>
      <ErrorAlert error={resend.error} />
    </section>
  );
}

/** The errors folder, unit by unit: what to fix in the care software, and the way to send the fixed files. */
export function ErrorsPage({ shell }: { shell: AppState['shell'] }) {
  const { t } = useI18n();
  const list = useLoad(() => api().listErrors({}));
  const folder = useAction();
  const ack = useAction();
  const [shownPath, setShownPath] = useState<string | null>(null);
  // Kept here, not in the card: a unit that went out leaves the list, and its outcome must stay in view.
  const [outcomes, setOutcomes] = useState<SendOutcome[] | null>(null);
  const view = list.data;
  const still = outcomes?.some((o) => o.state === 'invalid') ?? false;

  const onSent = (sent: SendOutcome[]) => {
    setOutcomes(sent);
    void list.reload();
  };

  const openFolder = async () => {
    const r = await folder.run(() => api().openFolder({ which: 'errors' }));
    // The browser cannot open a folder on the PC: it shows where it is instead.
    if (r) setShownPath(r.opened && shell === 'electron' ? null : r.path);
  };

  const acknowledge = async () => {
    if (await ack.run(() => api().acknowledgeErrors({}))) void list.reload();
  };

  const actions = [
    { id: 'errors-open-folder', label: t('errorsOpenFolder'), disabled: folder.busy, run: openFolder },
    { id: 'errors-acknowledge', label: t('errorsAcknowledge'), disabled: ack.busy || !view || view.units.every((u) => u.acknowledged), run: acknowledge },
  ];

  return (
    <div className="page" data-testid="screen-errors">
      <div className="page-head">
        <h1>{t('errorsTitle')}</h1>
        <div className="page-actions">
          {actions.map((a) => (
            <button key={a.id} type="button" className="btn" data-testid={a.id} disabled={a.disabled} onClick={() => void a.run()}>
              {a.label}
            </button>
          ))}
        </div>
      </div>
      <ErrorAlert error={list.error ?? folder.error ?? ack.error} />
      {shownPath ? (
        <Notice kind="info" testId="errors-folder-path">
          {t('errorsFolderIs', { path: shownPath })}
        </Notice>
      ) : null}
      {still ? <Notice kind="warn">{t('errorsStillWrong')}</Notice> : null}
      {outcomes ? <SendOutcomes outcomes={outcomes} /> : null}
      {view?.acknowledgedAt ? <p className="sub">{t('errorsAcknowledgedAt', { at: formatDateTime(view.acknowledgedAt) })}</p> : null}
      {view && view.units.length === 0 ? <Notice kind="ok">✓ {t('errorsNone')}</Notice> : null}
      {view && view.units.length > 0 ? <p>{t('errorsIntro')}</p> : null}
      {view?.units.map((u) => <ErrorUnitCard key={u.key} unit={u} onSent={onSent} />)}
    </div>
  );
}
