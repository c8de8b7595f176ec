// The history: every unit we sent (with the relay's view of it and its signed receipts) and every
// unit that arrived, newest first, filtered as the history screen asks, and as CSV for Excel.
import type { Handlers } from '../../shared/api/methods.js';
import type { HistoryEntry, HistoryFilter } from '../../shared/api/types.js';
import { publicMessageSchema } from '../../shared/protocol/messages.js';
import { matchesSearch } from '../../shared/search.js';
import { kindName } from '../../shared/spec/labels.js';
import { localDate, localDateTimeText } from '../../shared/time.js';
import { checkReceipt } from '../transport/receipts.js';
import { RelayError, type RelayMessage } from '../transport/relayClient.js';
import type { OutboxRecord } from '../transport/sender.js';
import type { Session } from '../transport/session.js';
import type { BackendContext, Open } from './context.js';
import type { Partners } from './partners.js';
import { personKey, type PeopleResolver } from './people.js';
import type { SpoolRecords } from './spoolRecords.js';
import { paperHistoryEntries } from '../paper/index.js';

/** Where a sent unit's story ends on the relay. */
const FINAL = new Set(['imported', 'quarantined']);

/** How far along its story a status is: a shown status never goes back, and the first final one stays. */
const STAGE: Record<RelayMessage['status'], number> = { queued: 0, delivered: 1, received: 2, imported: 3, quarantined: 3 };

/**
 * The relay's new answer, except that its status never goes back from what we have shown: once
 * imported, a unit is never shown as quarantined (a receiver's second final receipt, which the relay
 * now refuses; an older relay took it), and delivered never falls back to queued.
 */
function advance(known: RelayMessage | undefined, fresh: RelayMessage): RelayMessage {
  if (!known || STAGE[fresh.status] > STAGE[known.status] || fresh.status === known.status) return fresh;
  return { ...fresh, status: known.status };
}

export class History {
  /** The relay's view of what we sent, kept in the app's folder so history shows receipts offline too. */
  private readonly relayStatus: Map<string, RelayMessage>;
  /** Receipt checks are CMS verifications: each receipt is checked once. */
  private readonly receiptChecks = new Map<string, boolean>();

  constructor(
    private readonly ctx: BackendContext,
    private readonly partners: Partners,
    /** Who each unit is about (names from 利用者補足情報); absent in tests of the history alone. */
    private readonly people?: (open: Open) => PeopleResolver,
  ) {
    this.relayStatus = new Map(Object.entries(ctx.profile.readRelayStatus(publicMessageSchema)));
  }

  /** The background refresh's part: asks the relay about sent units whose story is not finished yet. */
  async refreshRelayStatus(s: Session, records: SpoolRecords): Promise<void> {
    let changed = false;
    for (const r of records.outbox('sent')) {
      const known = this.relayStatus.get(r.messageId);
      if (known && FINAL.has(known.status) && known.receipts.some((x) => x.disposition === known.status)) continue;
      try {
        this.relayStatus.set(r.messageId, advance(known, await s.client.message(r.messageId)));
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
      ok = checkReceipt(x, { messageId: r.messageId, sha256: r.sha256, receiver: r.header.receiver.office }, s.trust, s.crls).valid;
      this.receiptChecks.set(key, ok);
    }
    return ok;
  }

  entries(s: Session, records: SpoolRecords, f: HistoryFilter, people?: PeopleResolver): HistoryEntry[] {
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
    // Units for partners not linked went on paper: in the history as 紙で送付.
    for (const e of paperHistoryEntries(s)) out.push({ ...e, partner: { ...e.partner, name: nameOf(e.partner.office) ?? e.partner.name } });
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
    if (people) for (const e of out) e.people = people.ofFiles(e.files);
    const text = f.text?.trim() ?? '';
    // The words the history screen shows (kind and status names, people's names and kana) as well as the
    // numbers and file names: the clerk searches what she sees, in any width or kana.
    const shown = (e: HistoryEntry) => [
      e.partner.office,
      e.partner.name,
      ...e.kinds.flatMap((k) => [k, kindName(k, 'ja')]),
      e.files.join(' '),
      STATUS_JA[e.status],
      e.status,
      e.messageId,
      e.detail,
      ...(e.people ?? []).flatMap((p) => [p.name, p.kana, p.insured]),
    ];
    return out
      .filter((e) => !f.direction || e.direction === f.direction)
      .filter((e) => !f.partner || matchesSearch(f.partner, [e.partner.office, e.partner.name]))
      .filter((e) => !f.month || e.month === f.month)
      .filter((e) => !f.person || (e.people ?? []).some((p) => personKey(p.insurer, p.insured) === f.person))
      .filter((e) => matchesSearch(text, shown(e)))
      .sort((a, b) => b.at.localeCompare(a.at));
  }

  readonly handlers: Pick<Handlers, 'history' | 'historyCsv'> = {
    history: async (filter) => {
      const open = this.ctx.need();
      return this.entries(open.s, open.records, filter, this.people?.(open));
    },

    historyCsv: async (filter) => {
      const open = this.ctx.need();
      return historyCsvFile(open.s.config.office, this.entries(open.s, open.records, filter, this.people?.(open)));
    },
  };
}

const CSV_HEADER = ['日時', '方向', '相手事業所番号', '相手事業所名', '種類', '対象年月', '連番', 'ファイル', '状態', '受領証', 'メッセージID', '詳細'];

/** The history screen's words for each status (renderer/src/components/HistoryTable.tsx), for the CSV. */
const STATUS_JA: Record<HistoryEntry['status'], string> = {
  paper: '紙で送付',
  pending: '送信待ち（未送信）',
  queued: '受付済み（相手の受信待ち）',
  delivered: '相手が受信',
  received: '相手が受領',
  imported: '取り込み済み',
  quarantined: '隔離',
  failed: '失敗',
  downloaded: '受信処理中',
};

const RECEIPT_JA: Record<HistoryEntry['receipt'], string> = { verified: '確認済み', invalid: '不正（署名を確認できません）', none: 'なし', given: '送付済み' };

/** Quotes a CSV field when it holds a comma, a quote or a line break. */
const quoted = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/**
 * A field of text. Text that Excel would run as a formula (= + - @ first: a partner's name comes from
 * the directory, not from us) gets a leading apostrophe, which Excel shows as plain text.
 */
const textCell = (v: string): string => quoted(/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

/**
 * An identifier of digits (office number 0110000011, sequence 20250425120002) or of base64url letters
 * (a message id may begin with "-"): Excel would turn the first into a number (dropping the leading 0,
 * writing 2.02504E+13) and the last into a formula. ="…" makes Excel keep it as the text it is.
 */
const idCell = (v: string): string => (v === '' ? '' : quoted(`="${v.replace(/"/g, '""')}"`));

/** A stored UTC timestamp on the PC's clock; one that cannot be read stays as it was rather than failing the file. */
const atText = (iso: string): string => (Number.isNaN(Date.parse(iso)) ? iso : localDateTimeText(new Date(iso)));

const monthText = (m: string | null): string => (m && /^\d{6}$/.test(m) && m !== '000000' ? `${m.slice(0, 4)}年${Number(m.slice(4))}月` : '');

/**
 * The history as a CSV file for audits, as a clerk opens it in Excel on a Japanese Windows: UTF-8 with a
 * BOM (Excel reads a BOM-less CSV as Shift_JIS; MS932 itself cannot hold every name a partner may have,
 * 𠮷 for one), CRLF line ends, Japanese headers and values, times on Japan's clock (the PC's zone).
 */
export function historyCsv(entries: HistoryEntry[]): string {
  const rows = entries.map((e) => [
    textCell(atText(e.at)),
    textCell(e.direction === 'sent' ? '送信' : '受信'),
    idCell(e.partner.office),
    textCell(e.partner.name ?? ''),
    textCell(e.kinds.map((k) => kindName(k, 'ja')).join('・')),
    textCell(monthText(e.month)),
    idCell(e.sequence),
    textCell(e.files.join(' ')),
    textCell(STATUS_JA[e.status] ?? e.status),
    textCell(RECEIPT_JA[e.receipt] ?? e.receipt),
    idCell(e.messageId),
    textCell(e.detail ?? ''),
  ]);
  return '\uFEFF' + [CSV_HEADER.map(textCell), ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n';
}

/** The CSV with its file name, dated by the local day the clerk saves it. */
export function historyCsvFile(office: string, entries: HistoryEntry[], now = new Date()): { fileName: string; csv: string } {
  return { fileName: `careplan-link-履歴-${office}-${localDate(now)}.csv`, csv: historyCsv(entries) };
}
