import type { SendOutcome } from '../../../shared/api/types.js';
import type { MessageKey } from '../i18n/index.js';
import { useI18n } from '../i18n/index.js';

const stateLabel: Record<SendOutcome['state'], MessageKey> = {
  accepted: 'outAccepted',
  queued: 'outQueued',
  failed: 'outFailed',
  invalid: 'outInvalid',
  duplicate: 'outDuplicate',
  paper: 'outPaper',
};
const stateClass: Record<SendOutcome['state'], string> = { accepted: 'badge-ok', queued: 'badge-info', failed: 'badge-error', invalid: 'badge-error', duplicate: 'badge-info', paper: 'badge-warn' };

export function SendOutcomes({ outcomes }: { outcomes: SendOutcome[] }) {
  const { t, tx } = useI18n();
  return (
    <section className="card">
      <h3>{t('outcomeTitle')}</h3>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t('partner')}</th>
            <th scope="col">{t('status')}</th>
            <th scope="col">{t('colMessage')}</th>
          </tr>
        </thead>
        <tbody>
          {outcomes.map((o) => (
            <tr key={o.unit} data-testid="send-outcome" data-state={o.state}>
              <td data-testid="send-outcome-partner">
                {o.partnerName ? (
                  <>
                    {o.partnerName} <span className="muted">{o.partner}</span>
                  </>
                ) : (
                  o.partner
                )}
              </td>
              <td>
                <span className={`badge ${stateClass[o.state]}`}>{t(stateLabel[o.state])}</span>
              </td>
              <td>{tx(o.message)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
