import { useRef, useState } from 'react';
import type { DragEvent } from 'react';
import type { AppState, FileUpload, SendOutcome, Text, ValidationView } from '../../../shared/api/types.js';
import { api } from '../api.js';
import { ErrorAlert } from '../components/Alert.js';
import { ExportFolderPanel } from '../components/ExportFolderPanel.js';
import { usePartnerLinks } from '../components/PartnerStatus.js';
import { Progress } from '../components/Progress.js';
import { SendOutcomes } from '../components/SendOutcomes.js';
import { ValidationPanel } from '../components/ValidationPanel.js';
import { useAction, useActivity, useLoad } from '../hooks.js';
import { useI18n } from '../i18n/index.js';
import { readAsBase64 } from '../util/files.js';

/** Files dropped (or picked) here: read in the browser, checked by the back end, staged for sending. */
function DroppedFiles({ onBusy }: { onBusy: (busy: boolean) => void }) {
  const { t } = useI18n();
  const [view, setView] = useState<ValidationView | null>(null);
  const [outcomes, setOutcomes] = useState<SendOutcome[] | null>(null);
  const [sentBatch, setSentBatch] = useState<string | null>(null);
  const [dragOver, setDragOver] = useState(false);
  const reading = useAction();
  const sending = useAction();
  const input = useRef<HTMLInputElement>(null);
  const activity = useActivity(sending.busy);

  const onFiles = async (files: File[]) => {
    if (files.length === 0) return;
    setOutcomes(null);
    const v = await reading.run(async () => {
      const uploads: FileUpload[] = await Promise.all(files.map(async (f) => ({ name: f.name, base64: await readAsBase64(f) })));
      return api().validateUploads({ files: uploads });
    });
    if (v) setView(v);
    // Let the same file be picked again after it has been fixed.
    if (input.current) input.current.value = '';
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragOver(false);
    void onFiles(Array.from(e.dataTransfer.files));
  };

  const batchId = view?.batchId ?? null;
  const canSend = view !== null && view.sendable && batchId !== null && sentBatch !== batchId && !sending.busy;

  const send = async () => {
    if (!batchId) return;
    onBusy(true);
    const r = await sending.run(() => api().sendStaged({ batchId }));
    onBusy(false);
    if (r) {
      setOutcomes(r.outcomes);
      // A staged batch goes once; it must be dropped again to be sent again.
      setSentBatch(batchId);
    }
  };

  return (
    <section className="card" data-testid="send-dropped">
      <div
        className={`dropzone${dragOver ? ' dropzone-over' : ''}`}
        data-testid="send-dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragOver(true);
        }}
        onDragLeave={() => setDragOver(false)}
        onDrop={onDrop}
      >
        <p className="dropzone-title">{t('dropTitle')}</p>
        <p>{t('dropOr')}</p>
        <label className="btn btn-primary file-button">
          {t('pickFiles')}
          <input ref={input} className="visually-hidden" data-testid="send-files" type="file" multiple accept=".csv,.CSV,.jpg,.jpeg,.JPG" onChange={(e) => void onFiles(Array.from(e.target.files ?? []))} />
        </label>
      </div>
      {reading.busy ? <Progress activity={null} fallback={t('reading')} /> : null}
      <ErrorAlert error={reading.error} />
      {view ? (
        <>
          <h2>{t('droppedTitle')}</h2>
          <ReviewAndSend view={view} testId="send-button" label={t('sendButton')} canSend={canSend} onSend={() => void send()} />
        </>
      ) : null}
      <SendStatus busy={sending.busy} activity={activity} error={sending.error} outcomes={outcomes} />
    </section>
  );
}

/** The check results, then the one button that sends them (enabled only when everything may go). */
function ReviewAndSend({ view, testId, label, canSend, onSend }: { view: ValidationView; testId: string; label: string; canSend: boolean; onSend: () => void }) {
  // Files sent before, byte for byte: nothing to press (the panel says when they went).
  const allSent = view.units.length > 0 && view.units.every((u) => u.blocked?.kind === 'duplicate');
  // The addressees marked お気に入り on 連携先 are named as suggested on their unit cards.
  const { list: links } = usePartnerLinks([...new Set(view.units.map((u) => u.partner.office))]);
  const favourites = new Set((links ?? []).filter((l) => l.favourite).map((l) => l.office));
  return (
    <>
      <ValidationPanel view={view} favourites={favourites} />
      {allSent ? null : (
        <div className="send-row">
          <button type="button" className="btn btn-primary btn-large" data-testid={testId} disabled={!canSend} onClick={onSend}>
            {label}
          </button>
        </div>
      )}
    </>
  );
}

/** While a send runs: its progress; afterwards: its error or each unit's outcome. */
function SendStatus({ busy, activity, error, outcomes }: { busy: boolean; activity: AppState['activity']; error: Text | null; outcomes: SendOutcome[] | null }) {
  const { t } = useI18n();
  return (
    <>
      {busy ? <Progress activity={activity} fallback={t('sending')} /> : null}
      <ErrorAlert error={error} />
      {outcomes ? <SendOutcomes outcomes={outcomes} /> : null}
    </>
  );
}

/** The export folder panel refreshes itself: the agent takes and sends files by itself. */
const FOLDER_REFRESH_MS = 5000;

/** What the care software has written to the export folder: the agent's view of it, and what waits to be sent. */
function ExportFolder({ onBusy }: { onBusy: (busy: boolean) => void }) {
  const { t } = useI18n();
  const list = useLoad(() => api().listExportFiles({}));
  const folder = useLoad(() => api().exportFolderState({}), '', FOLDER_REFRESH_MS);
  const sending = useAction();
  const activity = useActivity(sending.busy);
  const [outcomes, setOutcomes] = useState<SendOutcome[] | null>(null);
  const view = list.data;
  const names = view ? [...new Set(view.units.flatMap((u) => u.files))] : [];
  const canSend = view !== null && view.sendable && names.length > 0 && !sending.busy;

  const send = async () => {
    onBusy(true);
    const r = await sending.run(() => api().sendExportFiles({ names }));
    onBusy(false);
    if (r) {
      setOutcomes(r.outcomes);
      void list.reload();
      void folder.reload();
    }
  };
  const reload = () => {
    void list.reload();
    void folder.reload();
  };

  return (
    <section className="card" data-testid="send-export">
      <div className="section-head">
        <h2>{t('exportTitle')}</h2>
        <button type="button" className="btn" data-testid="export-refresh" disabled={list.loading} onClick={reload}>
          {t('refresh')}
        </button>
      </div>
      <ErrorAlert error={list.error ?? folder.error} />
      {list.loading && !view ? <p>{t('loading')}</p> : null}
      {folder.data ? <ExportFolderPanel state={folder.data} /> : null}
      {view && view.files.length > 0 ? (
        <>
          {/* The panel above already lists the files that are never sent. */}
          <ReviewAndSend view={{ ...view, ignored: [], ignoredWhy: [] }} testId="export-send-button" label={t('sendExportButton')} canSend={canSend} onSend={() => void send()} />
        </>
      ) : null}
      <SendStatus busy={sending.busy} activity={activity} error={sending.error} outcomes={outcomes} />
    </section>
  );
}

export function SendPage() {
  const { t } = useI18n();
  // Tells assistive technology (and the end-to-end test) that a send is under way.
  const [busy, setBusy] = useState(false);
  return (
    <div className="page" data-testid="screen-send" aria-busy={busy}>
      <h1>{t('sendTitle')}</h1>
      <DroppedFiles onBusy={setBusy} />
      <ExportFolder onBusy={setBusy} />
    </div>
  );
}
