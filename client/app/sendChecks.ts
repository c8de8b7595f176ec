// What is checked before the send button is enabled, beyond the validator: the direction (this office
// sends, another office receives) and whether the very same unit (the same files, byte for byte) was
// sent before — found by the unit's content hash in the send history. Also the clerk's words for
// files that are not CSV, lower-case names, Windows copies and UTF-8 files.
import type { FileReport, UnitReport } from '../../shared/report/types.js';
import type { IgnoredFile, Text, UnitBlock, ValidationView } from '../../shared/api/types.js';
import type { SpecCatalog } from '../../shared/spec/model.js';
import { localDateTimeText } from '../../shared/time.js';
import { clerkFindings, nameProblem } from '../check/clerkWording.js';
import { directionBlock } from '../check/direction.js';
import { unitMessageIdOf } from '../transport/bundle.js';
import type { SpoolRecords } from './spoolRecords.js';

// The direction check is shared with the agent (client/check/direction.ts); the app's send step uses it from here.
export { directionBlock };

/** '12/01 10:15' in Japan local time: when a unit was sent, as a clerk says it. */
export function shortLocal(at: string): string {
  const t = localDateTimeText(new Date(at));
  return `${t.slice(5, 7)}/${t.slice(8, 10)} ${t.slice(11, 16)}`;
}

/** When a unit went out; `queued` while it still waits in the outbox (the relay has not taken it yet). */
export interface SentMark {
  at: string;
  queued: boolean;
}

/** The units already handed to the linkage service, or waiting in the outbox to go: content hash → when. */
export function sentUnits(records: SpoolRecords): Map<string, SentMark> {
  const sent = new Map<string, SentMark>();
  for (const r of records.outbox('outbox')) sent.set(r.messageId, { at: r.createdAt, queued: true });
  for (const r of records.outbox('sent')) sent.set(r.messageId, { at: r.acceptedAt ?? r.createdAt, queued: false });
  return sent;
}

/** 「送信済み」 only once the relay took it; before that the clerk is told it waits and goes by itself. */
export function alreadySentText(mark: SentMark): Text {
  const when = shortLocal(mark.at);
  return mark.queued
    ? { ja: `この送信単位は ${when} から送信待ちです。つながりしだい自動で送ります`, en: `This unit has been waiting to go since ${when}; it goes out by itself once connected` }
    : { ja: `この送信単位は ${when} に送信済みです`, en: `This unit was already sent on ${when}` };
}

/** The message id a unit would have: the same files give the same id (the relay's duplicate key). */
export function unitIdOf(u: UnitReport, files: FileReport[]): string | null {
  const hashes = u.files.map((n) => files.find((f) => f.name === n));
  if (hashes.some((f) => !f?.sha256) || u.sender.serviceType === null || u.receiver.serviceType === null) return null;
  const header = { sender: { office: u.sender.office, serviceType: u.sender.serviceType }, receiver: { office: u.receiver.office, serviceType: u.receiver.serviceType }, sequence: u.sequence };
  return unitMessageIdOf(header, hashes.map((f) => ({ name: f!.name, sha256: f!.sha256! })));
}

/** 「この送信単位は 12/01 10:15 に送信済みです」 (or 送信待ち) when the same files went out before. */
export function duplicateBlock(u: UnitReport, files: FileReport[], sent: Map<string, SentMark>): UnitBlock | null {
  const id = unitIdOf(u, files);
  const mark = id ? sent.get(id) : undefined;
  if (!mark) return null;
  return { kind: 'duplicate', message: alreadySentText(mark), sentAt: mark.at, queued: mark.queued };
}

/** Why a file in the export folder is not sent, in a clerk's words. */
export function ignoredWhy(names: string[], catalog: SpecCatalog): IgnoredFile[] {
  return names.map((name) => ({ name, reason: nameProblem(name, catalog) ?? { ja: '送るファイルではありません', en: 'Not a file to send' } }));
}

/**
 * The validator's view with what the app adds: each unit's block (direction, duplicate), each file's
 * clerk summary (UTF-8, Excel: one finding with the fix), why ignored files are ignored, and
 * `sendable` false while any unit is blocked.
 */
export function withSendChecks(view: ValidationView, self: string, sent: Map<string, SentMark>, catalog: SpecCatalog, nameOf?: (office: string) => string | null): ValidationView {
  const { report } = view;
  const units = view.units.map((v) => {
    const u = report.units.find((x) => x.key === v.key);
    const blocked = u ? (directionBlock(u, self, nameOf) ?? duplicateBlock(u, report.files, sent)) : null;
    return blocked ? { ...v, blocked } : v;
  });
  const files = view.files.map((f) => {
    const { summary, errors } = clerkFindings(f.name, f.errors, catalog);
    return summary ? { ...f, summary, errors } : f;
  });
  const blocked = units.some((u) => u.blocked);
  return { ...view, units, files, ignoredWhy: ignoredWhy(view.ignored.map(baseOf), catalog), sendable: view.sendable && !blocked };
}

const baseOf = (p: string) => p.slice(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1);
