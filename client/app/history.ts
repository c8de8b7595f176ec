// The history: every unit we sent (with the relay's view of it and its signed receipts) and every
// unit that arrived, newest first, filtered as the history screen asks, and as CSV.
import type { Handlers } from '../../shared/api/methods.js';
import type { HistoryEntry, HistoryFilter } from '../../shared/api/types.js';
import { checkReceipt } from '../transport/receipts.js';
import { RelayError, type RelayMessage } from '../transport/relayClient.js';
import type { OutboxRecord } from '../transport/sender.js';
import type { Session } from '../transport/session.js';
import type { BackendContext } from './context.js';
import type { Partners } from './partners.js';
import type { SpoolRecords } from './spoolRecords.js';
import { historyCsv } from './views.js';

/** Where a sent unit's story ends on the relay. */
const FINAL = new Set(['imported', 'quarantined']);

export class History {
  /** The relay's view of what we sent, kept in the app's folder so history shows receipts offline too. */
  private readonly relayStatus: Map<string, RelayMessage>;
  /** Receipt checks are CMS verifications: each receipt is checked once. */
  private readonly receiptChecks = new Map<string, boolean>();

  constructor(
    private readonly ctx: BackendContext,
    private readonly partners: Partners,
  ) {
    this.relayStatus = new Map(Object.entries(ctx.profile.readRelayStatus<RelayMessage>()));
  }

  /** The background refresh's part: asks the relay about sent units whose story is not finished yet. */
  async refreshRelayStatus(s: Session, records: SpoolRecords): Promise<void> {
    let changed = false;
    for (const r of records.outbox('sent')) {
      const known = this.relayStatus.get(r.messageId);
      if (known && FINAL.has(known.status) && known.receipts.some((x) => x.disposition === known.status)) continue;
      try {
        this.relayStatus.set(r.messageId, await s.client.message(r.messageId));
        changed = true;
      } catch (e) {
        // Purged by the relay's retention: what we knew stays.
        if (!(e instanceof RelayError && e.status === 404)) throw e;
      }
    }
    if (changed) this.ctx.profile.writeRelayStatus(Object.fromEntries(this.relayStatus));
  }

  /** A receipt is a CMS signature: checked once, then remembered (receipts do not change). */
  private receiptValid(s: Session, r: Readonly<OutboxRecord>, x: RelayMessage['receipts'][number]): boolean {
    const key = `${r.messageId}|${x.disposition}|${x.at}|${x.signature.slice(-24)}`;
    let ok = this.receiptChecks.get(key);
    if (ok === undefined) {
      ok = checkReceipt(x, { messageId: r.messageId, sha256: r.sha256, receiver: r.header.receiver.office }, s.trust).valid;
      this.receiptChecks.set(key, ok);
    }
    return ok;
  }

  entries(s: Session, records: SpoolRecords, f: HistoryFilter): HistoryEntry[] {
    const nameOf = this.partners.nameOf;
    const out: HistoryEntry[] = [];
    const sent: [Readonly<OutboxRecord>, HistoryEntry['status']][] = [
      ...records.outbox('outbox').map((r): [Readonly<OutboxRecord>, HistoryEntry['status']] => [r, 'pending']),
      ...records.outbox('sent').map((r): [Readonly<OutboxRecord>, HistoryEntry['status']] => [r, 'queued']),
      ...records.outbox('failed').map((r): [Readonly<OutboxRecord>, HistoryEntry['status']] => [r, 'failed']),
    ];
    for (const [r, localStatus] of sent) {
      const remote = localStatus === 'queued' ? this.relayStatus.get(r.messageId) : undefined;
      const checks = remote ? remote.receipts.map((x) => this.receiptValid(s, r, x)) : [];
      out.push({
        at: r.acceptedAt ?? r.createdAt,
        direction: 'sent',
        messageId: r.messageId,
        partner: { office: r.header.receiver.office, name: nameOf(r.header.receiver.office) },
        kinds: r.header.kinds,
        month: r.header.month,
        sequence: r.header.sequence,
        files: r.files,
        status: remote?.status ?? localStatus,
        receipt: checks.length === 0 ? 'none' : checks.every(Boolean) ? 'verified' : 'invalid',
        detail: r.lastError,
      });
    }
    for (const r of [...records.inbox('received'), ...records.inbox('quarantine'), ...records.inbox('inbox')]) {
      out.push({
        at: r.downloadedAt,
        direction: 'received',
        messageId: r.messageId,
        partner: { office: r.sender.office, name: nameOf(r.sender.office) },
        kinds: r.kinds,
        month: r.month,
        sequence: r.sequence,
        files: r.importedFiles.length ? r.importedFiles : r.files,
        status: r.state,
        receipt: r.receipts.length ? 'given' : 'none',
        detail: r.reason,
      });
    }
    const text = f.text?.trim().toLowerCase();
    return out
      .filter((e) => !f.direction || e.direction === f.direction)
      .filter((e) => !f.partner || e.partner.office.includes(f.partner))
      .filter((e) => !f.month || e.month === f.month)
      .filter((e) => !text || [e.partner.office, e.partner.name ?? '', e.kinds.join(' '), e.files.join(' '), e.status, e.messageId, e.detail ?? ''].join(' ').toLowerCase().includes(text))
      .sort((a, b) => b.at.localeCompare(a.at));
  }

  readonly handlers: Pick<Handlers, 'history' | 'historyCsv'> = {
    history: async (filter) => {
      const { s, records } = this.ctx.need();
      return this.entries(s, records, filter);
    },

    historyCsv: async (filter) => {
      const { s, records } = this.ctx.need();
      const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
      return { fileName: `careplan-link-履歴-${s.config.office}-${stamp}.csv`, csv: historyCsv(this.entries(s, records, filter)) };
    },
  };
}
