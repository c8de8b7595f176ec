// Where a unit's originals end up, and nowhere else: sent/YYYYMM/ once the relay has accepted the
// unit (the local month: at 08:30 on 1 December in Japan that is 12, not UTC's 11), errors/ with a
// report beside each file when it will not be sent (invalid, too large, unreadable, refused by the
// relay). Moves of a whole unit go through a journal (processing/.moving-*.json) that names the files
// first, so a crash halfway through cannot leave half a unit behind: the next pass completes it.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { freeName, moveInto, renameWithRetry } from '../../platform/fs.js';
import { localizedTextSchema, type LocalizedText } from '../../shared/errors.js';
import { formatText } from '../../shared/report/formatText.js';
import type { CheckReport } from '../../shared/report/types.js';
import { localMonth } from '../../shared/time.js';
import { faultPoint, parseRecord } from '../transport/spool.js';

/** Why a unit's files went to errors/ without being sent: written beside each of them. */
export const notSentReasonSchema = z.object({ code: z.string(), ja: z.string(), en: z.string(), hint: localizedTextSchema.optional() });
export type NotSentReason = z.infer<typeof notSentReasonSchema>;

/** The journal of a unit's files on their way out of processing/ (`reason`: to errors/, not sent). */
const moveJournalSchema = z.object({ to: z.string().min(1), files: z.array(z.string().min(1)), reason: notSentReasonSchema.optional() });

const FIX_IT: LocalizedText = { ja: '介護ソフトで直して、もう一度出力してください。', en: 'Fix it in the care software and export it again.' };

export interface FilingFolders {
  processing: string;
  sent: string;
  errors: string;
}

export class Filing {
  constructor(
    private readonly dirs: FilingFolders,
    private readonly log: (event: string, detail: string) => void,
  ) {}

  /** Invalid files go to errors/ with a Japanese report beside each: what to fix in the care software. */
  async reject(paths: string[], report: CheckReport): Promise<void> {
    for (const p of paths) {
      const moved = await moveInto(p, this.dirs.errors);
      const name = basename(moved);
      const mine: CheckReport = { ...report, files: report.files.filter((f) => f.name === basename(p)) };
      writeFileSync(join(this.dirs.errors, `${name}.errors.txt`), `このファイルは送信していません。介護ソフトで直して、もう一度出力してください。\nThis file was not sent: fix it in the care software and export it again.\n\n${formatText(mine)}`);
      writeFileSync(join(this.dirs.errors, `${name}.errors.json`), JSON.stringify(mine, null, 2));
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

  /** Completes the moves a crash interrupted. */
  async resume(): Promise<void> {
    for (const n of readdirSync(this.dirs.processing)) if (n.startsWith('.moving-') && n.endsWith('.json')) await this.finish(join(this.dirs.processing, n));
  }

  private async moveAll(to: string, names: string[], reason?: NotSentReason): Promise<void> {
    if (names.length === 0) return;
    const journal = join(this.dirs.processing, `.moving-${Date.now()}-${process.pid}.json`);
    writeFileSync(journal, JSON.stringify({ to, files: names, ...(reason ? { reason } : {}) }));
    faultPoint('agent-before-move');
    await this.finish(journal);
  }

  private async finish(journal: string): Promise<void> {
    // A damaged journal fails the pass with a SpoolRecordError naming it, as an unreadable one always did.
    const { to, files, reason } = parseRecord(readFileSync(journal), moveJournalSchema, journal);
    for (const f of files) {
      const p = join(this.dirs.processing, f);
      if (!existsSync(p)) continue;
      if (!reason) {
        await moveInto(p, to);
        continue;
      }
      // The report is written before the file moves, under the name the file will have: a crash in
      // between leaves a report that the resumed move rewrites, never a file without its reason.
      mkdirSync(to, { recursive: true });
      const target = freeName(to, f);
      const name = basename(target);
      writeFileSync(join(to, `${name}.errors.txt`), notSentText(reason, files));
      writeFileSync(join(to, `${name}.errors.json`), JSON.stringify({ notSent: reason, unit: files, at: new Date().toISOString() }, null, 2));
      await renameWithRetry(p, target);
      this.log('not-sent', `${name} → ${basename(to)}/: ${reason.ja}`);
    }
    rmSync(journal, { force: true });
  }
}

/** The .errors.txt of a file that was not sent: Japanese first, then English; what to do. */
export function notSentText(reason: NotSentReason, unit: string[]): string {
  const hint = reason.hint ?? FIX_IT;
  return [
    'このファイルは送信していません。',
    `理由: ${reason.ja}`,
    hint.ja,
    '',
    'This file was not sent.',
    `Reason: ${reason.en}`,
    hint.en,
    '',
    `送信単位のファイル / files of the unit: ${unit.join(', ')}`,
    '',
  ].join('\n');
}
