import { useState } from 'react';
import type { AppState, OfficeProfile } from '../../../shared/api/types.js';
import { api } from '../api.js';
import { useAction } from '../hooks.js';
import { useI18n } from '../i18n/index.js';
import { readAsBase64, readAsText } from '../util/files.js';
import { ErrorAlert, Notice } from './Alert.js';
import { FolderField, TextField } from './FormFields.js';
import { BrowseCertificateButton } from './ShellControls.js';

/**
 * Changing what the setup decided: folders, the linkage service, the office name, and a renewed
 * certificate (the attention list sends people here when theirs is about to expire).
 */
export function ProfileEditor({ profile, onState, pickers = false }: { profile: OfficeProfile; onState: (s: AppState) => void; pickers?: boolean }) {
  const { t } = useI18n();
  const [picked, setPicked] = useState<string | null>(null);
  const [name, setName] = useState(profile.name);
  const [relayUrl, setRelayUrl] = useState(profile.relayUrl);
  const [exportDir, setExportDir] = useState(profile.exportDir);
  const [importDir, setImportDir] = useState(profile.importDir);
  const [p12, setP12] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const [trustPem, setTrustPem] = useState('');
  const [saved, setSaved] = useState(false);
  const action = useAction();
  // Typing again means the last refusal (or "saved") is about something no longer on screen.
  const edit = (set: (v: string) => void) => (v: string) => {
    set(v);
    action.clear();
    setSaved(false);
  };
  const ok = name.trim() !== '' && /^https:\/\/\S+$/.test(relayUrl.trim()) && exportDir.trim() !== '' && importDir.trim() !== '';

  const save = async () => {
    setSaved(false);
    const r = await action.run(() =>
      api().updateProfile({
        name: name.trim(),
        relayUrl: relayUrl.trim(),
        exportDir: exportDir.trim(),
        importDir: importDir.trim(),
        trustPem,
        ...(p12 ? { p12Base64: p12, password } : {}),
      }),
    );
    if (r) {
      setSaved(true);
      setP12(null);
      setPicked(null);
      setPassword('');
      onState(r);
    }
  };

  return (
    <section className="card" data-testid="profile-editor">
      <h2>{t('profileEdit')}</h2>
      <p className="sub">{t('profileEditHint')}</p>
      <TextField id="profile-name" label={t('officeName')} value={name} onChange={edit(setName)} />
      <TextField id="profile-relay" label={t('relayUrl')} value={relayUrl} onChange={edit(setRelayUrl)} />
      <div className="field">
        <label htmlFor="profile-trust">{t('trustFile')}</label>
        <input id="profile-trust" data-testid="profile-trust" type="file" accept=".pem,.crt,.cer" onChange={(e) => void (e.target.files?.[0] ? readAsText(e.target.files[0]).then(setTrustPem) : setTrustPem(''))} />
      </div>
      <FolderField id="profile-export" purpose="export" label={t('exportDir')} value={exportDir} onChange={edit(setExportDir)} pickers={pickers} />
      <FolderField id="profile-import" purpose="import" label={t('importDir')} value={importDir} onChange={edit(setImportDir)} pickers={pickers} />
      <div className="field">
        <label htmlFor="profile-p12">{t('profileNewCert')}</label>
        <div className="field-row">
          <input
            id="profile-p12"
            data-testid="profile-p12"
            type="file"
            accept=".p12,.pfx"
            onChange={(e) => {
              setPicked(null);
              void (e.target.files?.[0] ? readAsBase64(e.target.files[0]).then(setP12) : setP12(null));
            }}
          />
          {pickers ? (
            <BrowseCertificateButton
              testId="profile-p12-browse"
              onPicked={(c) => {
                setP12(c.p12Base64);
                setPicked(c.name);
              }}
            />
          ) : null}
        </div>
        {picked ? <p className="field-check">{t('certPicked', { name: picked })}</p> : null}
      </div>
      {p12 ? (
        <div className="field">
          <label htmlFor="profile-password">{t('certPassword')}</label>
          <input id="profile-password" data-testid="profile-password" type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
      ) : null}
      <div className="save-row">
        <button type="button" className="btn btn-primary" data-testid="profile-save" disabled={!ok || action.busy} onClick={() => void save()}>
          {t('profileSave')}
        </button>
      </div>
      <ErrorAlert error={action.error} />
      {saved ? (
        <Notice kind="ok" testId="profile-saved">
          ✓ {t('profileSaved')}
        </Notice>
      ) : null}
    </section>
  );
}
