// 「印刷」 and 「PDFで保存」 for one document. 印刷 opens the print dialog of the browser or of Electron;
// PDFで保存 asks Electron's main process (savePdf: a save dialog, then printToPDF of this window) and
// in a browser is the browser's print dialog, where 「PDFに保存」 is one of the printers. The bar itself
// never prints (print.css).
import { type RefObject, useState } from 'react';
import { api } from '../api.js';
import { useAction } from '../hooks.js';
import { useI18n } from '../i18n/index.js';
import { ErrorAlert, Notice } from '../components/Alert.js';
import { pdfFileName, printElement, withPrintMarks } from './print.js';

export interface PrintBarProps {
  /** The element holding what to print (one document, or one screen such as 予定と実績). */
  target: RefObject<HTMLElement | null>;
  /** Words for the PDF's suggested file name. */
  nameParts: readonly string[];
  /** True in the desktop app (the preload is there); defaults to what the window has. */
  desktop?: boolean;
}

export function PrintBar({ target, nameParts, desktop = typeof window !== 'undefined' && Boolean(window.careplan) }: PrintBarProps) {
  const { t } = useI18n();
  const saving = useAction();
  const [saved, setSaved] = useState<string | null>(null);
  const print = () => {
    if (target.current) printElement(target.current);
  };
  const savePdf = async () => {
    setSaved(null);
    const el = target.current;
    if (!el) return;
    if (!desktop) {
      printElement(el);
      return;
    }
    const r = await saving.run(() => withPrintMarks(el, () => api().savePdf({ name: pdfFileName(nameParts) })));
    if (r) setSaved(r.path ? t('formPdfSaved', { path: r.path }) : t('formPdfCancelled'));
  };
  return (
    <div className="print-bar no-print">
      <button type="button" className="btn" data-testid="print-button" onClick={print}>
        {t('formPrint')}
      </button>
      <button type="button" className="btn" data-testid="save-pdf-button" disabled={saving.busy} onClick={() => void savePdf()}>
        {t('formSavePdf')}
      </button>
      {saved ? (
        <Notice kind="info" testId="pdf-saved">
          {saved}
        </Notice>
      ) : null}
      <ErrorAlert error={saving.error} />
    </div>
  );
}
