// The monthly 効果レポート: counts from the office's history (data and paper, partners linked and not,
// 実績 not re-typed), the trend as charts, and the estimate with its assumptions, which the clerk may
// change here and keep (the app's settings). The CSV is the same report for Excel.
import { useEffect, useState } from 'react';
import type { EffectAssumptions, EffectMonth, EffectReport } from '../../../shared/api/types.js';
import { ASSUMPTION_SOURCES, DEFAULT_ASSUMPTIONS, type AssumptionKey } from '../../../shared/effect/assumptions.js';
import { estimate } from '../../../shared/effect/report.js';
import { api } from '../api.js';
import { ErrorAlert, Notice } from '../components/Alert.js';
import { useAction, useLoad } from '../hooks.js';
import { useI18n, type MessageKey } from '../i18n/index.js';
import { downloadText } from '../util/files.js';
import { formatMonth } from '../util/format.js';
import { MonthBars } from './EffectChart.js';

const ASSUMPTION_LABEL: Record<AssumptionKey, MessageKey> = {
  minutesPerMonth: 'erMinutesPerMonth',
  yenPerMonth: 'erYenPerMonth',
  sheetsPerUserForm: 'erSheetsPerUserForm',
  coverPagesPerFax: 'erCoverPagesPerFax',
};

/** This month on the PC's clock, as YYYYMM. */
export const thisMonth = (now = new Date()): string => `${now.getFullYear()}${String(now.getMonth() + 1).padStart(2, '0')}`;

/** YYYYMM ⇄ the month input's YYYY-MM. */
const toInput = (m: string): string => `${m.slice(0, 4)}-${m.slice(4, 6)}`;
const fromInput = (v: string): string | null => (/^\d{4}-(0[1-9]|1[0-2])$/.test(v) ? v.replace('-', '') : null);

/**
 * The report as it would be with other assumptions, while the clerk edits them: sheets scale with sheets
 * per form, and the estimate is the shared one (shared/effect/report.ts), so the screen and a saved report agree.
 */
export function withAssumptions(r: EffectReport, a: EffectAssumptions): EffectReport {
  const scale = r.assumptions.sheetsPerUserForm === 0 ? 0 : a.sheetsPerUserForm / r.assumptions.sheetsPerUserForm;
  const rescale = (m: EffectReport['current']) => ({ ...m, data: { ...m.data, sheets: Math.round(m.data.sheets * scale) }, paper: { ...m.paper, sheets: Math.round(m.paper.sheets * scale) } });
  const trend = r.trend.map(rescale);
  const current = trend[trend.length - 1]!;
  return { ...r, trend, current, assumptions: a, estimate: estimate(current, a) };
}

/** Starts a download of bytes the back end sent as base64 (the PDF). */
function downloadBase64(fileName: string, base64: string, type: string): void {
  const bin = atob(base64);
  const bytes = Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  // Revoke after the click has been handled, or some browsers cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="er-figure" data-testid={testId}>
      <span className="er-figure-label">{label}</span>
      <strong className="er-figure-value">{value}</strong>
    </div>
  );
}

export function ReportPage() {
  const { t, lang } = useI18n();
  const [month, setMonth] = useState(thisMonth());
  const loaded = useLoad(() => api().effectReport({ month }), month);
  const [draft, setDraft] = useState<EffectAssumptions | null>(null);
  const save = useAction();
  const exporting = useAction();
  const [note, setNote] = useState<string | null>(null);

  useEffect(() => {
    if (loaded.data && !draft) setDraft(loaded.data.assumptions);
  }, [loaded.data, draft]);

  const r = loaded.data && draft ? withAssumptions(loaded.data, draft) : loaded.data;
  const n = (x: number) => x.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-US');

  const saveAssumptions = async (a: EffectAssumptions) => {
    setNote(null);
    const saved = await save.run(() => api().saveEffectAssumptions(a));
    if (!saved) return;
    setDraft(saved);
    setNote(t('erSaved'));
    await loaded.reload();
  };

  /** The report as a file: the CSV as text, the PDF as bytes; both named by office and month. */
  const exportAs = async (format: 'csv' | 'pdf') => {
    setNote(null);
    const saved = await exporting.run(async () => {
      if (format === 'pdf') {
        const { fileName, base64 } = await api().effectReportPdf({ month });
        downloadBase64(fileName, base64, 'application/pdf');
        return fileName;
      }
      const { fileName, csv } = await api().effectReportCsv({ month });
      downloadText(fileName, csv, 'text/csv;charset=utf-8');
      return fileName;
    });
    if (saved) setNote(t('erSavedCsv', { file: saved }));
  };

  const charts = [
    { id: 'er-chart-sheets', title: t('erChartSheets'), series: [{ label: t('erLegendData'), className: 'er-data', value: (m: EffectMonth) => m.data.sheets }, { label: t('erLegendPaper'), className: 'er-paper', value: (m: EffectMonth) => m.paper.sheets }] },
    { id: 'er-chart-partners', title: t('erChartPartners'), series: [{ label: t('erLegendLinked'), className: 'er-data', value: (m: EffectMonth) => m.linked.length }, { label: t('erLegendUnlinked'), className: 'er-paper', value: (m: EffectMonth) => m.unlinked.length }] },
  ];

  return (
    <div className="page er-page" data-testid="screen-report">
      <div className="page-head">
        <h1>{t('erTitle')}</h1>
        <div className="button-row">
          <label htmlFor="er-month">{t('erMonth')}</label>
          {/* A half-typed month is not asked for: the back end's schema would refuse it. */}
          <input id="er-month" data-testid="er-month" type="month" value={toInput(month)} onChange={(e) => setMonth(fromInput(e.target.value) ?? month)} />
          {(['csv', 'pdf'] as const).map((f) => (
            <button key={f} type="button" className="btn" data-testid={`er-${f}`} disabled={exporting.busy} onClick={() => void exportAs(f)}>
              {t(f === 'csv' ? 'erCsv' : 'erPdf')}
            </button>
          ))}
        </div>
      </div>
      <p className="lead">{t('erIntro')}</p>
      <ErrorAlert error={loaded.error ?? save.error ?? exporting.error} />
      {note ? <Notice kind="ok">{note}</Notice> : null}
      {loaded.loading && !r ? <p>{t('loading')}</p> : null}
      {r ? (
        <>
          <section className="er-figures card">
            <Figure testId="er-data" label={t('erSentData')} value={t('erUnitsSheets', { units: r.current.data.units, sheets: r.current.data.sheets })} />
            <Figure testId="er-paper" label={t('erSentPaper')} value={t('erUnitsSheets', { units: r.current.paper.units, sheets: r.current.paper.sheets })} />
            <Figure testId="er-partners" label={t('erPartners')} value={t('erLinkedUnlinked', { linked: r.current.linked.length, unlinked: r.current.unlinked.length })} />
            <Figure testId="er-transcription" label={t('erTranscription')} value={t('erTranscriptionValue', { users: r.current.transcriptionAvoided.users, records: r.current.transcriptionAvoided.records })} />
          </section>
          <section className="er-charts">
            {charts.map((c) => (
              <MonthBars key={c.id} testId={c.id} title={c.title} months={r.trend} series={c.series} />
            ))}
          </section>
          <section className="card">
            <h2>
              {t('erEstimate')}（{formatMonth(r.month, lang)}）
            </h2>
            <div className="er-figures">
              <Figure testId="er-share" label={t('erDataShare')} value={`${Math.round(r.estimate.dataShare * 100)}%`} />
              <Figure testId="er-sheets-saved" label={t('erSheetsSaved')} value={t('erSheets', { n: n(r.estimate.sheetsSaved) })} />
              <Figure testId="er-fax-saved" label={t('erFaxSaved')} value={t('erPages', { n: n(r.estimate.faxPagesSaved) })} />
              <Figure testId="er-minutes" label={t('erMinutesSaved')} value={t('erMinutes', { n: n(r.estimate.minutesSaved) })} />
              <Figure testId="er-yen" label={t('erYenSaved')} value={t('erYen', { n: n(r.estimate.yenSaved) })} />
            </div>
          </section>
          {draft ? (
            <section className="card" data-testid="er-assumptions">
              <h2>{t('erAssumptions')}</h2>
              <p className="sub">{t('erAssumptionsHelp')}</p>
              <table className="table er-assumptions">
                <tbody>
                  {(Object.keys(ASSUMPTION_LABEL) as AssumptionKey[]).map((k) => (
                    <tr key={k}>
                      <th scope="row">
                        <label htmlFor={`er-a-${k}`}>{t(ASSUMPTION_LABEL[k])}</label>
                      </th>
                      <td>
                        <input id={`er-a-${k}`} data-testid={`er-a-${k}`} type="number" min={0} step="any" value={draft[k]} onChange={(e) => setDraft({ ...draft, [k]: Math.max(0, Number(e.target.value) || 0) })} />
                      </td>
                      <td className="er-source">
                        <span className="visually-hidden">{t('erSource')}: </span>
                        {ASSUMPTION_SOURCES[k][lang]}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div className="button-row">
                <button type="button" className="btn" disabled={save.busy} onClick={() => void saveAssumptions({ ...DEFAULT_ASSUMPTIONS })}>
                  {t('erDefaults')}
                </button>
                <button type="button" className="btn btn-primary" data-testid="er-save" disabled={save.busy} onClick={() => void saveAssumptions(draft)}>
                  {t('erSave')}
                </button>
              </div>
            </section>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
