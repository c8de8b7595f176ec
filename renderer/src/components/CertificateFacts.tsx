import type { CertificateSummary } from '../../../shared/api/types.js';
import { useI18n } from '../i18n/index.js';
import { formatDate } from '../util/format.js';
import { Notice } from './Alert.js';

/** One attribute of a distinguished name (C=JP, O=…, CN=…), in either order and spacing. */
function attribute(dn: string, key: string): string | null {
  const m = new RegExp(`(?:^|,)\\s*${key}=([^,]+)`).exec(dn);
  return m ? m[1]!.trim() : null;
}

/**
 * The certificate's holder as a clerk reads it: the organisation and the office number
 * (居宅介護支援事業所さくら（1310000011）), not C=JP, O=…, CN=…. An unusual subject is shown as it is.
 */
export function holderOf(subject: string, officeNumber: string): { name: string | null; number: string } {
  const org = attribute(subject, 'O');
  const cn = attribute(subject, 'CN');
  const number = /^\d{10}$/.test(cn ?? '') ? cn! : officeNumber;
  return { name: org ?? (cn && cn !== number ? cn : null), number };
}

/** Who issued it: the organisation, else the common name. */
export const issuerText = (issuer: string): string => attribute(issuer, 'O') ?? attribute(issuer, 'CN') ?? issuer;

/** The certificate's facts, the same on setup and on 設定: holder, issuer, validity, days left, and warnings. */
export function CertificateFacts({ cert, testId, problems = true }: { cert: CertificateSummary; testId: string; problems?: boolean }) {
  const { t, tx } = useI18n();
  const holder = holderOf(cert.subject, cert.officeNumber);
  return (
    <>
      <dl className="facts" data-testid={testId}>
        <dt>{t('certSubject')}</dt>
        <dd data-testid={`${testId}-holder`} title={cert.subject}>
          {holder.name ? `${holder.name}（` : ''}
          <span className="mono" data-testid={`${testId}-office`}>
            {holder.number}
          </span>
          {holder.name ? '）' : ''}
        </dd>
        <dt>{t('certIssuer')}</dt>
        <dd title={cert.issuer}>{issuerText(cert.issuer)}</dd>
        <dt>{t('certValidity')}</dt>
        <dd>
          {formatDate(cert.notBefore)} 〜 {formatDate(cert.notAfter)}
        </dd>
        <dt>{t('certDaysLeft')}</dt>
        <dd>{t('certDaysLeftValue', { n: cert.daysLeft })}</dd>
      </dl>
      {cert.expiringSoon ? <Notice kind="warn">{t('certExpiringSoon')}</Notice> : null}
      {problems && !cert.usable && cert.problem ? <Notice kind="error">{tx(cert.problem)}</Notice> : null}
    </>
  );
}
