// The 効果レポート's facts, read from the office's own history: every unit the relay accepted from us
// (spool sent/), every unit that arrived and was imported (spool received/), and the units that went
// on paper (given by the caller: the paper path keeps its own record). The files themselves are read
// to count users per form (one sheet each on paper) and the 実績 lines that did not have to be re-typed.
// Used by the app's back end and by `careplan-link report`, which has no open session (no password).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isPaperForm, type EffectUnit } from '../../shared/effect/report.js';
import type { SpecCatalog } from '../../shared/spec/model.js';
import { readRecords } from '../../shared/ticket/records.js';
import { localMonth } from '../../shared/time.js';
import { parseFileName } from '../../shared/validator/fileName.js';
import { decodeMs932 } from '../check/ms932.js';
import { paperIndexSchema } from '../paper/store.js';
import type { InboxRecord } from '../transport/receiver.js';
import type { OutboxRecord } from '../transport/sender.js';

/** Where a unit's files are kept after it went out or came in. */
export interface FilePlaces {
  /** sent/ folders (current and earlier export folders): sent/YYYYMM/<file>. */
  sentRoots: string[];
  /** The app's archive of arrivals: <archive>/<messageId>/<file> (absent for a CLI-only office). */
  archiveRoot: string | null;
  importDir: string;
}

/** Finds a file by name in sent/YYYYMM/ folders; the month folders are listed once per report. */
function sentIndex(roots: string[]): Map<string, string> {
  const index = new Map<string, string>();
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const m of readdirSync(root).sort().reverse()) {
      const dir = join(root, m);
      if (!statSync(dir).isDirectory()) continue;
      for (const n of readdirSync(dir)) if (!index.has(n)) index.set(n, join(dir, n));
    }
  }
  return index;
}

interface FileCount {
  users: number;
  actualRecords: number;
}

/** Distinct users in a file (保険者番号 + 被保険者番号, fields 2 and 3 of every standard record), and its 実績 lines. */
function countFile(path: string, kind: string): FileCount | null {
  try {
    const records = readRecords(readFileSync(path), decodeMs932);
    const users = new Set(records.map((r) => `${r[1] ?? ''}|${r[2] ?? ''}`)).size;
    return { users, actualRecords: kind === 'UPJSK' ? records.filter((r) => r.length === 25).length : 0 };
  } catch {
    return null;
  }
}

function unitOf(direction: EffectUnit['direction'], month: string, partner: string, files: { name: string; path: string | null }[], catalog: SpecCatalog): EffectUnit {
  let userForms = 0;
  let actualRecords = 0;
  let actualUsers = 0;
  const kinds: string[] = [];
  for (const f of files) {
    const kind = parseFileName(f.name, catalog).meta?.kind ?? null;
    if (!kind) continue;
    kinds.push(kind);
    if (!isPaperForm(kind)) continue;
    const c = f.path ? countFile(f.path, kind) : null;
    // A file no longer on disk (moved away by a person) still was at least one sheet.
    userForms += c?.users ?? 1;
    if (kind === 'UPJSK') {
      actualRecords += c?.actualRecords ?? 0;
      actualUsers += c?.users ?? 0;
    }
  }
  return { direction, via: 'data', month, partner, kinds, userForms, actualRecords, actualUsers };
}

/** The month a unit counts for: its service month, or (第1〜3表 have none) the local month it went out or came in. */
export function unitMonth(month: string | null, at: string): string {
  return month && /^\d{6}$/.test(month) && month !== '000000' ? month : localMonth(new Date(at));
}

/** Units exchanged by data: accepted by the relay (sent/) or imported (received/). */
export function dataUnits(sent: readonly Readonly<OutboxRecord>[], received: readonly Readonly<InboxRecord>[], places: FilePlaces, catalog: SpecCatalog): EffectUnit[] {
  const index = sentIndex(places.sentRoots);
  const out: EffectUnit[] = [];
  for (const r of sent) {
    const files = r.files.map((name) => ({ name, path: index.get(name) ?? null }));
    out.push(unitOf('sent', unitMonth(r.header.month, r.acceptedAt ?? r.createdAt), r.header.receiver.office, files, catalog));
  }
  for (const r of received) {
    const files = r.importedFiles.map((name) => {
      const archived = places.archiveRoot ? join(places.archiveRoot, r.messageId, name) : null;
      const inImport = join(places.importDir, name);
      return { name, path: archived && existsSync(archived) ? archived : existsSync(inImport) ? inImport : null };
    });
    out.push(unitOf('received', unitMonth(r.month, r.downloadedAt), r.sender.office, files, catalog));
  }
  return out;
}

/** A unit that went on paper, as the paper path records it: the files it printed, still on disk. */
export interface PaperSend {
  at: string;
  month: string | null;
  partner: string;
  /** The partner's name as the paper sheet learnt it from the documents (it is not in the directory). */
  partnerName: string | null;
  files: { name: string; path: string | null }[];
}

export function paperUnits(sends: readonly PaperSend[], catalog: SpecCatalog): EffectUnit[] {
  return sends.map((p) => ({ ...unitOf('sent', unitMonth(p.month, p.at), p.partner, p.files, catalog), via: 'paper' as const }));
}

/**
 * The units that went on paper, from the paper path's own record (issue 14 item 2, client/paper/store.ts):
 * spool/paper/sheets.json lists one sheet per partner and month with its units, whose files are kept in
 * spool/paper/units/<messageId>/. Read with the paper store's own schema, so the report and the 印刷・FAX
 * screen accept the same record (a damaged one is refused by both, not half-counted). None when nothing
 * went on paper.
 */
export function paperSendsIn(spoolRoot: string): PaperSend[] {
  const root = join(spoolRoot, 'paper');
  const index = join(root, 'sheets.json');
  if (!existsSync(index)) return [];
  const { sheets } = paperIndexSchema.parse(JSON.parse(readFileSync(index, 'utf8')));
  return sheets.flatMap((sh) =>
    sh.units.map((u) => ({
      at: u.at,
      month: sh.month,
      partner: sh.partner,
      partnerName: sh.partnerName,
      files: u.files.map((name) => {
        const path = join(root, 'units', u.messageId, name);
        return { name, path: existsSync(path) ? path : null };
      }),
    })),
  );
}
