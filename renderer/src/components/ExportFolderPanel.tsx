import type { ExportFolderState } from '../../../shared/api/types.js';
import { kindName, useI18n } from '../i18n/index.js';
import { formatDateTime } from '../util/format.js';
import { Notice } from './Alert.js';

interface Item {
  key: string;
  name: string;
  why: string | null;
}

/** One kind of file in the folder (waiting, held …): the names, each with why it is there; nothing when empty. */
function Group({ testId, itemTestId, title, note, items }: { testId: string; itemTestId?: string; title: string; note?: string; items: Item[] }) {
  if (items.length === 0) return null;
  return (
    <section className="folder-group" data-testid={testId}>
      <h3>{title}</h3>
      {note ? <p className="sub">{note}</p> : null}
      <ul>
        {items.map((i) => (
          <li key={i.key} data-testid={itemTestId}>
            <span className="file-name">{i.name}</span>
            {i.why ? <span className="folder-why">{i.why}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * What the export folder holds as the agent sees it: files not sent yet, units waiting (held, or for
 * their other files, saying what is missing), files that are never sent and why, units stopped by
 * errors, and what went out lately — also what the agent sent by itself.
 */
export function ExportFolderPanel({ state }: { state: ExportFolderState }) {
  const { t, tx, lang } = useI18n();
  const nothing = state.waiting.length + state.held.length + state.incomplete.length + state.ignored.length === 0;
  return (
    <div className="folder-panel" data-testid="folder-panel">
      <p className="sub folder-path">{t('folderPath', { path: state.path })}</p>
      {nothing ? <Notice kind="info">{t('folderNothing')}</Notice> : null}
      <Group testId="folder-waiting" title={t('folderWaiting')} note={state.autoSend ? t('folderWaitingAuto') : t('folderWaitingManual')} items={state.waiting.map((w) => ({ key: w.name, name: w.name, why: null }))} />
      <Group testId="folder-incomplete" title={t('folderIncomplete')} items={state.incomplete.map((u) => ({ key: u.unit, name: u.files.join('、'), why: t('folderMissing', { missing: u.missing.join(' / ') }) }))} />
      <Group testId="folder-held" title={t('folderHeld')} items={state.held.map((u) => ({ key: u.unit, name: u.files.join('、'), why: tx(u.reason) }))} />
      <Group testId="folder-ignored" itemTestId="folder-ignored-file" title={t('folderIgnored')} items={state.ignored.map((f) => ({ key: f.name, name: f.name, why: tx(f.reason) }))} />
      {state.errorUnits > 0 ? (
        <Notice kind="error" testId="folder-errors">
          {t('folderErrors', { n: state.errorUnits })}
        </Notice>
      ) : null}
      <section className="folder-group" data-testid="folder-recent">
        <h3>{t('folderRecent')}</h3>
        {state.recent.length === 0 ? <p className="sub">{t('folderRecentNone')}</p> : null}
        <ul>
          {state.recent.map((h) => (
            <li key={h.messageId} data-testid="folder-recent-row">
              <span className="folder-when">{formatDateTime(h.at)}</span>
              <span>{h.partner.name ?? h.partner.office}</span>
              <span>{h.kinds.map((k) => kindName(k, lang)).join('・')}</span>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
