// Printing one document and nothing else. Before the print, the path from the document up to <body>
// is marked; print.css then hides every sibling along that path (the header, the menu, the lists above
// the document, the buttons), so the paper shows only the forms, whatever screen they sit in. The
// marks are taken off when the print is done (afterprint, or when printToPDF has answered).

const PATH = 'data-print-path';
const TARGET = 'print-target';

/** Marks `target` as the one thing to print; returns the undo. */
export function markForPrint(target: HTMLElement): () => void {
  const path: HTMLElement[] = [];
  for (let el = target.parentElement; el; el = el.parentElement) {
    el.setAttribute(PATH, '');
    path.push(el);
  }
  target.classList.add(TARGET);
  // Printing lays the page out again and Chromium leaves it scrolled to the top: put the clerk back
  // where they were.
  const scrolled = window.scrollY;
  return () => {
    for (const el of path) el.removeAttribute(PATH);
    target.classList.remove(TARGET);
    if (window.scrollY !== scrolled) window.scrollTo(0, scrolled);
  };
}

/** The browser's (or Electron's) print dialog for `target` alone. */
export function printElement(target: HTMLElement): void {
  const undo = markForPrint(target);
  const done = () => {
    window.removeEventListener('afterprint', done);
    undo();
  };
  window.addEventListener('afterprint', done);
  window.print();
}

/** Runs `work` (e.g. Electron's printToPDF) with `target` marked, and unmarks it afterwards. */
export async function withPrintMarks<T>(target: HTMLElement, work: () => Promise<T>): Promise<T> {
  const undo = markForPrint(target);
  try {
    return await work();
  } finally {
    undo();
  }
}

/**
 * A file name for the saved PDF from the document's words (居宅サービス計画書（第1表）_佐藤 ハナ.pdf):
 * characters Windows refuses in names are dropped, and the length is kept short.
 */
export function pdfFileName(parts: readonly string[]): string {
  const base = parts
    // Control characters are dropped with the characters Windows refuses in names.
    .map((p) => [...p].filter((c) => c >= ' ' && !'\\/:*?"<>|'.includes(c)).join('').replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('_')
    .slice(0, 100);
  return `${base || 'document'}.pdf`;
}
