// Opens a PDF the back end made: Electron opened it with the PC's PDF program already; the browser gets
// the bytes and shows them in a new tab (from where the person prints).
import type { OpenedFile } from '../../../shared/api/types.js';

export function showOpened(f: OpenedFile): void {
  if (f.opened || !f.base64) return;
  const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
  window.open(url, '_blank', 'noopener');
}
