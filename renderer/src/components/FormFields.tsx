// The form pieces the setup and 事業所の設定を変える share, so both look and behave alike: a labelled
// text box (styled like every other: type="text"), a choice, and a folder with 「参照…」 where the
// desktop app has a folder dialog and 「確かめる」 that checks (and creates) it on the back end.
import { useState, type ReactNode } from 'react';
import type { FolderCheck } from '../../../shared/api/types.js';
import { api } from '../api.js';
import { useAction } from '../hooks.js';
import { useI18n } from '../i18n/index.js';
import { ErrorAlert, Notice } from './Alert.js';
import { BrowseFolderButton } from './ShellControls.js';

/** A labelled one-line input; its id is also its test id. */
export function TextField({ id, label, value, onChange, hint }: { id: string; label: string; value: string; onChange: (v: string) => void; hint?: ReactNode }) {
  return (
    <div className="field field-wide">
      <label htmlFor={id}>{label}</label>
      <input id={id} data-testid={id} type="text" value={value} onChange={(e) => onChange(e.target.value)} />
      {hint}
    </div>
  );
}

/** A labelled choice; the first option is "all" (value ''). */
export function SelectField({ id, label, value, onChange, all, options }: { id: string; label: string; value: string; onChange: (v: string) => void; all: string; options: { value: string; label: string }[] }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} data-testid={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{all}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * A folder. In the desktop app 「参照…」 opens Windows' folder dialog (pickFolder on the typed API). A
 * browser cannot pick a folder on the PC the app runs on (it only hands over files), so there the
 * path is typed, and the field says so.
 */
export function FolderField({ id, purpose, label, value, onChange, pickers }: { id: string; purpose: 'export' | 'import'; label: string; value: string; onChange: (v: string) => void; pickers: boolean }) {
  const { t, tx } = useI18n();
  const action = useAction();
  const [result, setResult] = useState<FolderCheck | null>(null);
  const change = (v: string) => {
    onChange(v);
    // What was checked was the old path: its answer (or error) no longer applies.
    setResult(null);
    action.clear();
  };
  const check = async () => {
    const r = await action.run(() => api().checkFolder({ path: value.trim(), create: true }));
    if (r) setResult(r);
  };
  const ok = result ? result.exists && result.writable : false;
  return (
    <div className="field field-wide">
      <label htmlFor={id}>{label}</label>
      <div className="field-row">
        <input id={id} data-testid={id} type="text" value={value} onChange={(e) => change(e.target.value)} />
        {pickers ? <BrowseFolderButton purpose={purpose} current={value} testId={`${id}-browse`} onPicked={change} /> : null}
        <button type="button" className="btn" data-testid={`${id}-check`} disabled={!value.trim() || action.busy} onClick={() => void check()}>
          {t('checkFolder')}
        </button>
      </div>
      {!pickers ? <p className="field-check">{t('folderTypeHint')}</p> : null}
      <ErrorAlert error={action.error} />
      {result ? (
        // The back end's sentence says it all (使えます / 作りました / why not): one mark, no echo.
        <Notice kind={ok ? 'ok' : 'error'} testId={`${id}-result`}>
          {ok ? '✓ ' : '✗ '}
          {tx(result.message)}
        </Notice>
      ) : null}
    </div>
  );
}
