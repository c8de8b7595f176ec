import { useState } from 'react';
import type { AppState, CertificateSummary, ConnectionCheck } from '../../../shared/api/types.js';
import { api } from '../api.js';
import { ErrorAlert, Notice } from '../components/Alert.js';
import { CertificateFacts } from '../components/CertificateFacts.js';
import { FolderField } from '../components/FormFields.js';
import { BrowseCertificateButton, RememberPasswordCheck } from '../components/ShellControls.js';
import { useAction } from '../hooks.js';
import type { MessageKey } from '../i18n/index.js';
import { SERVICE_TYPE_CHOICES, serviceTypeName, useI18n } from '../i18n/index.js';
import { readAsBase64, readAsText } from '../util/files.js';

const OTHER = 'other';
const DEFAULT_RELAY = 'https://127.0.0.1:8443';

/** Checks the office number as it is typed, with a message saying what is still wrong. */
export function officeNumberProblem(v: string): MessageKey | null {
  if (!/^\d*$/.test(v)) return 'officeNumberNotDigits';
  if (v.length > 10) return 'officeNumberTooLong';
  if (v.length < 10) return 'officeNumberNeedMore';
  return null;
}

function CertificateDetails({ cert, typedOffice }: { cert: CertificateSummary; typedOffice: string }) {
  const { t, tx } = useI18n();
  const mismatch = /^\d{10}$/.test(typedOffice) && cert.officeNumber !== typedOffice;
  return (
    <div className="cert-details" data-testid="setup-cert-details">
      {cert.usable ? <Notice kind="ok">✓ {t('certUsable')}</Notice> : null}
      {!cert.usable ? (
        <div className="alert alert-error" role="alert" data-testid="alert">
          <strong>{t('certNotUsable')}</strong>
          {cert.problem ? <p>{tx(cert.problem)}</p> : null}
        </div>
      ) : null}
      <CertificateFacts cert={cert} testId="setup-cert" problems={false} />
      {mismatch ? (
        <Notice kind="warn" testId="setup-cert-mismatch">
          {t('certOfficeMismatch', { cert: cert.officeNumber, typed: typedOffice })}
        </Notice>
      ) : null}
    </div>
  );
}

function DemoChoices({ demos, onState }: { demos: AppState['demoOffices']; onState: (s: AppState) => void }) {
  const { t, lang } = useI18n();
  const action = useAction();
  return (
    <section className="card">
      <h2>{t('demoTitle')}</h2>
      <p>{t('demoIntro')}</p>
      <div className="button-row">
        {demos.map((d) => (
          <button
            key={d.id}
            type="button"
            className="btn btn-primary"
            data-testid={`setup-demo-${d.id}`}
            disabled={action.busy}
            onClick={() =>
              void action.run(async () => {
                onState(await api().setupDemo({ id: d.id }));
              })
            }
          >
            {t('demoButton', { name: d.name, office: d.office })}
            <span className="btn-sub">{serviceTypeName(d.serviceType, lang)}</span>
          </button>
        ))}
      </div>
      <ErrorAlert error={action.error} />
    </section>
  );
}

/** First run: the office, its certificate, the linkage service and the two folders, each checked on the spot. */
export function SetupPage({ state, onState }: { state: AppState; onState: (s: AppState) => void }) {
  const { t, tx } = useI18n();
  const [office, setOffice] = useState(state.profile?.office ?? '');
  const [name, setName] = useState(state.profile?.name ?? '');
  const [typeChoice, setTypeChoice] = useState(state.profile?.serviceType && !SERVICE_TYPE_CHOICES.includes(state.profile.serviceType) ? OTHER : (state.profile?.serviceType ?? '43'));
  const [typeOther, setTypeOther] = useState(state.profile?.serviceType ?? '');
  const [p12, setP12] = useState<{ name: string; base64: string } | null>(null);
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(state.settings.rememberPassword);
  const { pickers, rememberPassword: canRemember } = state.capabilities;
  const [cert, setCert] = useState<CertificateSummary | null>(null);
  const [relayUrl, setRelayUrl] = useState(state.profile?.relayUrl || state.setupDefaults?.relayUrl || DEFAULT_RELAY);
  const [trust, setTrust] = useState<{ name: string; pem: string } | null>(null);
  const [conn, setConn] = useState<ConnectionCheck | null>(null);
  const [exportDir, setExportDir] = useState(state.profile?.exportDir ?? state.setupDefaults?.exportDir ?? '');
  const [importDir, setImportDir] = useState(state.profile?.importDir ?? state.setupDefaults?.importDir ?? '');
  const certAction = useAction();
  const connAction = useAction();
  const saveAction = useAction();

  const serviceType = typeChoice === OTHER ? typeOther.trim().toUpperCase() : typeChoice;
  const officeProblem = officeNumberProblem(office);
  const serviceTypeOk = /^[0-9A-Z]{2}$/.test(serviceType);
  const relayOk = /^https:\/\/\S+$/.test(relayUrl.trim());

  const missing: string[] = [];
  if (officeProblem) missing.push(t('officeNumber'));
  if (!name.trim()) missing.push(t('officeName'));
  if (!serviceTypeOk) missing.push(t('serviceType'));
  if (!p12) missing.push(t('certFile'));
  if (!relayOk) missing.push(t('relayUrl'));
  if (!exportDir.trim()) missing.push(t('exportDirShort'));
  if (!importDir.trim()) missing.push(t('importDirShort'));

  const onP12 = async (file: File | undefined) => {
    setCert(null);
    certAction.clear();
    if (!file) {
      setP12(null);
      return;
    }
    const base64 = await certAction.run(() => readAsBase64(file));
    if (base64 !== undefined) setP12({ name: file.name, base64 });
  };

  const inspect = async () => {
    if (!p12) return;
    const c = await certAction.run(() => api().inspectCertificate({ p12Base64: p12.base64, password }));
    setCert(c ?? null);
    // Most people have the certificate before they know the number by heart: take it from there.
    if (c && office === '') setOffice(c.officeNumber);
  };

  const onTrust = async (file: File | undefined) => {
    setConn(null);
    if (!file) {
      setTrust(null);
      return;
    }
    const pem = await connAction.run(() => readAsText(file));
    if (pem !== undefined) setTrust({ name: file.name, pem });
  };

  const testConnection = async () => {
    setConn(null);
    const r = await connAction.run(() => api().testConnection({ relayUrl: relayUrl.trim(), trustPem: trust?.pem ?? '' }));
    if (r) setConn(r);
  };

  const save = async () => {
    if (!p12 || missing.length > 0) return;
    const s = await saveAction.run(() =>
      api().completeSetup({
        office,
        serviceType,
        name: name.trim(),
        p12Base64: p12.base64,
        password,
        relayUrl: relayUrl.trim(),
        trustPem: trust?.pem ?? '',
        exportDir: exportDir.trim(),
        importDir: importDir.trim(),
        // Where the password cannot be kept (the browser), no choice is sent: it stays in memory only.
        ...(canRemember ? { remember } : {}),
      }),
    );
    if (s) onState(s);
  };

  return (
    <div className="page setup" data-testid="screen-setup">
      <h1>{t('setupTitle')}</h1>
      <p className="lead">{t('setupIntro')}</p>

      {state.demoOffices.length > 0 ? <DemoChoices demos={state.demoOffices} onState={onState} /> : null}

      <form className="setup-form" onSubmit={(e) => e.preventDefault()}>
        <h2>{t('manualTitle')}</h2>

        <section className="card">
          <h3>1. {t('office')}</h3>
          <div className="field">
            <label htmlFor="setup-office">{t('officeNumber')}</label>
            <input
              id="setup-office"
              data-testid="setup-office"
              type="text"
              inputMode="numeric"
              autoComplete="off"
              maxLength={12}
              value={office}
              aria-invalid={office !== '' && officeProblem !== null}
              aria-describedby="setup-office-check"
              onChange={(e) => setOffice(e.target.value.trim())}
            />
            <p id="setup-office-check" className={`field-check ${office === '' ? '' : officeProblem ? 'check-ng' : 'check-ok'}`} data-testid="setup-office-check">
              {office === '' ? t('officeNumberHint') : officeProblem ? t(officeProblem, { n: 10 - office.length }) : `✓ ${t('officeNumberOk')}`}
            </p>
          </div>
          <div className="field">
            <label htmlFor="setup-name">{t('officeName')}</label>
            <input id="setup-name" data-testid="setup-name" type="text" value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="setup-service-type">{t('serviceType')}</label>
            <select id="setup-service-type" data-testid="setup-service-type" value={typeChoice} onChange={(e) => setTypeChoice(e.target.value)}>
              {SERVICE_TYPE_CHOICES.map((c) => (
                <option key={c} value={c}>
                  {serviceTypeName(c, 'ja')}
                </option>
              ))}
              <option value={OTHER}>{t('serviceTypeOther')}</option>
            </select>
            {typeChoice === OTHER ? (
              <>
                <label htmlFor="setup-service-type-other">{t('serviceTypeOtherInput')}</label>
                <input id="setup-service-type-other" data-testid="setup-service-type-other" type="text" maxLength={2} value={typeOther} onChange={(e) => setTypeOther(e.target.value)} />
                {typeOther !== '' && !serviceTypeOk ? <p className="field-check check-ng">{t('serviceTypeBad')}</p> : null}
              </>
            ) : null}
          </div>
        </section>

        <section className="card">
          <h3>2. {t('certTitle')}</h3>
          <div className="field">
            <label htmlFor="setup-p12">{t('certFile')}</label>
            <div className="field-row">
              <input id="setup-p12" data-testid="setup-p12" type="file" accept=".p12,.pfx" onChange={(e) => void onP12(e.target.files?.[0])} />
              {pickers ? (
                <BrowseCertificateButton
                  testId="setup-p12-browse"
                  onPicked={(c) => {
                    setCert(null);
                    certAction.clear();
                    setP12({ name: c.name, base64: c.p12Base64 });
                  }}
                />
              ) : null}
            </div>
            {pickers && p12 ? <p className="field-check" data-testid="setup-p12-chosen">{t('certPicked', { name: p12.name })}</p> : null}
          </div>
          <div className="field">
            <label htmlFor="setup-password">{t('certPassword')}</label>
            <input id="setup-password" data-testid="setup-password" type="password" autoComplete="off" value={password}
              onChange={(e) => {
                setPassword(e.target.value);
                // 「パスワードが違います」 was about the one just replaced.
                certAction.clear();
              }}
            />
          </div>
          {canRemember ? <RememberPasswordCheck checked={remember} onChange={setRemember} testId="setup-remember" /> : null}
          <button type="button" className="btn" data-testid="setup-inspect" disabled={!p12 || certAction.busy} onClick={() => void inspect()}>
            {t('certInspect')}
          </button>
          {!p12 ? <p className="field-check">{t('certChooseFirst')}</p> : null}
          <ErrorAlert error={certAction.error} />
          {cert ? <CertificateDetails cert={cert} typedOffice={office} /> : null}
        </section>

        <section className="card">
          <h3>3. {t('relayTitle')}</h3>
          <div className="field">
            <label htmlFor="setup-relay">{t('relayUrl')}</label>
            <input
              id="setup-relay"
              data-testid="setup-relay"
              type="url"
              value={relayUrl}
              onChange={(e) => {
                setRelayUrl(e.target.value);
                setConn(null);
                // The refusal was for the address that was there before.
                connAction.clear();
              }}
            />
            {!relayOk ? <p className="field-check check-ng">{t('relayUrlBad')}</p> : null}
          </div>
          <div className="field">
            <label htmlFor="setup-trust">{t('trustFile')}</label>
            <input id="setup-trust" data-testid="setup-trust" type="file" accept=".pem,.crt,.cer" onChange={(e) => void onTrust(e.target.files?.[0])} />
            <p className="field-check">{trust ? `${t('trustChosen')} (${trust.name})` : t('trustKeep')}</p>
          </div>
          <button type="button" className="btn" data-testid="setup-test-connection" disabled={!relayOk || connAction.busy} onClick={() => void testConnection()}>
            {t('testConnection')}
          </button>
          <ErrorAlert error={connAction.error} />
          {conn ? (
            <Notice kind={conn.ok ? 'ok' : 'error'} testId="setup-connection-result">
              {/* The back end's sentence says it (つながりました / why not): one mark, no echo. */}
              {conn.ok ? '✓ ' : '✗ '}
              {tx(conn.message)}
              {conn.office ? <span className="notice-sub">{t('connectionSeenOffice', { office: conn.office })}</span> : null}
            </Notice>
          ) : null}
        </section>

        <section className="card">
          <h3>4. {t('foldersTitle')}</h3>
          <FolderField id="setup-export" purpose="export" label={t('exportDir')} value={exportDir} onChange={setExportDir} pickers={pickers} />
          <FolderField id="setup-import" purpose="import" label={t('importDir')} value={importDir} onChange={setImportDir} pickers={pickers} />
        </section>

        <div className="save-row">
          {missing.length > 0 ? <p className="field-check">{t('stillNeeded', { items: missing.join('、') })}</p> : null}
          <button type="button" className="btn btn-primary btn-large" data-testid="setup-save" disabled={missing.length > 0 || saveAction.busy} onClick={() => void save()}>
            {t('saveSetup')}
          </button>
          <ErrorAlert error={saveAction.error} />
        </div>
      </form>
    </div>
  );
}
