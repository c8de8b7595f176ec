// Controls that exist only where the shell offers them (AppState.capabilities): 「参照…」 beside a
// folder or certificate field opens Windows' own dialog in the desktop app (the browser keeps its text
// field and file input), and 「パスワードを記憶する」 keeps the certificate password encrypted by Windows.
import type { PickedCertificate } from '../../../shared/api/types.js';
import { api } from '../api.js';
import { useAction } from '../hooks.js';
import { useI18n } from '../i18n/index.js';
import { ErrorAlert } from './Alert.js';

/** 「参照…」 for a folder: starts at what the field holds, and fills the field with the choice. */
export function BrowseFolderButton({ purpose, current, onPicked, testId }: { purpose: 'export' | 'import'; current: string; onPicked: (path: string) => void; testId: string }) {
  const { t } = useI18n();
  const action = useAction();
  const pick = async () => {
    const r = await action.run(() => api().pickFolder({ purpose, ...(current.trim() ? { current: current.trim() } : {}) }));
    if (r?.path) onPicked(r.path);
  };
  return (
    <>
      <button type="button" className="btn" data-testid={testId} title={t('browseFolder')} aria-label={t('browseFolder')} disabled={action.busy} onClick={() => void pick()}>
        {t('browse')}
      </button>
      <ErrorAlert error={action.error} />
    </>
  );
}

/** 「参照…」 for the certificate file: its bytes come back (never a password), as a chosen file's would. */
export function BrowseCertificateButton({ onPicked, testId }: { onPicked: (c: PickedCertificate) => void; testId: string }) {
  const { t } = useI18n();
  const action = useAction();
  const pick = async () => {
    const r = await action.run(() => api().pickCertificate({}));
    if (r) onPicked(r);
  };
  return (
    <>
      <button type="button" className="btn" data-testid={testId} title={t('browseCertificate')} aria-label={t('browseCertificate')} disabled={action.busy} onClick={() => void pick()}>
        {t('browse')}
      </button>
      <ErrorAlert error={action.error} />
    </>
  );
}

/** 「パスワードを記憶する」 with what it means, for the setup and unlock screens. */
export function RememberPasswordCheck({ checked, onChange, testId }: { checked: boolean; onChange: (on: boolean) => void; testId: string }) {
  const { t } = useI18n();
  return (
    <label className="check">
      <input type="checkbox" data-testid={testId} checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <span>
        {t('rememberPassword')}
        <span className="sub">{t('rememberPasswordHint')}</span>
      </span>
    </label>
  );
}
