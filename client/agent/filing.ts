// Where a unit's originals end up, and nowhere else: sent/YYYYMM/ once the relay has accepted the
// unit (the local month: at 08:30 on 1 December in Japan that is 12, not UTC's 11), errors/ with a
// report beside each file when it will not be sent (invalid, too large, unreadable, refused by the
// relay). Moves of a whole unit go through a journal (processing/.moving-*.json) that names the files
// first, so a crash halfway through cannot leave half a unit behind: the next pass completes it.
// Journals and reports are written durably (tmp, fsync, rename: a power cut leaves the old file or the
// new one, never half of one); a file that stays held is waited for briefly and left to a later pass,
// while the unit's other files go on.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { FileBusyError, FolderNames, freeName, isHeldError, moveInto, renameWithRetry, unlinkWithRetry, writeDurable, writeDurableAsync } from '../../platform/fs.js';
import type { ErrorProblem } from '../../shared/api/types.js';
import { localizedTextSchema } from '../../shared/errorSchemas.js';
import type { CheckReport } from '../../shared/report/types.js';
import { localMonth } from '../../shared/time.js';
import { faultPoint, parseRecord, SpoolRecordError } from '../transport/spool.js';
import { mapBounded } from '../check/readFiles.js';
import { DAMAGED_JOURNAL, japanesePart, notSentText, rejectedText } from './errorsText.js';
import { errorText } from './troubles.js';

/** Why a unit's files went to errors/ without being sent: written beside each of them. */
export const notSentReasonSchema = z.object({ code: z.string(), ja: z.string(), en: z.string(), hint: localizedTextSchema.optional() });
export type NotSentReason = z.infer<typeof notSentReasonSchema>;

/** The journal of a unit's files on their way out of processing/ (`reason`: to errors/, not sent). */
const moveJournalSchema = z.object({ to: z.string().min(1), files: z.array(z.string().min(1)), reason: notSentReasonSchema.optional() });
type MoveJournal = z.infer<typeof moveJournalSchema>;

/**
 * How long a move out of processing/ waits for one held file before it goes on with the next: the
 * journal stays until every file has moved, so a later pass finishes what a held file left.
 */
export const MOVE_WAIT_MS = 5_000;
/** How many files of one journal move into sent/ at once (each a rename waiting on the disk). */
export const MOVES_AT_ONCE = 8;

const isJournal = (name: string) => name.startsWith('.moving-') && name.endsWith('.json');

export interface FilingFolders {
  processing: string;
  sent: string;
  errors: string;
}

export class Filing {
  /** Journals a held file kept from finishing, with the names they still move: no one sends those again meanwhile. */
  private readonly unfinished = new Map<string, string[]>();

  constructor(
    private readonly dirs: FilingFolders,
    private readonly log: (event: string, detail: string) => void,
  ) {}

  /**
   * Invalid files go to errors/ with a report beside each: the clerk's .errors.txt (what to fix in the
   * care software, for which 利用者; `problems` from client/check/problems.ts) and the exact findings.
   */
  async reject(paths: string[], report: CheckReport, problems: ErrorProblem[]): Promise<void> {
    const unit = paths.map((p) => basename(p));
    for (const p of paths) {
      const moved = await moveInto(p, this.dirs.errors, { maxWaitMs: MOVE_WAIT_MS });
      const name = basename(moved);
      const mine: CheckReport = { ...report, files: report.files.filter((f) => f.name === basename(p)) };
      writeReports(this.dirs.errors, name, rejectedText(basename(p), unit, problems), mine);
      this.log('rejected', `${name} → ${basename(this.dirs.errors)}/`);
    }
  }

  /** The relay has the unit: its originals (names in processing/) are kept in sent/YYYYMM/, never deleted. */
  async sent(names: string[], now = new Date()): Promise<void> {
    await this.moveAll(join(this.dirs.sent, localMonth(now)), names);
  }

  /** The unit will not be sent: its files (names in processing/) go to errors/ with the reason beside each. */
  async notSent(names: string[], reason: NotSentReason): Promise<void> {
    await this.moveAll(this.dirs.errors, names, reason);
  }

  /** One file from outside processing/ (a claim that could not be made) goes to errors/ with the reason beside it. */
  async setAside(path: string, reason: NotSentReason): Promise<string> {
    return this.fileWithReason(path, this.dirs.errors, reason, [basename(path)]);
  }

  /** Names in processing/ that an unfinished move still owns. */
  pendingNames(): Set<string> {
    return new Set([...this.unfinished.values()].flat());
  }

  /**
   * Completes the moves a crash or a held file interrupted. A journal that is not JSON at all (a write
   * cut short by a power failure, before journals were written durably) is set aside in errors/ with
   * the reason; its files stay in processing/, where the next checks file them again (a unit the relay
   * already has is recognised by its message id and only filed). A well-formed journal this version
   * does not know (a newer version's, or edited by hand) still stops the pass, naming it: moving files
   * on a guess could file them wrongly.
   */
  async resume(): Promise<void> {
    this.unfinished.clear();
    for (const n of readdirSync(this.dirs.processing)) {
      if (!isJournal(n)) continue;
      const journal = join(this.dirs.processing, n);
      let parsed: MoveJournal;
      try {
        parsed = parseRecord(readFileSync(journal), moveJournalSchema, journal);
      } catch (e) {
        if (isHeldError(e)) continue;
        if (!(e instanceof SpoolRecordError && e.cause instanceof SyntaxError)) throw e;
        await this.setAsideJournal(journal);
        continue;
      }
      await this.finish(journal, parsed);
    }
  }

  private async moveAll(to: string, names: string[], reason?: NotSentReason): Promise<void> {
    if (names.length === 0) return;
    // Random as well as timed: a journal a held file keeps must never be replaced by the next one.
    const journal = join(this.dirs.processing, `.moving-${Date.now()}-${process.pid}-${randomBytes(3).toString('hex')}.json`);
    const entry: MoveJournal = { to, files: names, ...(reason ? { reason } : {}) };
    // Off the event loop: a batch's journal is one durable write however many units it files.
    await writeDurableAsync(journal, JSON.stringify(entry));
    faultPoint('agent-before-move');
    await this.finish(journal, entry);
  }

  private async finish(journal: string, { to, files, reason }: MoveJournal): Promise<void> {
    let held: FileBusyError | null = null;
    // The target's names are listed once for the whole journal, not once per file moved. Into sent/ a
    // few files move at once (each move takes its free name before its rename); the journal names them
    // all, so a crash leaves the rest to resume whatever order they went in.
    mkdirSync(to, { recursive: true });
    const names = new FolderNames(readdirSync(to));
    const left = files.filter((f) => existsSync(join(this.dirs.processing, f)));
    await mapBounded(left, reason ? 1 : MOVES_AT_ONCE, async (f) => {
      const p = join(this.dirs.processing, f);
      try {
        if (reason) await this.fileWithReason(p, to, reason, files);
        else await moveInto(p, to, { maxWaitMs: MOVE_WAIT_MS, names });
      } catch (e) {
        // One held file does not hold up the others, nor the pass.
        if (!(e instanceof FileBusyError)) throw e;
        held ??= e;
      }
    });
    if (held) {
      this.log('move-later', `${basename(journal)}: ${errorText(held)}`);
      this.unfinished.set(journal, files);
      return;
    }
    this.unfinished.delete(journal);
    try {
      await unlinkWithRetry(journal, { maxWaitMs: MOVE_WAIT_MS });
    } catch (e) {
      // Every file has moved: the next pass finds nothing left to move and removes it then.
      this.log('move-later', `${basename(journal)}: ${errorText(e)}`);
    }
  }

  /**
   * Moves a file into `to` with the reason beside it. The report is written before the file moves,
   * under the name the file will have: a crash in between leaves a report that the resumed move
   * rewrites, never a file without its reason.
   */
  private async fileWithReason(p: string, to: string, reason: NotSentReason, unit: string[]): Promise<string> {
    mkdirSync(to, { recursive: true });
    const target = freeName(to, basename(p));
    const name = basename(target);
    writeReports(to, name, notSentText(reason, unit), { notSent: reason, unit, at: new Date().toISOString() });
    await renameWithRetry(p, target, { maxWaitMs: MOVE_WAIT_MS });
    this.log('not-sent', `${name} → ${basename(to)}/: ${reason.ja}`);
    return target;
  }

  private async setAsideJournal(journal: string): Promise<void> {
    try {
      const moved = await moveInto(journal, this.dirs.errors, { maxWaitMs: MOVE_WAIT_MS });
      writeDurable(`${moved}.errors.txt`, BOM + DAMAGED_JOURNAL);
      this.log('journal-damaged', `${basename(journal)} → ${basename(this.dirs.errors)}/`);
    } catch (e) {
      // Held: moved aside on a later pass; nothing reads it meanwhile.
      if (!(e instanceof FileBusyError)) throw e;
      this.log('move-later', `${basename(journal)}: ${errorText(e)}`);
    }
  }
}

/** The reason beside a unit the relay refused for good (its record stays in the spool's failed/). */
export function refusedReason(lastError: string | null): NotSentReason {
  const reason = lastError ?? '';
  return {
    code: 'REFUSED',
    ja: `連携サービスが受け付けませんでした: ${japanesePart(reason)}`,
    en: `the linkage service refused the unit: ${reason}`,
    hint: { ja: '理由を確かめて、介護ソフトで直すか、分けて書き出し直してください。送れなかった記録はアプリの「履歴」に残っています', en: 'Check the reason, then fix or split the export in the care software. The spool keeps the record in failed/' },
  };
}

/** The reason beside a file exported again while a file of the same name is still in processing/. */
export function duplicateReason(inProcessing: string): NotSentReason {
  return {
    code: 'DUPLICATE_NAME',
    ja: `同じ名前のファイル（${inProcessing}）を送っている途中です。中身が違うため、このファイルは送っていません`,
    en: `a file with the same name is still being processed (${inProcessing}) and this one differs from it, so it was not sent`,
    hint: {
      ja: '先のファイルの送信が終わってから（アプリの「送信」画面で確かめられます）、このファイルを書き出しフォルダに戻すか、介護ソフトからもう一度書き出してください',
      en: 'Once the file being processed has moved to sent/ or errors/, put this one back in the export folder or export it again from the care software',
    },
  };
}

/** Notepad on an older Windows reads a UTF-8 file without a BOM as Shift_JIS: the reports carry one. */
const BOM = '\ufeff';

/** The two reports beside a file in errors/: the clerk's text and the exact findings (JSON, for the app and vendors). */
export function writeReports(dir: string, name: string, text: string, json: unknown): void {
  writeDurable(join(dir, `${name}.errors.txt`), BOM + text);
  writeDurable(join(dir, `${name}.errors.json`), JSON.stringify(json, null, 2));
}
