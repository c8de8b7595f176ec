// The units that went on paper as history entries (status 「紙で送付」), so the history shows every unit
// sent, by data or on paper, in one list.
import type { HistoryEntry } from '../../shared/api/types.js';
import type { Session } from '../transport/session.js';
import { PaperStore } from './store.js';

export function paperHistoryEntries(s: Session): HistoryEntry[] {
  return new PaperStore(s).sheets().flatMap((sheet) =>
    sheet.units.map((u) => ({
      at: u.at,
      direction: 'sent' as const,
      messageId: u.messageId,
      partner: { office: sheet.partner, name: sheet.partnerName },
      kinds: u.kinds,
      month: sheet.month,
      sequence: u.sequence,
      files: u.files,
      status: 'paper' as const,
      receipt: 'none' as const,
      detail: sheet.faxedAt ? `FAX送付済み（${sheet.pdf}）` : `印刷・FAX 待ち（${sheet.pdf}）`,
    })),
  );
}
